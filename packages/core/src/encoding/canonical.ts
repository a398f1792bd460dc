/**
 * The one canonical binary encoding of everything that is hashed or signed: CBOR (RFC 8949) in its core
 * deterministic form (shortest integer and length forms, definite lengths, map keys sorted byte-wise).
 *
 * Why CBOR through cborg: cborg was built for content-addressed data, where one value must have one byte
 * string. We narrow the data model further so that every value has exactly one encoding:
 * - numbers must be safe integers (no floats, no NaN, no -0, nothing above 2^53 - 1): amounts are integer
 *   minor units, and a float's rounding could differ between implementations;
 * - no `undefined` values (object properties that are undefined are omitted, as if absent), no bigint,
 *   no tags, no Map objects, no indefinite lengths;
 * - on decode, the bytes must re-encode to themselves, so a non-canonical encoding of a valid value is
 *   rejected, not silently accepted (a second byte string for one transaction would give it a second id).
 */

import type { EncodeOptions } from 'cborg';
import { decode as cborDecode, encode as cborEncode, rfc8949EncodeOptions } from 'cborg';
import { CoreErrors } from '../errors/codes.js';
import { HanglianError } from '../errors/hanglianError.js';
import { writeCanonical } from './canonicalWriter.js';
import { bytesEqual } from './hex.js';

/** A value the canonical encoding accepts. */
export type CanonicalValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue | undefined };

/** Default upper bound for one decode call; every type sets its own, smaller limit. */
export const DEFAULT_MAX_DECODE_BYTES = 8 * 1024 * 1024;

function refuse(what: string): never {
  throw new HanglianError(CoreErrors.ENCODING_UNSUPPORTED_VALUE, `canonical encoding refuses ${what}`);
}

const encodeOptions: EncodeOptions = {
  ...rfc8949EncodeOptions,
  ignoreUndefinedProperties: true,
  typeEncoders: {
    number: (n: number) => {
      if (!Number.isSafeInteger(n)) refuse(`the number ${n} (only safe integers are allowed)`);
      // -0 is an integer to JavaScript but a float to CBOR: refuse it rather than guess.
      if (Object.is(n, -0)) refuse('-0');
      return null;
    },
    bigint: () => refuse('bigint'),
    undefined: () => refuse('undefined'),
    Map: () => refuse('Map (use a plain object)'),
    Set: () => refuse('Set'),
    Date: () => refuse('Date (use integer milliseconds)'),
  },
};

const decodeOptions = {
  strict: true,
  rejectDuplicateMapKeys: true,
  allowUndefined: false,
  allowIndefinite: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: false,
  useMaps: false,
  tags: [],
};

/** Encodes a value canonically. Throws ENCODING_UNSUPPORTED_VALUE for values outside the data model. */
export function encodeCanonical(value: unknown): Uint8Array {
  // The direct writer takes the common shapes (canonicalWriter.ts); cborg everything else, and refusals.
  return writeCanonical(value) ?? encodeCanonicalGeneral(value);
}

/**
 * The general encoder (cborg with the data model's refusals): what `encodeCanonical` does for values the
 * direct writer leaves to it, and the reference the writer is tested against.
 */
export function encodeCanonicalGeneral(value: unknown): Uint8Array {
  try {
    return cborEncode(value, encodeOptions);
  } catch (error) {
    if (error instanceof HanglianError) throw error;
    throw new HanglianError(
      CoreErrors.ENCODING_UNSUPPORTED_VALUE,
      `cannot encode: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Decodes canonical bytes. Throws ENCODING_TOO_LARGE before reading anything when the input exceeds
 * `maxBytes`, ENCODING_MALFORMED for anything that is not one well-formed CBOR item of our data model, and
 * ENCODING_NOT_CANONICAL when the bytes are a valid but non-canonical encoding.
 */
export function decodeCanonical(bytes: Uint8Array, maxBytes = DEFAULT_MAX_DECODE_BYTES): unknown {
  const value = decodeWellFormed(bytes, maxBytes);
  let again: Uint8Array;
  try {
    again = encodeCanonical(value);
  } catch (error) {
    throw new HanglianError(
      CoreErrors.ENCODING_NOT_CANONICAL,
      `value outside the canonical data model: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (!bytesEqual(again, bytes)) {
    throw new HanglianError(
      CoreErrors.ENCODING_NOT_CANONICAL,
      'bytes are not the canonical encoding of their value',
    );
  }
  return value;
}

/**
 * Decodes bytes that this node itself encoded canonically and stored (state values, its own blocks):
 * the same strict decoding, without re-encoding to prove canonical form, which would double the cost of
 * every state read. Never use it for bytes that arrive from outside.
 */
export function decodeStoredCanonical(bytes: Uint8Array, maxBytes = DEFAULT_MAX_DECODE_BYTES): unknown {
  return decodeWellFormed(bytes, maxBytes);
}

function decodeWellFormed(bytes: Uint8Array, maxBytes: number): unknown {
  if (!(bytes instanceof Uint8Array)) {
    throw new HanglianError(CoreErrors.ENCODING_MALFORMED, 'expected bytes');
  }
  if (bytes.byteLength > maxBytes) {
    throw new HanglianError(
      CoreErrors.ENCODING_TOO_LARGE,
      `${bytes.byteLength} bytes exceed the limit of ${maxBytes}`,
      {
        details: { size: bytes.byteLength, limit: maxBytes },
      },
    );
  }
  let value: unknown;
  try {
    value = cborDecode(bytes, decodeOptions);
  } catch (error) {
    // cborg throws plain Errors (and RangeError for pathological nesting): all are malformed input.
    throw new HanglianError(CoreErrors.ENCODING_MALFORMED, `malformed CBOR: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return value;
}
