import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sha256 } from '@hanglian/core';
import { type BlockRecord, BlockStore, openStorage } from '../src/index.js';
import { scratchDirectory, text, utf8 } from './helpers.js';

function blockAt(height: number, transactions: number): BlockRecord {
  const block = utf8(`block ${height}`);
  return {
    height,
    hash: sha256(block),
    block,
    transactionIds: Array.from({ length: transactions }, (_, i) => sha256(utf8(`tx ${height}.${i}`))),
    results: utf8(`results ${height}`),
  };
}

test('blocks: a block, its results and indexes land with the state of its height', async () => {
  const dir = scratchDirectory('blocks');
  const storage = openStorage({ path: dir.path, extraSubDbs: ['by_owner'] });
  try {
    assert.equal(storage.blocks.latestHeight(), undefined);
    for (let height = 0; height < 4; height++) {
      const overlay = storage.state.beginBlock();
      overlay.set(utf8('height'), utf8(String(height)));
      BlockStore.commitBlock(overlay, blockAt(height, height + 1), [
        ['by_owner', utf8(`owner/${height}`), utf8('x')],
      ]);
    }
    assert.equal(storage.blocks.latestHeight(), 3);
    assert.equal(storage.state.latestVersion(), 3);
    for (let height = 0; height < 4; height++) {
      const record = blockAt(height, height + 1);
      assert.equal(text(storage.blocks.getBlock(height)), `block ${height}`);
      assert.equal(storage.blocks.heightOf(record.hash), height);
      assert.equal(text(storage.blocks.getBlockByHash(record.hash)), `block ${height}`);
      assert.equal(text(storage.blocks.getResults(height)), `results ${height}`);
      record.transactionIds.forEach((id, index) => {
        assert.deepEqual(storage.blocks.locateTransaction(id), { height, index });
      });
      assert.equal(text(storage.state.getAt(utf8('height'), height)), String(height));
      assert.equal(text(storage.kv.subDb('by_owner').get(utf8(`owner/${height}`))), 'x');
    }
    assert.equal(storage.blocks.getBlock(4), undefined);
    assert.equal(storage.blocks.locateTransaction(sha256(utf8('unknown'))), undefined);

    // A refused commit (wrong height) stores neither the block nor the state.
    const overlay = storage.state.beginBlock();
    overlay.set(utf8('height'), utf8('9'));
    assert.throws(() => BlockStore.commitBlock(overlay, blockAt(9, 1)), { code: 'STORAGE_VERSION_CONFLICT' });
    assert.equal(storage.blocks.getBlock(9), undefined);
    assert.equal(text(storage.state.get(utf8('height'))), '3');
    assert.throws(() => BlockStore.writesFor({ ...blockAt(5, 0), hash: new Uint8Array(3) }), {
      code: 'STORAGE_INVALID_ARGUMENT',
    });
  } finally {
    await storage.close();
    dir.remove();
  }
});
