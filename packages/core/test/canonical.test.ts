import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import fc from 'fast-check';
import {
  bytesToHex,
  CoreErrors,
  createCodec,
  decodeCanonical,
  encodeCanonical,
  HanglianError,
  hexToBytes,
} from '../src/index.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HanglianError, `expected a HanglianError, got ${String(error)}`);
    return error.code;
  }
  assert.fail('expected an error');
}

// Arbitrary values of the canonical data model.
const canonicalValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger().filter((n) => !Object.is(n, -0)),
    fc.string(),
    fc.uint8Array({ maxLength: 64 }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 5, noNullPrototype: true }),
  ),
})).value;

describe('canonical encoding', () => {
  it('matches golden vectors (RFC 8949 deterministic: shortest forms, byte-wise sorted keys)', () => {
    const vectors: Array<[unknown, string]> = [
      [0, '00'],
      [23, '17'],
      [24, '1818'],
      [1000, '1903e8'],
      [-1, '20'],
      [Number.MAX_SAFE_INTEGER, '1b001fffffffffffff'],
      ['', '60'],
      ['行链', '66e8a18ce993be'],
      [new Uint8Array([1, 2, 3]), '43010203'],
      [[], '80'],
      [null, 'f6'],
      [true, 'f5'],
      // Byte-wise key order: "b" (0x61 0x62) sorts before "aa" (0x62 0x61 0x61) because the length
      // prefix byte comes first in the encoded key.
      [{ aa: 1, b: 2 }, 'a2616202626161 01'.replace(/ /g, '')],
      [{ v: 1, a: [1, 'x'], z: { k: null } }, 'a3616182016178617601617aa1616bf6'],
    ];
    for (const [value, hex] of vectors) {
      assert.equal(bytesToHex(encodeCanonical(value)), hex, `encoding of ${JSON.stringify(value)}`);
      assert.deepEqual(decodeCanonical(hexToBytes(hex)), value);
    }
  });

  it('round-trips every value of the data model, and re-encoding gives the same bytes', () => {
    fc.assert(
      fc.property(canonicalValue, (value) => {
        const bytes = encodeCanonical(value);
        const decoded = decodeCanonical(bytes);
        assert.deepEqual(decoded, value);
        assert.equal(bytesToHex(encodeCanonical(decoded)), bytesToHex(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('gives one encoding per value whatever the key insertion order', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 6 }), fc.integer(), { maxKeys: 8, noNullPrototype: true }),
        (dict) => {
          const reversed = Object.fromEntries(Object.entries(dict).reverse());
          assert.equal(bytesToHex(encodeCanonical(reversed)), bytesToHex(encodeCanonical(dict)));
        },
      ),
    );
  });

  it('treats undefined properties as absent', () => {
    assert.equal(bytesToHex(encodeCanonical({ a: 1, b: undefined })), bytesToHex(encodeCanonical({ a: 1 })));
  });

  it('refuses values outside the data model with ENCODING_UNSUPPORTED_VALUE', () => {
    for (const bad of [
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -0,
      2 ** 60,
      10n,
      undefined,
      new Map(),
      new Date(0),
    ]) {
      assert.equal(
        codeOf(() => encodeCanonical(bad)),
        CoreErrors.ENCODING_UNSUPPORTED_VALUE,
        String(bad),
      );
    }
  });

  it('rejects non-canonical encodings of valid values', () => {
    const cases = [
      '1817', // 23 in two bytes instead of one
      '7a00000001 61'.replace(/ /g, ''), // a one-byte string with a four-byte length
      '9f01ff', // indefinite-length array
      'f97e00', // half-float NaN
      'fb3ff8000000000000', // a float 1.5
      'f7', // undefined
      'c249010000000000000000', // a bignum tag
    ];
    for (const hex of cases) {
      const code = codeOf(() => decodeCanonical(hexToBytes(hex)));
      assert.ok(
        code === CoreErrors.ENCODING_NOT_CANONICAL || code === CoreErrors.ENCODING_MALFORMED,
        `${hex} gave ${code}`,
      );
    }
    // Keys in the wrong order decode (CBOR allows it) but are not canonical.
    assert.equal(
      codeOf(() => decodeCanonical(hexToBytes('a2616202616101'))),
      CoreErrors.ENCODING_NOT_CANONICAL,
    );
    // Duplicate keys are malformed.
    assert.equal(
      codeOf(() => decodeCanonical(hexToBytes('a2616101616102'))),
      CoreErrors.ENCODING_MALFORMED,
    );
  });

  it('turns any garbage into a typed error, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeCanonical(bytes);
        } catch (error) {
          assert.ok(error instanceof HanglianError);
          assert.ok(
            [CoreErrors.ENCODING_MALFORMED, CoreErrors.ENCODING_NOT_CANONICAL].includes(error.code as never),
            error.code,
          );
        }
      }),
      { numRuns: 3000 },
    );
    // Deep nesting must not overflow the stack of the node.
    const deep = new Uint8Array(200_000).fill(0x81);
    assert.ok([CoreErrors.ENCODING_MALFORMED].includes(codeOf(() => decodeCanonical(deep)) as never));
  });

  it('refuses oversized input before decoding it', () => {
    assert.equal(
      codeOf(() => decodeCanonical(new Uint8Array(101), 100)),
      CoreErrors.ENCODING_TOO_LARGE,
    );
  });
});

