// The direct canonical writer (issue 14) must give exactly the general encoder's (cborg's) bytes, since
// those bytes are hashed and signed; and it must leave everything else to the general encoder, which
// encodes it or refuses it with the same error as before.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytesToHex, encodeCanonical, encodeCanonicalGeneral, type HanglianError } from '../src/index.js';

const hex = (bytes: Uint8Array) => bytesToHex(bytes);

function sameBytes(value: unknown): void {
  assert.equal(hex(encodeCanonical(value)), hex(encodeCanonicalGeneral(value)), JSON.stringify(value));
}

// Integers at and around every length boundary of a CBOR head, both signs.
const boundaries = [0, 1, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1];
const integer = fc.oneof(
  fc.constantFrom(
    ...boundaries.flatMap((n) => [n, -n - 1, -n]).filter((n) => Number.isSafeInteger(n) && !Object.is(n, -0)),
  ),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.maxSafeNat(),
);
// Strings with non-ASCII, astral characters and lone surrogates, of lengths around 23/24 and 255/256.
const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '',
    'a'.repeat(23),
    'a'.repeat(24),
    'é'.repeat(12),
    'x'.repeat(255),
    'y'.repeat(256),
    '\uD800',
    'a\uDC00b',
    '😀',
  ),
);
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc.constantFrom(23, 24, 255, 256, 70_000).map((n) => new Uint8Array(n).fill(n & 0xff)),
);
const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    integer,
    text,
    bytes,
    fc.array(tie('value'), { maxLength: 30 }),
    fc.dictionary(text, tie('value'), { maxKeys: 30 }),
    // Optional properties left undefined are omitted, as if absent.
    fc.dictionary(
      fc.constantFrom('a', 'b', 'aa', 'ab', 'b0', 'é', 'z'.repeat(24)),
      fc.option(tie('value'), { nil: undefined }),
    ),
  ),
})).value;

describe('the direct canonical writer', () => {
  it('gives the general encoder’s bytes for every value of the data model', () => {
    fc.assert(
      fc.property(value, (v) => sameBytes(v)),
      { numRuns: 3_000 },
    );
  });

  it('orders map keys by their encoding: shorter first, then bytewise (UTF-8, not UTF-16)', () => {
    sameBytes({
      b: 1,
      a: 2,
      aa: 3,
      ['\uFFFF']: 4,
      ['😀']: 5,
      ['z'.repeat(24)]: 6,
      ['y'.repeat(300)]: 7,
      '': 8,
    });
    // A key set seen before in another insertion order encodes the same.
    assert.equal(hex(encodeCanonical({ x: 1, y: 2 })), hex(encodeCanonical({ y: 2, x: 1 })));
    // Key sets that would collide if keys were simply joined.
    sameBytes({ 'a\u0000b': 1 });
    sameBytes({ a: 1, b: 2 });
    sameBytes({ 'a,b': 1 });
    sameBytes({ 'a,b': 1, c: 2 });
    sameBytes({ a: 1, 'b,c': 2 });
  });

  it('takes objects without a prototype and Node buffers as cborg does', () => {
    const bare = Object.assign(Object.create(null) as object, { k: 1, j: 'v' });
    sameBytes(bare);
    sameBytes({ b: Buffer.from('abc'), s: Buffer.alloc(0) });
  });

  it('leaves what it does not handle to the general encoder: same bytes, or the same refusal', () => {
    for (const refused of [
      1.5,
      -0,
      Number.NaN,
      2 ** 53,
      10n,
      undefined,
      [1, undefined],
      new Map(),
      new Set(),
      new Date(0),
    ]) {
      let general: unknown;
      let direct: unknown;
      try {
        encodeCanonicalGeneral(refused);
      } catch (error) {
        general = (error as HanglianError).code;
      }
      try {
        encodeCanonical(refused);
      } catch (error) {
        direct = (error as HanglianError).code;
      }
      assert.ok(general !== undefined, `cborg refuses ${String(refused)}`);
      assert.equal(direct, general);
    }
    sameBytes(new Uint16Array([1, 2]));
    class Point {
      x = 1;
    }
    assert.equal(
      (() => {
        try {
          return hex(encodeCanonical(new Point()));
        } catch (error) {
          return (error as HanglianError).code;
        }
      })(),
      (() => {
        try {
          return hex(encodeCanonicalGeneral(new Point()));
        } catch (error) {
          return (error as HanglianError).code;
        }
      })(),
    );
  });

  it('returns a copy: a later encoding does not change an earlier result', () => {
    const first = encodeCanonical({ a: 'first' });
    const copy = hex(first);
    encodeCanonical({ a: 'second, longer value' });
    assert.equal(hex(first), copy);
  });
});
