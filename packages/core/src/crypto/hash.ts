/**
 * SHA-256, the chain's one hash. The implementation is chosen when the package is resolved, through the
 * `#crypto/hash` entry of this package's `imports` map: node:crypto on Node (native, the fastest path:
 * docs/brief.md §4), @noble/hashes under the `browser` condition, where node:crypto does not exist. Both give the
 * same bytes (packages/core/test/cryptoImplementations.test.ts); every caller imports this file only.
 */
export { CRYPTO_HASH_IMPLEMENTATION, sha256, sha256Concat } from '#crypto/hash';

/** Length in bytes of every hash on the chain (SHA-256). */
export const HASH_LENGTH = 32;

/** The all-zero hash: the parent of the first block, the root of an empty tree. */
export const ZERO_HASH: Uint8Array = new Uint8Array(HASH_LENGTH);
