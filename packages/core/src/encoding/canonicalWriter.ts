/**
 * A direct writer of the canonical encoding (canonical.ts) for the values that make up nearly everything
 * the chain encodes: null, booleans, safe integers, strings, byte strings, arrays and plain objects. It
 * writes bytes straight into one reused buffer, where cborg builds a token per value and sorts each map's
 * entries by encoding their keys again: for the chain's small records that was most of the encoding time
 * and a large share of a node's garbage (issue 14).
 *
 * It must produce exactly cborg's bytes, since those bytes are hashed and signed: every value outside the
 * common shapes (anything canonical.ts refuses or cborg handles specially: other numbers, undefined in an
 * array, bigint, Map, Set, Date, typed arrays other than bytes, objects with a prototype) makes it answer
 * `undefined`, and the caller encodes the whole value with cborg. test/canonicalWriter.test.ts compares
 * the two on many generated values, including the edge cases of length forms, key order and UTF-8.
 *
 * Map keys are ordered as RFC 8949 §4.2.1 says, bytewise by their encoding (which puts shorter keys
 * first); the order of a key set is computed once and remembered (bounded), since records of one kind
 * share their keys.
 */

/** Thrown inside the writer when the value needs the general encoder; never escapes this module. */
const FALLBACK: unique symbol = Symbol('canonical writer fallback');

const INITIAL_BYTES = 16 * 1024;
/** A buffer grown past this for one large value is dropped afterwards, so it is not held forever. */
const KEEP_BYTES = 1024 * 1024;
const KEY_ORDER_CACHE_LIMIT = 4096;

const textEncoder = new TextEncoder();

let buffer = new Uint8Array(INITIAL_BYTES);
let view = new DataView(buffer.buffer);
let at = 0;
/** True while a value is being written: a nested call (none is expected) takes the general encoder. */
let busy = false;

function ensure(more: number): void {
  if (at + more <= buffer.length) return;
  let size = buffer.length * 2;
  while (size < at + more) size *= 2;
  const next = new Uint8Array(size);
  next.set(buffer.subarray(0, at));
  buffer = next;
  view = new DataView(buffer.buffer);
}

/** The head of a data item: major type and argument, in its shortest form. */
function head(major: number, argument: number): void {
  const type = major << 5;
  if (argument < 24) {
    ensure(1);
    buffer[at++] = type | argument;
  } else if (argument < 0x100) {
    ensure(2);
    buffer[at++] = type | 24;
    buffer[at++] = argument;
  } else if (argument < 0x10000) {
    ensure(3);
    buffer[at++] = type | 25;
    view.setUint16(at, argument);
    at += 2;
  } else if (argument < 0x100000000) {
    ensure(5);
    buffer[at++] = type | 26;
    view.setUint32(at, argument);
    at += 4;
  } else {
    ensure(9);
    buffer[at++] = type | 27;
    view.setUint32(at, Math.floor(argument / 0x100000000));
    view.setUint32(at + 4, argument >>> 0);
    at += 8;
  }
}

function writeBytes(bytes: Uint8Array): void {
  ensure(bytes.byteLength);
  buffer.set(bytes, at);
  at += bytes.byteLength;
}

function writeString(text: string): void {
  // Most strings are ASCII (addresses, codes, names): written as they are read, after a head that
  // assumes one byte per character; at the first other character, the whole string is encoded again.
  const n = text.length;
  if (n < 0x10000) {
    const start = at;
    head(3, n);
    ensure(n);
    let i = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) break;
      buffer[at++] = c;
    }
    if (i === n) return;
    at = start;
  }
  // TextEncoder writes lone surrogates as U+FFFD, as cborg does.
  const bytes = textEncoder.encode(text);
  head(3, bytes.byteLength);
  writeBytes(bytes);
}

