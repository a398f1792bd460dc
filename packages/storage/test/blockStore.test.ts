import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sha256 } from '@hanglian/core';
import { HashKeyedRun } from '../src/blocks/hashKeyedRun.js';
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

test('blocks: history imported in bulk reads back as committed blocks do, below a state imported after', async () => {
  const dir = scratchDirectory('history');
  const storage = openStorage({ path: dir.path, extraSubDbs: ['commits'] });
  try {
    const batches: Array<[number, number]> = [];
    const indexes: Array<[string, number]> = [];
    const heightKey = (height: number) => Uint8Array.of(0, 0, 0, 0, 0, 0, height >> 8, height & 0xff);
    // Small transactions (~2 blocks each), so the import spans many, each appended past the last.
    const written = storage.blocks.importHistory(
      (function* () {
        for (let height = 1; height < 40; height++)
          yield {
            record: blockAt(height, 3),
            extraWrites: [['commits', heightKey(height), utf8(`commit ${height}`)] as const],
          };
      })(),
      {
        batchBytes: 200,
        onBatch: (blocks, height) => batches.push([blocks, height]),
        onIndex: (subDb, records) => indexes.push([subDb, records]),
      },
    );
    assert.equal(written.blocks, 39);
    assert.ok(written.bytes > 39 * 3 * 44, `${written.bytes} bytes`);
    assert.ok(batches.length > 5, `${batches.length} transactions`);
    assert.deepEqual(batches[batches.length - 1], [39, 39]);
    // The indexes keyed by hashes are written last, in key order.
    assert.deepEqual(indexes, [
      ['block_height_by_hash', 39],
      ['tx_locations', 39 * 3],
    ]);
    assert.equal(storage.blocks.latestHeight(), 39);
    // No state version: the state is imported afterwards, at the last height, with the last block.
    assert.equal(storage.state.latestVersion(), undefined);
    storage.state.importSorted(
      40,
      [{ key: utf8('k'), value: utf8('v') }],
      BlockStore.writesFor(blockAt(40, 3)),
    );
    assert.equal(storage.state.latestVersion(), 40);
    for (const height of [1, 2, 17, 39, 40]) {
      const record = blockAt(height, 3);
      assert.equal(text(storage.blocks.getBlock(height)), `block ${height}`);
      assert.equal(storage.blocks.heightOf(record.hash), height);
      assert.equal(text(storage.blocks.getResults(height)), `results ${height}`);
      record.transactionIds.forEach((id, index) => {
        assert.deepEqual(storage.blocks.locateTransaction(id), { height, index });
      });
      if (height < 40)
        assert.equal(text(storage.kv.subDb('commits').get(heightKey(height))), `commit ${height}`);
    }
    // Heights must ascend past the stored blocks; the state's own records are refused.
    assert.throws(() => storage.blocks.importHistory([{ record: blockAt(40, 0) }]), {
      code: 'STORAGE_INVALID_ARGUMENT',
    });
    assert.throws(
      () =>
        storage.blocks.importHistory([
          { record: blockAt(41, 0), extraWrites: [['state', utf8('k'), utf8('x')]] },
        ]),
      { code: 'STORAGE_INVALID_ARGUMENT' },
    );
    assert.equal(text(storage.state.get(utf8('k'))), 'v');
  } finally {
    await storage.close();
    dir.remove();
  }
});

