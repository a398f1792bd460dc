/**
 * The Ed25519 + SHA-256 crypto suite. As for hashing (see hash.ts), the implementation is chosen through
 * the `#crypto/ed25519` entry of this package's `imports` map: node:crypto on Node (OpenSSL with cached
 * key objects, ~15x faster than pure JavaScript: docs/brief.md §4), @noble/curves under the `browser` condition.
 * Both give identical public keys and signatures for the same seed (Ed25519 signing is deterministic),
 * and both verify by the strict rules of RFC 8032, so a browser never accepts what a node would refuse.
 */
export { CRYPTO_SIGNATURE_IMPLEMENTATION, ed25519Sha256 } from '#crypto/ed25519';
