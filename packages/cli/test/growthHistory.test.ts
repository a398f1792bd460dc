// The growth benchmarks' history pre-fill (issue 14: "pre-filled to 10 million state keys and 1 million
// blocks of history"): a ledger with blocks of synthetic history below its state runs the same signed
// transfers on top, from the next height, and its pre-fill is reported; of several ledgers, the first
// (the empty baseline) gets no history.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runTransferGrowth } from '../src/bench/transferGrowth.js';

describe('transfer growth benchmark with history (issue 14: "1 million blocks of history")', () => {
  it('pre-fills history below the state and runs the transfers on top, from the next height', async () => {
    const lines: string[] = [];
    const [alone] = await runTransferGrowth({
      sizes: [0],
      historyBlocks: 2_000,
      warmupBlocks: 1,
      blocks: 1,
      transfersPerBlock: 10,
      onProgress: (line) => lines.push(line),
    });
    // Every transfer was included with OK (the runner throws otherwise), on top of the history.
    assert.equal(alone!.transfers, 10);
    const history = alone!.history;
    assert.ok(history !== undefined, JSON.stringify(alone));
    assert.equal(history.blocks, 2_000);
    assert.equal(history.transactions, 40_000);
    assert.ok(history.seconds > 0 && history.blocksPerSecond > 0, JSON.stringify(history));
    // What a node keeps of a block of 20 transfers of ~285 bytes: the block, its results, the index.
    assert.ok(
      history.diskBytesPerBlock > 10_000 && history.diskBytesPerBlock < 60_000,
      JSON.stringify(history),
    );
    assert.ok(alone!.ledgerBytes >= history.diskBytes, JSON.stringify(alone));
    assert.ok(
      lines.some((line) => line.includes('2,000 blocks of history')),
      lines.join('\n'),
    );

    // Of several ledgers, the first (the smallest: the empty baseline) gets none.
    const [first, second] = await runTransferGrowth({
      sizes: [0, 100],
      historyBlocks: 300,
      warmupBlocks: 1,
      blocks: 1,
      transfersPerBlock: 10,
    });
    assert.equal(first!.history, undefined);
    assert.equal(second!.history?.blocks, 300);
  });
});
