/** SHA-256 through node:crypto: the implementation on Node. Browsers get hash.browser.ts instead. */
import { createHash, hash as oneShotHash } from 'node:crypto';

/** Which implementation this is, for diagnostics and the cross-implementation test. */
export const CRYPTO_HASH_IMPLEMENTATION = 'node:crypto';

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
