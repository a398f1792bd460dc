// The primitives' micro-benchmark warms each primitive up for a time before it measures (issue 14: the
// first primitive measured, the transaction encoding, printed 5–8k/s after a 200-call warm-up while the
// decoding, which encodes too, printed 24k/s). A made-up clock that advances 0.01 ms per call makes the
// counts exact: no wall clock is read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rate } from '../src/bench/micro.js';

describe('micro-benchmark rate', () => {
  it('warms up for half the measured time before counting, and counts only what follows', () => {
    let now = 0;
    let calls = 0;
    const perSecond = rate(
      () => {
        calls++;
        now += 0.01;
      },
      200,
      () => now,
    );
    // 100 ms of warm-up (10,000 calls) then 200 ms measured (20,000 calls) at 100,000 calls per second.
    assert.ok(calls >= 30_000, `only ${calls} calls: the warm-up was shorter than 100 ms`);
    assert.ok(Math.abs(perSecond - 100_000) <= 1_000, `measured ${perSecond}/s`);
  });

  it('warms up for at least 50 ms however short the measurement', () => {
    let now = 0;
    let calls = 0;
    rate(
      () => {
        calls++;
        now += 0.01;
      },
      10,
      () => now,
    );
    assert.ok(calls >= 6_000, `only ${calls} calls`);
  });
});
