// The growth benchmark's pre-fill writes the state directly (sorted import): it must be the very state,
// root included, that committing the same keys by blocks makes. And the benchmark reports each ledger.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { growthKey, openStorage, prefillState, runGrowthBench } from '../src/index.js';

describe('state growth benchmark', () => {
  it('pre-fills the same state and root as committing the keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hanglian-growth-test-'));
    try {
      const value = new Uint8Array(40).fill(7);
      const filled = openStorage({ path: join(dir, 'filled') });
      prefillState(filled.state, 2_500, value);
      const committed = openStorage({ path: join(dir, 'committed') });
      for (let first = 0; first < 2_500; first += 500) {
        const overlay = committed.state.beginBlock();
        for (let i = first; i < first + 500; i++) overlay.set(growthKey(i), value);
        overlay.commit(first / 500);
      }
      assert.deepEqual(filled.state.latestRoot(), committed.state.latestRoot());
      assert.deepEqual(filled.state.get(growthKey(1_234)), value);
      assert.equal(filled.state.get(growthKey(2_500)), undefined);
      await filled.close();
      await committed.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('measures each ledger size', async () => {
    const figures = await runGrowthBench({ sizes: [100, 3_000], blocks: 3, blockKeys: 30 });
    assert.deepEqual(
      figures.map((f) => f.keys),
      [100, 3_000],
    );
    for (const f of figures) {
      assert.ok(f.cpuMicrosPerKey > 0 && f.keysPerSecond > 0 && f.diskBytes > 0);
      // Ledgers this small fit in the pinned upper levels once warmed: the blocks read no node record.
      assert.ok(f.pinnedBytes > 0 && f.warmSeconds >= 0);
      assert.equal(f.nodeReadsPerKey, 0);
      assert.ok(
        f.nodeRecordsPerKey !== undefined && f.nodeRecordsPerKey > 1,
        `${f.nodeRecordsPerKey} records per key`,
      );
      // The split measures each part of a block on its own: each takes some CPU.
      assert.ok(
        f.split.treeUpdate > 0 && f.split.treeRecordsCommit > 0 && f.split.valuesCommit > 0,
        JSON.stringify(f.split),
      );
    }
  });
});
