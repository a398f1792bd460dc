// The commerce bench (src/bench/commerce.ts) end to end, on four real validator processes playing the book
// story at a low rate: every lifecycle it starts completes its five steps through the SDK's account senders
// (commits followed on their streams, no request held open per transaction), its figures add up, and a
// step past saturation is run only when one saturated.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIFECYCLE_STEPS, runCommerceBench } from '../src/bench/commerce.js';

describe('the commerce bench on four validator processes', () => {
  it('completes every lifecycle it starts, and says so in its figures', { timeout: 300_000 }, async () => {
    const lines: string[] = [];
    const figures = await runCommerceBench({
      rates: [2],
      stepSeconds: 3,
      onProgress: (line) => lines.push(line),
    });
    const log = lines.join('\n');
    assert.equal(figures.validators, 4);
    // 2/s keeps up on any machine: no step past saturation.
    assert.equal(figures.steps.length, 1, log);
    const step = figures.steps[0]!;
    assert.equal(step.pastSaturation, false);
    assert.equal(figures.pastSaturationRatio, undefined);
    assert.equal(step.started, 6);
    assert.equal(step.failed, 0, `${JSON.stringify(step.failures)} ${step.firstError}`);
    assert.equal(step.completed, step.started, 'every lifecycle completed');
    assert.ok(step.lifecycleMs.p50 > 0 && step.lifecycleMs.p50 <= step.lifecycleMs.p99);
    // Each step of a lifecycle waited for its own commit: each takes at least a block.
    for (const name of LIFECYCLE_STEPS) {
      assert.ok(step.stepP50Ms[name] > 0, `${name} ${step.stepP50Ms[name]}`);
      assert.ok(step.stepP99Ms[name] >= step.stepP50Ms[name], `${name} ${step.stepP99Ms[name]}`);
    }
    assert.ok(step.blocks >= LIFECYCLE_STEPS.length, `${step.blocks} blocks`);
    assert.ok(figures.maxCompletedPerSecond > 0);
    assert.match(log, /offered +2\/s: completed +[\d.]+\/s \(6\/6, 0 failed/);
  });
});
