/**
 * A codec binds a TypeBox schema to the canonical encoding: encode checks the value against the schema,
 * decode checks size, canonical form and schema, in that order, and returns a typed value; decodeStored
 * (the chain's own state and blocks, checked when encoded) checks size and form only.
 * The same schema feeds the API's validation and documentation, so wire and chain cannot drift.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { CoreErrors } from '../errors/codes.js';
import { HanglianError } from '../errors/hanglianError.js';
import { decodeCanonical, decodeStoredCanonical, encodeCanonical } from './canonical.js';

export interface Codec<T> {
  /** The name of the type, used in error messages. */
  readonly name: string;
  readonly schema: TSchema;
  readonly maxBytes: number;
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
  /**
   * Decodes bytes of the chain's own state or blocks, which were checked against the schema when they were
   * encoded (by this node, or by the validators whose root proves them): size and well-formedness are
   * checked, the schema and the canonical re-encoding are not. Never use it for bytes from a client.
   */
  decodeStored(bytes: Uint8Array): T;
  /** Throws SCHEMA_MISMATCH unless `value` matches the schema; returns it typed. */
  check(value: unknown): T;
  is(value: unknown): value is T;
}

export interface CodecOptions {
  /** Largest encoded size accepted by `decode` (and produced by `encode`). */
  readonly maxBytes: number;
}

/** Builds a typed, schema-checked codec. Compile once at module load; checks then run at millions per second. */
export function createCodec<S extends TSchema>(
  name: string,
  schema: S,
  options: CodecOptions,
): Codec<Static<S>> {
  const compiled: TypeCheck<S> = TypeCompiler.Compile(schema);
  const check = (value: unknown): Static<S> => {
    if (compiled.Check(value)) return value;
    const first = compiled.Errors(value).First();
    throw new HanglianError(
      CoreErrors.SCHEMA_MISMATCH,
      `${name}: ${first ? `${first.path || '/'} ${first.message}` : 'does not match its schema'}`,
      { details: { type: name, path: first?.path ?? '' } },
    );
  };
  return {
    name,
    schema,
    maxBytes: options.maxBytes,
    check,
    is: (value: unknown): value is Static<S> => compiled.Check(value),
    encode(value) {
      check(value);
      const bytes = encodeCanonical(value);
      if (bytes.byteLength > options.maxBytes) {
        throw new HanglianError(
          CoreErrors.ENCODING_TOO_LARGE,
          `${name}: ${bytes.byteLength} bytes exceed the limit of ${options.maxBytes}`,
          { details: { type: name, size: bytes.byteLength, limit: options.maxBytes } },
        );
      }
      return bytes;
    },
    decode(bytes) {
      return check(decodeCanonical(bytes, options.maxBytes));
    },
    decodeStored(bytes) {
      // Every state read decodes a value: checking again what `encode` checked cost ~7% of a node's
      // execution time in order lifecycles (issue 14). A value that no longer fits a changed schema is read
      // as it was written; layouts change under a software upgrade with a migration (decision 0012).
      return decodeStoredCanonical(bytes, options.maxBytes) as Static<S>;
    },
  };
}
