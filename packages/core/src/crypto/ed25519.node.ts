/**
 * Ed25519 through node:crypto (OpenSSL), with KeyObjects cached by public key: parsing a key costs more
 * than verifying with it (docs/brief.md §4: ~4.2k verifies/s per core with cached keys, @noble is ~15x slower).
 */

import type { KeyObject } from 'node:crypto';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { bytesToHex } from '../encoding/hex.js';
import { CoreErrors } from '../errors/codes.js';
import { HanglianError } from '../errors/hanglianError.js';
import { sha256 } from './hash.node.js';
import type { CryptoSuite, SigningKey } from './suite.js';

// DER prefixes that wrap a raw 32-byte Ed25519 key (RFC 8410), so OpenSSL can import it.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Which implementation this is, for diagnostics and the cross-implementation test. */
export const CRYPTO_SIGNATURE_IMPLEMENTATION = 'node:crypto';

const PUBLIC_KEY_CACHE_LIMIT = 50_000;
const publicKeyCache = new Map<string, KeyObject>();

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const id = bytesToHex(publicKey);
  let key = publicKeyCache.get(id);
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    // Bounded so that a flood of one-time consumer keys cannot grow memory without limit.
    if (publicKeyCache.size >= PUBLIC_KEY_CACHE_LIMIT) {
      const oldest = publicKeyCache.keys().next().value;
      if (oldest !== undefined) publicKeyCache.delete(oldest);
    }
    publicKeyCache.set(id, key);
  }
  return key;
}

class Ed25519SigningKey implements SigningKey {
  readonly suite = 'ed25519-sha256';
  readonly publicKey: Uint8Array;
  readonly #key: KeyObject;
  readonly #seed: Uint8Array;

  constructor(seed: Uint8Array) {
    this.#seed = new Uint8Array(seed);
    this.#key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    const spki = createPublicKey(this.#key).export({ format: 'der', type: 'spki' });
    this.publicKey = new Uint8Array(spki.subarray(SPKI_PREFIX.length));
  }

  sign(message: Uint8Array): Uint8Array {
    return new Uint8Array(sign(null, message, this.#key));
  }

  exportSeed(): Uint8Array {
    return new Uint8Array(this.#seed);
  }

  // Keep the seed out of console.log / util.inspect / JSON.
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
    const { privateKey } = generateKeyPairSync('ed25519');
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    return new Ed25519SigningKey(new Uint8Array(der.subarray(PKCS8_PREFIX.length)));
  },
  signingKeyFromSeed(seed: Uint8Array): SigningKey {
    if (seed.byteLength !== 32)
      throw new HanglianError(CoreErrors.CRYPTO_BAD_KEY, 'an Ed25519 seed is 32 bytes');
    return new Ed25519SigningKey(seed);
  },
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    if (publicKey.byteLength !== 32 || signature.byteLength !== 64) return false;
    try {
      return verify(null, message, publicKeyObject(publicKey), signature);
    } catch {
      // A public key that is not a valid curve point cannot verify anything.
      return false;
    }
  },
};
