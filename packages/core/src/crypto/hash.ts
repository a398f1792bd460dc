import { createHash } from 'node:crypto';

/** Length in bytes of every hash on the chain (SHA-256). */
export const HASH_LENGTH = 32;

/** The all-zero hash: the parent of the first block, the root of an empty tree. */
export const ZERO_HASH: Uint8Array = new Uint8Array(HASH_LENGTH);

/** SHA-256 of one byte string. */
export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest().buffer.slice(0) as ArrayBuffer);
}

/** SHA-256 of the concatenation of several byte strings, without building the concatenation. */
export function sha256Concat(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  const d = h.digest();
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}