describe('schema codecs', () => {
  const codec = createCodec(
    'Sample',
    Type.Object(
      { v: Type.Literal(1), n: Type.Integer({ minimum: 0 }), s: Type.String({ maxLength: 4 }) },
      {
        additionalProperties: false,
      },
    ),
    { maxBytes: 64 },
  );

  it('reads stored bytes without checking the schema again, but never oversized or malformed ones', () => {
    // What encode checked is not checked again on every state read; bytes from outside use decode.
    const outside = encodeCanonical({ v: 2, n: 1, s: 'ok' });
    assert.deepEqual(codec.decodeStored(outside), { v: 2, n: 1, s: 'ok' });
    assert.equal(
      codeOf(() => codec.decode(outside)),
      CoreErrors.SCHEMA_MISMATCH,
    );
    assert.deepEqual(codec.decodeStored(codec.encode({ v: 1, n: 5, s: 'ok' })), { v: 1, n: 5, s: 'ok' });
    assert.equal(
      codeOf(() => codec.decodeStored(encodeCanonical({ v: 1, n: 1, s: 'x'.repeat(80) }))),
      CoreErrors.ENCODING_TOO_LARGE,
    );
    assert.equal(
      codeOf(() => codec.decodeStored(new Uint8Array([0xff, 0x01]))),
      CoreErrors.ENCODING_MALFORMED,
    );
  });

  it('checks values on encode and decode', () => {
    const bytes = codec.encode({ v: 1, n: 5, s: 'ok' });
    assert.deepEqual(codec.decode(bytes), { v: 1, n: 5, s: 'ok' });
    assert.equal(
      codeOf(() => codec.encode({ v: 1, n: -1, s: 'ok' })),
      CoreErrors.SCHEMA_MISMATCH,
    );
    assert.equal(
      codeOf(() => codec.decode(encodeCanonical({ v: 2, n: 1, s: 'ok' }))),
      CoreErrors.SCHEMA_MISMATCH,
    );
    assert.equal(
      codeOf(() => codec.decode(encodeCanonical({ v: 1, n: 1, s: 'ok', extra: true }))),
      CoreErrors.SCHEMA_MISMATCH,
    );
    assert.equal(
      codeOf(() => codec.encode({ v: 1, n: 1, s: 'toolong' })),
      CoreErrors.SCHEMA_MISMATCH,
    );
  });

  it('enforces the size limit', () => {
    assert.equal(
      codeOf(() => codec.decode(new Uint8Array(65))),
      CoreErrors.ENCODING_TOO_LARGE,
    );
  });
});
