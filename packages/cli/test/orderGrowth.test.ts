// The order-lifecycle growth benchmark (issue 14): the book's commerce world set up in one process on a
// chain whose genesis state also holds pre-filled keys, then sales pipelined five steps deep through the
// node's code on each ledger; every step commits OK and every sale ends completed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runOrderGrowth } from '../src/bench/orderGrowth.js';

describe('order growth benchmark', () => {
  it('runs every step of every sale with OK on a small and a pre-filled ledger and reports each', async () => {
    const figures = await runOrderGrowth({
      sizes: [0, 2_000],
      // The larger ledger also has history below its state: the sales run on top of it.
      historyBlocks: 1_000,
      warmupBlocks: 1,
      blocks: 2,
      lifecyclesPerBlock: 3,
    });
    assert.deepEqual(
      figures.map((f) => [f.keys, f.lifecycles, f.transactions]),
      [
        [0, 6, 30],
        [2_000, 6, 30],
      ],
    );
    for (const f of figures) {
      const shown = JSON.stringify(f);
      for (const value of [
        f.fillSeconds,
        f.setupSeconds,
        f.cpuMicrosPerLifecycle,
        f.cpuMicrosPerTransaction,
        f.diskBytesPerBlock,
        f.diskBytesPerLifecycle,
        f.treeReadsPerLifecycle,
      ])
        assert.ok(Number.isFinite(value) && value >= 0, shown);
      assert.ok(f.cpuMicrosPerLifecycle > 0 && f.setupSeconds > 0, shown);
      assert.ok(Math.abs(f.cpuMicrosPerLifecycle - 5 * f.cpuMicrosPerTransaction) < 1e-6, shown);
      const { admission, proposal, commit } = f.phaseMicrosPerTransaction;
      assert.ok(proposal > 0 && commit > 0 && admission >= 0, shown);
      assert.ok(Math.abs(admission + proposal + commit - f.cpuMicrosPerTransaction) < 1e-6, shown);
      // Four blocks fill the pipeline, one warms up, two are measured: seven batches of three sales.
      assert.equal(f.ordersCreated, 21, shown);
      assert.equal(f.ordersCompleted, f.ordersCreated, shown);
    }
    assert.equal(figures[0]!.history, undefined);
    assert.equal(figures[1]!.history?.blocks, 1_000);
    assert.ok(figures[1]!.ledgerBytes > figures[1]!.history!.diskBytes, JSON.stringify(figures[1]));
    assert.ok(
      figures[1]!.treeReadsPerLifecycle >= figures[0]!.treeReadsPerLifecycle,
      JSON.stringify(figures),
    );
  });
});
