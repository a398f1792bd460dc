/**
 * The crypto suite: the only way the chain hashes and signs. Ed25519 + SHA-256 is the suite today; a
 * national-standard suite (SM2 signatures, SM3 hashing) can be added behind the same interface, chosen
 * per chain in the genesis, without touching the code that calls it.
 */

/** A private signing key held in memory. The raw seed never leaves the holder except into a keystore. */
export interface SigningKey {
  readonly suite: string;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
  /** The 32-byte seed, for the encrypted keystore only. */
  exportSeed(): Uint8Array;
}

export interface CryptoSuite {
  /** Stable identifier written into the genesis: `ed25519-sha256`. */
  readonly id: string;
  readonly publicKeyLength: number;
  readonly signatureLength: number;
  readonly seedLength: number;
  hash(data: Uint8Array): Uint8Array;
  generateSigningKey(): SigningKey;
  signingKeyFromSeed(seed: Uint8Array): SigningKey;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}
