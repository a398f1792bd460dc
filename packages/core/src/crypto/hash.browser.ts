/**
 * SHA-256 through @noble/hashes (audited, dependency-free), for browsers and other runtimes without
 * node:crypto. Synchronous like the Node implementation, which WebCrypto's `subtle.digest` is not: the
 * codecs, Merkle proofs and block hashing call it synchronously.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

/** Which implementation this is, for diagnostics and the cross-implementation test. */
export const CRYPTO_HASH_IMPLEMENTATION = '@noble/hashes';

/** SHA-256 of one byte string. */
export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

/** SHA-256 of the concatenation of several byte strings, without building the concatenation. */
export function sha256Concat(...parts: Uint8Array[]): Uint8Array {
  const h = nobleSha256.create();
  for (const p of parts) h.update(p);
  return h.digest();
}
