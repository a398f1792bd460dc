import { CoreErrors } from '../errors/codes.js';
import { HanglianError } from '../errors/hanglianError.js';

const HEX_PATTERN = /^(?:[0-9a-f]{2})*$/;

/** Lower-case hex without a prefix: the one text form of bytes in the API, logs and JSON files. */
export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Parses lower- or upper-case hex (an optional `0x` prefix is accepted). */
export function hexToBytes(hex: string): Uint8Array {
  const clean = (hex.startsWith('0x') ? hex.slice(2) : hex).toLowerCase();
  if (!HEX_PATTERN.test(clean)) {
    throw new HanglianError(CoreErrors.ENCODING_MALFORMED, 'not a hex string of whole bytes', {
      details: { length: hex.length },
    });
  }
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  // Native comparison: this runs on every decode (the canonical check) and every root comparison.
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

/** Byte-wise order, the order of keys in the state store. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

const textEncoder = new TextEncoder();
export function utf8(text: string): Uint8Array {
  return textEncoder.encode(text);
}