test('kv: a sorted commit appends past the last key, inserts among keys otherwise, the last put winning', async () => {
  const dir = scratchDirectory('sorted');
  const storage = openStorage({ path: dir.path, extraSubDbs: ['s'] });
  try {
    const kv = storage.kv;
    const put = (pairs: Array<[string, string]>) => {
      const batch = kv.createBatch();
      for (const [key, value] of pairs) batch.put('s', utf8(key), utf8(value));
      kv.commitSorted(batch);
    };
    // Out of order, with a key put twice: written sorted, the later value kept.
    put([
      ['m', '1'],
      ['c', '1'],
      ['x', '1'],
      ['c', '2'],
    ]);
    // Past the greatest key (appended), then among the stored keys (inserted, one overwritten).
    put([
      ['z', '1'],
      ['y', '1'],
    ]);
    put([
      ['a', '1'],
      ['n', '1'],
      ['x', '2'],
    ]);
    const entries = [...kv.subDb('s').iterate(new Uint8Array(0))].map(
      (e) => `${text(e.key)}=${text(e.value)}`,
    );
    assert.deepEqual(entries, ['a=1', 'c=2', 'm=1', 'n=1', 'x=2', 'y=1', 'z=1']);
    // Many random keys of 1 to 12 bytes, some put twice (each with its own value), over the stored ones:
    // the sub-database then holds every key once, in byte order, with its last value.
    const expected = new Map<string, string>(entries.map((e) => e.split('=') as [string, string]));
    const batch = kv.createBatch();
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    const keys: Uint8Array[] = [];
    for (let i = 0; i < 5_000; i++) {
      const key =
        i % 10 === 9
          ? keys[random() % keys.length]!
          : Uint8Array.from({ length: 1 + (random() % 12) }, () => 0x61 + (random() % 3));
      keys.push(key);
      batch.put('s', key, utf8(String(i)));
      expected.set(text(key)!, String(i));
    }
    kv.commitSorted(batch);
    const stored = [...kv.subDb('s').iterate(new Uint8Array(0))];
    assert.deepEqual(
      stored.map((e) => [text(e.key), text(e.value)]),
      [...expected].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
    );
    const deletes = kv.createBatch().delete('s', utf8('z'));
    assert.throws(() => kv.commitSorted(deletes), { code: 'STORAGE_INVALID_ARGUMENT' });
    assert.equal(text(kv.subDb('s').get(utf8('z'))), '1');
  } finally {
    await storage.close();
    dir.remove();
  }
});

test('versions: u64 big-endian, byte for byte as a BigInt DataView writes them, and back', async () => {
  const { encodeVersion, decodeVersion } = await import('../src/index.js');
  for (const version of [
    0,
    1,
    255,
    256,
    65_535,
    2 ** 31,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 40 + 12_345,
    2 ** 53 - 1,
  ]) {
    const expected = new Uint8Array(8);
    new DataView(expected.buffer).setBigUint64(0, BigInt(version));
    assert.deepEqual(encodeVersion(version), expected, String(version));
    assert.equal(decodeVersion(encodeVersion(version)), version);
  }
  assert.throws(() => encodeVersion(2 ** 53), { code: 'STORAGE_INVALID_ARGUMENT' });
  assert.throws(() => encodeVersion(-1), { code: 'STORAGE_INVALID_ARGUMENT' });
});

test('hash-keyed runs: records come back in key order, the last of equal keys only', () => {
  const run = new HashKeyedRun(4);
  const expected = new Map<string, number>();
  let seed = 11;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed;
  };
  const keys: Uint8Array[] = [];
  for (let i = 0; i < 20_000; i++) {
    let key: Uint8Array;
    if (i % 7 === 6)
      key = keys[random() % keys.length]!; // a key again
    else {
      key = Uint8Array.from({ length: 32 }, () => random() & 0xff);
      // Some keys share their first six bytes (one bucket, one packed value): only a full compare orders them.
      if (i % 5 === 0) key.set([1, 2, 3, 4, 5, 6], 0);
    }
    keys.push(key);
    const value = new Uint8Array(4);
    new DataView(value.buffer).setUint32(0, i);
    run.add(key, value);
    expected.set(Buffer.from(key).toString('hex'), i);
  }
  const got = [...run.sorted()].map(([key, value]) => [key.toString('hex'), value.readUInt32BE(0)]);
  assert.deepEqual(
    got,
    [...expected].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  assert.throws(() => run.add(new Uint8Array(31), new Uint8Array(4)), RangeError);
});
