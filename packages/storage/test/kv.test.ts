import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KvEnvironment, prefixUpperBound, type StorageError } from '../src/index.js';
import { scratchDirectory, text, utf8 } from './helpers.js';

function keysOf(entries: Iterable<{ key: Uint8Array }>): string[] {
  return [...entries].map((entry) => text(entry.key)!);
}

test('kv: a committed batch is readable from every sub-database it touched', async () => {
  const dir = scratchDirectory('kv');
  const kv = KvEnvironment.open({ path: dir.path, subDbs: ['a', 'b'] });
  try {
    const batch = kv.createBatch().put('a', utf8('k1'), utf8('v1')).put('b', utf8('k1'), utf8('other'));
    assert.equal(kv.subDb('a').get(utf8('k1')), undefined, 'nothing is visible before commit');
    kv.commit(batch);
    assert.equal(text(kv.subDb('a').get(utf8('k1'))), 'v1');
    assert.equal(text(kv.subDb('b').get(utf8('k1'))), 'other');
    assert.ok(kv.subDb('a').get(utf8('k1')) instanceof Uint8Array);

    kv.commit(kv.createBatch().delete('a', utf8('k1')).put('a', utf8('k2'), utf8('v2')));
    assert.equal(kv.subDb('a').has(utf8('k1')), false);
    assert.equal(text(kv.subDb('a').get(utf8('k2'))), 'v2');
  } finally {
    await kv.close();
    dir.remove();
  }
});

test('kv: prefix iteration is in byte order, bounded by the prefix, forwards and backwards', async () => {
  const dir = scratchDirectory('kv');
  const kv = KvEnvironment.open({ path: dir.path, subDbs: ['a'] });
  try {
    const batch = kv.createBatch();
    for (const key of ['ab', 'a', 'b', 'aa', 'a\xff', 'ac', 'ba', '0']) batch.put('a', utf8(key), utf8(key));
    batch.put('a', Uint8Array.of(0xff, 0xff), utf8('top')).put('a', Uint8Array.of(0xff), utf8('ff'));
    kv.commit(batch);
    const db = kv.subDb('a');
    assert.deepEqual(keysOf(db.iterate(utf8('a'))), ['a', 'aa', 'ab', 'ac', 'a\xff']);
    assert.deepEqual(keysOf(db.iterate(utf8('a'), { reverse: true })), ['a\xff', 'ac', 'ab', 'aa', 'a']);
    assert.deepEqual(keysOf(db.iterate(utf8('a'), { limit: 2 })), ['a', 'aa']);
    assert.deepEqual(
      [...db.iterate(Uint8Array.of(0xff))].map((e) => [...e.key]),
      [[0xff], [0xff, 0xff]],
    );
    assert.equal([...db.iterate(new Uint8Array(0))].length, 10);
    assert.deepEqual(keysOf(db.iterate(utf8('zz'))), []);
  } finally {
    await kv.close();
    dir.remove();
  }
});

test('kv: keys and values handed out stay intact while iteration goes on', async () => {
  const dir = scratchDirectory('kv');
  const kv = KvEnvironment.open({ path: dir.path, subDbs: ['a'] });
  try {
    const batch = kv.createBatch();
    for (let i = 0; i < 300; i++)
      batch.put('a', utf8(`key-${String(i).padStart(4, '0')}`), utf8(`value-${i}`));
    kv.commit(batch);
    const kept = [...kv.subDb('a').iterate(utf8('key-'))];
    assert.equal(kept.length, 300);
    kept.forEach((entry, i) => {
      assert.equal(text(entry.key), `key-${String(i).padStart(4, '0')}`);
      assert.equal(text(entry.value), `value-${i}`);
    });
    const first = kv.subDb('a').get(utf8('key-0000'))!;
    first.fill(0);
    assert.equal(text(kv.subDb('a').get(utf8('key-0000'))), 'value-0', 'a returned value is a copy');
  } finally {
    await kv.close();
    dir.remove();
  }
});

test('kv: data survives close and reopen; a closed environment refuses work', async () => {
  const dir = scratchDirectory('kv');
  try {
    const kv = KvEnvironment.open({ path: dir.path, subDbs: ['a'] });
    kv.commit(kv.createBatch().put('a', utf8('k'), utf8('v')));
    await kv.close();
    assert.throws(
      () => kv.subDb('a'),
      (error: unknown) => (error as StorageError).code === 'STORAGE_CLOSED',
    );
    assert.throws(() => kv.createBatch(), { code: 'STORAGE_CLOSED' });

    const reopened = KvEnvironment.open({ path: dir.path, subDbs: ['a'] });
    assert.equal(text(reopened.subDb('a').get(utf8('k'))), 'v');
    await reopened.close();
  } finally {
    dir.remove();
  }
});

test('kv: bad arguments fail with typed errors', async () => {
  const dir = scratchDirectory('kv');
  const kv = KvEnvironment.open({ path: dir.path, subDbs: ['a'] });
  try {
    assert.throws(() => kv.subDb('nope'), { name: 'StorageError', code: 'STORAGE_INVALID_ARGUMENT' });
    assert.throws(() => kv.createBatch().put('nope', utf8('k'), utf8('v')), {
      code: 'STORAGE_INVALID_ARGUMENT',
    });
    assert.throws(() => kv.createBatch().put('a', new Uint8Array(0), utf8('v')), {
      code: 'STORAGE_INVALID_ARGUMENT',
    });
    assert.throws(() => kv.subDb('a').get(new Uint8Array(5000)), { code: 'STORAGE_INVALID_ARGUMENT' });
    assert.throws(() => KvEnvironment.open({ path: dir.path, subDbs: ['x', 'x'] }), {
      code: 'STORAGE_INVALID_ARGUMENT',
    });
  } finally {
    await kv.close();
    dir.remove();
  }
});

test('kv: process-crash durability commits and flushes', async () => {
  const dir = scratchDirectory('kv');
  const kv = KvEnvironment.open({ path: dir.path, subDbs: ['a'], durability: 'process-crash' });
  try {
    kv.commit(kv.createBatch().put('a', utf8('k'), utf8('v')));
    await kv.flush();
    assert.equal(text(kv.subDb('a').get(utf8('k'))), 'v');
  } finally {
    await kv.close();
    dir.remove();
  }
});

test('prefixUpperBound: the first key past every key with the prefix', () => {
  assert.deepEqual(prefixUpperBound(Uint8Array.of(1, 2)), Uint8Array.of(1, 3));
  assert.deepEqual(prefixUpperBound(Uint8Array.of(1, 0xff)), Uint8Array.of(2));
  assert.equal(prefixUpperBound(Uint8Array.of(0xff, 0xff)), undefined);
  assert.equal(prefixUpperBound(new Uint8Array(0)), undefined);
});
