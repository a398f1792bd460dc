// The empty-block policy (issue 14): a chain with transactions makes a block after the minimum interval;
// an idle one makes empty blocks at the empty interval for a while (five minutes by default), then further apart (a quarter of
// the idle time), up to the longest interval; an interval not above the empty one turns the back-off off.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultBlockTiming, emptyBlockDelayMs } from '../src/consensus/driver.js';

describe('empty-block delay', () => {
  const timing = {
    minBlockIntervalMs: 20,
    emptyBlockIntervalMs: 1_000,
    idleAfterMs: 60_000,
    maxIdleBlockIntervalMs: 30_000,
  };

  it('is the empty interval until the chain has been idle for idleAfterMs', () => {
    assert.equal(emptyBlockDelayMs(timing, 0), 1_000);
    assert.equal(emptyBlockDelayMs(timing, 59_999), 1_000);
  });

  it('then grows with the idle time, up to the longest interval', () => {
    assert.equal(emptyBlockDelayMs(timing, 60_000), 15_000);
    assert.equal(emptyBlockDelayMs(timing, 100_000), 25_000);
    assert.equal(emptyBlockDelayMs(timing, 3_600_000), 30_000);
  });

  it('never goes below the empty interval, and a longest interval not above it turns the back-off off', () => {
    assert.equal(
      emptyBlockDelayMs({ ...timing, emptyBlockIntervalMs: 20_000, idleAfterMs: 1_000 }, 2_000),
      20_000,
    );
    assert.equal(emptyBlockDelayMs({ ...timing, maxIdleBlockIntervalMs: 0 }, 3_600_000), 1_000);
    assert.equal(emptyBlockDelayMs({ ...timing, maxIdleBlockIntervalMs: 1_000 }, 3_600_000), 1_000);
  });

  it('is on by default: a node idle for an hour makes a block every 30 s, not every second', () => {
    assert.equal(emptyBlockDelayMs(defaultBlockTiming, 3_600_000), 30_000);
    assert.equal(emptyBlockDelayMs(defaultBlockTiming, 1_000), defaultBlockTiming.emptyBlockIntervalMs);
  });
});