function encodedKey(key: string): Uint8Array {
  const bytes = textEncoder.encode(key);
  const n = bytes.byteLength;
  const prefix =
    n < 24 ? [0x60 | n] : n < 0x100 ? [0x78, n] : n < 0x10000 ? [0x79, n >> 8, n & 0xff] : undefined;
  if (prefix === undefined) throw FALLBACK;
  const out = new Uint8Array(prefix.length + n);
  out.set(prefix);
  out.set(bytes, prefix.length);
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

interface KeyOrder {
  readonly keys: readonly string[];
  readonly encoded: readonly Uint8Array[];
}

interface CachedKeyOrder extends KeyOrder {
  /** The keys in the insertion order they were seen in, to tell key sets with the same joined id apart. */
  readonly seen: readonly string[];
}

/** Key sets (by their keys in insertion order, joined) -> canonical order. */
const keyOrders = new Map<string, CachedKeyOrder>();

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function keyOrderOf(keys: readonly string[]): KeyOrder {
  const id = keys.join(',');
  const cached = keyOrders.get(id);
  // Keys holding the separator could join to another set's id: the cached set must be the same keys.
  if (cached !== undefined && sameKeys(cached.seen, keys)) return cached;
  const entries = keys.map((key) => ({ key, encoded: encodedKey(key) }));
  entries.sort((a, b) => compareBytes(a.encoded, b.encoded));
  const order = { seen: [...keys], keys: entries.map((e) => e.key), encoded: entries.map((e) => e.encoded) };
  if (cached === undefined) {
    if (keyOrders.size >= KEY_ORDER_CACHE_LIMIT) keyOrders.clear();
    keyOrders.set(id, order);
  }
  return order;
}

function write(value: unknown): void {
  switch (typeof value) {
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw FALLBACK;
      if (value >= 0) head(0, value);
      else head(1, -1 - value);
      return;
    case 'string':
      writeString(value);
      return;
    case 'boolean':
      ensure(1);
      buffer[at++] = value ? 0xf5 : 0xf4;
      return;
    case 'object': {
      if (value === null) {
        ensure(1);
        buffer[at++] = 0xf6;
        return;
      }
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) throw FALLBACK;
        head(4, value.length);
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined) throw FALLBACK;
          write(item);
        }
        return;
      }
      if (value instanceof Uint8Array) {
        const proto = Object.getPrototypeOf(value);
        const nodeBuffer = (globalThis as { Buffer?: { prototype: object } }).Buffer?.prototype;
        if (proto !== Uint8Array.prototype && (nodeBuffer === undefined || proto !== nodeBuffer))
          throw FALLBACK;
        head(2, value.byteLength);
        writeBytes(value);
        return;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw FALLBACK;
      const record = value as Record<string, unknown>;
      const order = keyOrderOf(Object.keys(record));
      let count = 0;
      for (const key of order.keys) if (record[key] !== undefined) count++;
      head(5, count);
      for (let i = 0; i < order.keys.length; i++) {
        const item = record[order.keys[i]!];
        if (item === undefined) continue;
        writeBytes(order.encoded[i]!);
        write(item);
      }
      return;
    }
    default:
      throw FALLBACK;
  }
}

/**
 * The canonical encoding of `value`, or undefined when the value holds anything but null, booleans, safe
 * integers, strings, byte strings, arrays and plain objects (the caller then uses the general encoder,
 * which encodes or refuses it).
 */
export function writeCanonical(value: unknown): Uint8Array | undefined {
  if (busy) return undefined;
  busy = true;
  at = 0;
  try {
    write(value);
    return buffer.slice(0, at);
  } catch (error) {
    if (error === FALLBACK) return undefined;
    // Anything else (a stack overflow on a cyclic value): let the general encoder report it.
    return undefined;
  } finally {
    busy = false;
    if (buffer.length > KEEP_BYTES) {
      buffer = new Uint8Array(INITIAL_BYTES);
      view = new DataView(buffer.buffer);
    }
  }
}
