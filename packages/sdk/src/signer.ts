/**
 * Who signs a transaction. A `Signer` is anything with a public key and a sign function, so the key can
 * live in memory (a core `SigningKey`), in a wallet (a consumer's order key) or behind an async boundary
 * (a browser extension, an HSM, a remote signing service).
 */
import { type Address, addressFromPublicKey, ed25519Sha256, type SigningKey } from '@hanglian/core';

export interface Signer {
  readonly publicKey: Uint8Array;
  readonly address: Address;
  /** Signs the exact bytes given (the SDK passes core's `txSignBytes(bodyBytes)`). */
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/**
 * The signer of a member identity (a node, a service or a person certified by an organisation): the
 * submitter of every transaction, which answers for it and pays its nonce.
 *
 * @example
 * ```ts
 * const signer = memberSigner(ed25519Sha256.signingKeyFromSeed(seed32));
 * await signAndSubmit(client, { signer, ...settlement.transfer({ to, amount: 100 }) });
 * ```
 */
export function memberSigner(key: Pick<SigningKey, 'publicKey' | 'sign'>): Signer {
  return {
    publicKey: key.publicKey,
    address: addressFromPublicKey(key.publicKey),
    sign: (message) => key.sign(message),
  };
}

/**
 * A member signer from a raw 32-byte Ed25519 seed (e.g. decrypted from a keystore).
 *
 * @example
 * ```ts
 * const signer = memberSignerFromSeed(await decryptKeystore(file, password));
 * ```
 */
export function memberSignerFromSeed(seed: Uint8Array): Signer {
  return memberSigner(ed25519Sha256.signingKeyFromSeed(seed));
}
