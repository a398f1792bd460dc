// The transfer-growth benchmark (issue 14): a chain whose genesis state also holds pre-filled keys is the
// genesis state plus those keys, and the same signed transfers run on each ledger through the node's code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runTransferGrowth } from '../src/bench/transferGrowth.js';

describe('transfer growth benchmark', () => {
  it('runs every transfer with OK on a small and a pre-filled ledger and reports each', async () => {
    const measured: Array<[number, boolean]> = [];
    const figures = await runTransferGrowth({
      sizes: [0, 5_000],
      warmupBlocks: 1,
      blocks: 2,
      transfersPerBlock: 40,
      onMeasuring: (keys, measuring) => measured.push([keys, measuring]),
    });
    // A profiler (`--profile`) is started and stopped around each ledger's measured blocks.
    assert.deepEqual(measured, [
      [0, true],
      [0, false],
      [5_000, true],
      [5_000, false],
    ]);
    assert.deepEqual(
      figures.map((f) => [f.keys, f.transfers]),
      [
        [0, 80],
        [5_000, 80],
      ],
    );
    for (const f of figures) {
      assert.ok(f.cpuMicrosPerTransfer > 0, JSON.stringify(f));
      // The phases split the whole: a proposal executes and hashes, a commit writes.
      const { admission, proposal, commit } = f.phaseMicrosPerTransfer;
      assert.ok(proposal > 0 && commit > 0 && admission >= 0, JSON.stringify(f));
      assert.ok(Math.abs(admission + proposal + commit - f.cpuMicrosPerTransfer) < 1e-6, JSON.stringify(f));
      assert.ok(f.diskBytesPerBlock >= 0 && Number.isFinite(f.diskBytesPerTransfer), JSON.stringify(f));
      // Warmed at start: a ledger this small is read from memory, not from LMDB.
      assert.equal(f.treeReadsPerTransfer, 0, JSON.stringify(f));
    }
  });
});
