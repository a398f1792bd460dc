import { createHash, hash as oneShotHash } from 'node:crypto';

/** Length in bytes of every hash on the chain (SHA-256). */
export const HASH_LENGTH = 32;

/** The all-zero hash: the parent of the first block, the root of an empty tree. */
export const ZERO_HASH: Uint8Array = new Uint8Array(HASH_LENGTH);

function asBytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** SHA-256 of one byte string (node's one-shot `crypto.hash`, the fastest path for small inputs). */
export function sha256(data: Uint8Array): Uint8Array {
  return asBytes(oneShotHash('sha256', data, 'buffer') as unknown as Buffer);
}

/** SHA-256 of the concatenation of several byte strings, without building the concatenation. */
export function sha256Concat(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return asBytes(h.digest());
}
