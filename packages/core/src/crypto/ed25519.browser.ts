/**
 * Ed25519 through @noble/curves (audited, pure JavaScript), for browsers and other runtimes without
 * node:crypto. Slower than OpenSSL (docs/brief.md §4), which is fine for a wallet or a light client checking one
 * commit at a time. Verification runs in strict RFC 8032 mode (`zip215: false`): the same rules OpenSSL
 * applies on the nodes, so a light client in a browser does not accept a signature the nodes refuse.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '../encoding/hex.js';
import { CoreErrors } from '../errors/codes.js';
import { HanglianError } from '../errors/hanglianError.js';
import { sha256 } from './hash.browser.js';
import type { CryptoSuite, SigningKey } from './suite.js';

/** Which implementation this is, for diagnostics and the cross-implementation test. */
export const CRYPTO_SIGNATURE_IMPLEMENTATION = '@noble/curves';

class NobleEd25519SigningKey implements SigningKey {
  readonly suite = 'ed25519-sha256';
  readonly publicKey: Uint8Array;
  readonly #seed: Uint8Array;

  constructor(seed: Uint8Array) {
    this.#seed = new Uint8Array(seed);
    this.publicKey = ed25519.getPublicKey(this.#seed);
  }

  sign(message: Uint8Array): Uint8Array {
    return ed25519.sign(message, this.#seed);
  }

  exportSeed(): Uint8Array {
    return new Uint8Array(this.#seed);
  }

  // Keep the seed out of console output and JSON, as the Node implementation does.
  toJSON(): { publicKey: string } {
    return { publicKey: bytesToHex(this.publicKey) };
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SigningKey(${bytesToHex(this.publicKey)})`;
  }
}

export const ed25519Sha256: CryptoSuite = {
  id: 'ed25519-sha256',
  publicKeyLength: 32,
  signatureLength: 64,
  seedLength: 32,
  hash: sha256,
  generateSigningKey(): SigningKey {
    // WebCrypto's CSPRNG: present in every browser and in Node >= 19 as globalThis.crypto.
    return new NobleEd25519SigningKey(globalThis.crypto.getRandomValues(new Uint8Array(32)));
  },
  signingKeyFromSeed(seed: Uint8Array): SigningKey {
    if (seed.byteLength !== 32)
      throw new HanglianError(CoreErrors.CRYPTO_BAD_KEY, 'an Ed25519 seed is 32 bytes');
    return new NobleEd25519SigningKey(seed);
  },
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    if (publicKey.byteLength !== 32 || signature.byteLength !== 64) return false;
    try {
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      // A public key that is not a valid curve point cannot verify anything.
      return false;
    }
  },
};
