import { CoreErrors } from '../errors/codes.js';
import { HanglianError } from '../errors/hanglianError.js';

const HEX_PATTERN = /^(?:[0-9a-f]{2})*$/;

/**
 * Node's Buffer when it exists (native and fast: these run on every decode and root comparison), plain
 * Uint8Array code in browsers, where Buffer does not exist.
 */
const NodeBuffer: typeof Buffer | undefined = (globalThis as { Buffer?: typeof Buffer }).Buffer;

const HEX_DIGITS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex without a prefix: the one text form of bytes in the API, logs and JSON files. */
export function bytesToHex(bytes: Uint8Array): string {
  if (NodeBuffer !== undefined)
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  let out = '';
  for (const byte of bytes) out += HEX_DIGITS[byte];
  return out;
}

/** Parses lower- or upper-case hex (an optional `0x` prefix is accepted). */
export function hexToBytes(hex: string): Uint8Array {
  const clean = (hex.startsWith('0x') ? hex.slice(2) : hex).toLowerCase();
  if (!HEX_PATTERN.test(clean)) {
    throw new HanglianError(CoreErrors.ENCODING_MALFORMED, 'not a hex string of whole bytes', {
      details: { length: hex.length },
    });
  }
  if (NodeBuffer !== undefined) return new Uint8Array(NodeBuffer.from(clean, 'hex'));
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  if (NodeBuffer !== undefined) {
    return NodeBuffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      NodeBuffer.from(b.buffer, b.byteOffset, b.byteLength),
    );
  }
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Byte-wise order, the order of keys in the state store. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (NodeBuffer !== undefined) return NodeBuffer.compare(a, b);
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.byteLength === b.byteLength ? 0 : a.byteLength < b.byteLength ? -1 : 1;
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
