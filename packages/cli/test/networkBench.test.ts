// The network bench (src/bench/chainNetwork.ts) end to end, on four real validator processes at a low
// rate: every transfer it offers is admitted and seen committed on the nodes' commit streams, the step's
// figures add up, and it returns once the step is over.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runNetworkBench } from '../src/bench/chainNetwork.js';

describe('the network bench on four validator processes', () => {
  it('sees every transfer it offers committed, and returns when done', { timeout: 240_000 }, async () => {
    const lines: string[] = [];
    const figures = await runNetworkBench({
      rates: [30],
      stepSeconds: 4,
      warmupSeconds: 2,
      senders: 16,
      pastSaturation: false,
      onProgress: (line) => lines.push(line),
    });
    assert.equal(figures.validators, 4);
    assert.equal(figures.steps.length, 1, lines.join('\n'));
    const step = figures.steps[0]!;
    assert.equal(step.sent, 120);
    assert.equal(step.failed, 0, JSON.stringify(step.failures));
    assert.equal(step.committed, step.sent, "every transfer was seen committed on its node's stream");
    assert.ok(step.latencyMs.p50 > 0 && step.latencyMs.p50 <= step.latencyMs.p99);
    assert.ok(step.blocks > 0);
    // Transfers relayed between the validators are refused only for the normal reasons, if at all: a copy
    // already held, or a nonce a block used before the relay arrived (18 of these in one run at 1,050/s).
    for (const code of Object.keys(step.relayRefusals))
      assert.ok(['MEMPOOL_DUPLICATE', 'TX_NONCE_TOO_LOW'].includes(code), `relay refused: ${code}`);
    assert.deepEqual(step.droppedMessages, {});
    assert.match(
      lines.join('\n'),
      /warm-up at 30\/s for 2 s \(not a figure\): committed \d+\/s, p50 \d+ ms, 0 failed/,
    );
  });
});
