/**
 * The JSON view of chain values, for the API, logs and files people read: bytes become lower-case hex
 * strings. The reverse direction is schema-driven and lives with the API, which knows which strings are
 * bytes; transactions travel to the node as canonical bytes, never as JSON.
 */
import { bytesToHex } from './hex.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function toJsonValue(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return bytesToHex(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) out[k] = toJsonValue(v);
    }
    return out;
  }
  return value as JsonValue;
}
