/**
 * The JSON view of chain values, for the API, logs and files people read: bytes become lower-case hex
 * strings. The reverse direction is schema-driven and lives with the API, which knows which strings are
 * bytes; transactions travel to the node as canonical bytes, never as JSON.
 */
import { bytesToHex } from './hex.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The type `toJsonValue` makes of a value of type T, as a client reads it from the API: bytes become hex
 * strings, bigints decimal strings, undefined fields are left out; everything else is as it was.
 */
export type JsonOf<T> = T extends Uint8Array
  ? string
  : T extends bigint
    ? string
    : T extends string | number | boolean | null | undefined
      ? T
      : T extends readonly (infer U)[]
        ? JsonOf<U>[]
        : T extends object
          ? { [K in keyof T]: JsonOf<T[K]> }
          : T;

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
