import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZERO_HASH } from '@hanglian/core';
import { openStorage, SparseMerkleTree, type Storage } from '../src/index.js';
import { hex, scratchDirectory, text, utf8, verifyStateProof } from './helpers.js';

async function withStorage(run: (storage: Storage, path: string) => Promise<void> | void): Promise<void> {
  const dir = scratchDirectory('state');
  const storage = openStorage({ path: dir.path, extraSubDbs: ['index'] });
  try {
    await run(storage, dir.path);
  } finally {
    await storage.close();
    dir.remove();
  }
}

function entriesOf(iterable: Iterable<{ key: Uint8Array; value: Uint8Array }>): [string, string][] {
  return [...iterable].map(({ key, value }) => [text(key)!, text(value)!]);
}

test('state: an overlay reads its own writes over the committed state and writes nothing until commit', () =>
  withStorage(({ state }) => {
    assert.equal(state.latestVersion(), undefined);
    assert.deepEqual(state.latestRoot(), ZERO_HASH);
    const first = state.beginBlock();
    first.set(utf8('a/1'), utf8('one'));
    first.set(utf8('a/2'), utf8('two'));
    first.set(utf8('b/1'), utf8('bee'));
    assert.equal(text(first.get(utf8('a/1'))), 'one');
    assert.equal(state.get(utf8('a/1')), undefined, 'the store is untouched before commit');
    const committed = first.commit(0);
    assert.equal(committed.version, 0);
    assert.equal(state.latestVersion(), 0);
    assert.deepEqual(state.rootAt(0), committed.root);

    const second = state.beginBlock();
    second.delete(utf8('a/1'));
    second.set(utf8('a/3'), utf8('three'));
    second.set(utf8('a/0'), utf8('zero'));
    second.set(utf8('a/2'), utf8('TWO'));
    assert.equal(second.get(utf8('a/1')), undefined, 'a delete hides the stored value');
    assert.equal(text(state.get(utf8('a/1'))), 'one');
    assert.deepEqual(entriesOf(second.iterate(utf8('a/'))), [
      ['a/0', 'zero'],
      ['a/2', 'TWO'],
      ['a/3', 'three'],
    ]);
    assert.deepEqual(entriesOf(second.iterate(utf8('b/'))), [['b/1', 'bee']]);
    assert.deepEqual(entriesOf(state.reader().iterate(utf8('a/'))), [
      ['a/1', 'one'],
      ['a/2', 'two'],
    ]);
    second.discard();
    assert.throws(() => second.get(utf8('a/1')), { code: 'STORAGE_OVERLAY_FINISHED' });
    assert.equal(text(state.get(utf8('a/1'))), 'one', 'discard wrote nothing');
    assert.equal(state.latestVersion(), 0);
  }));

test('state: overlay iteration agrees with a plain map model under random changes', () =>
  withStorage(({ state }) => {
    const model = new Map<string, string>();
    let seed = 12345;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let version = 0; version < 15; version++) {
      const overlay = state.beginBlock();
      const pending = new Map(model);
      for (let i = 0; i < 20; i++) {
        const key = `k/${String(next(40)).padStart(2, '0')}`;
        if (next(3) === 0) {
          overlay.delete(utf8(key));
          pending.delete(key);
        } else {
          overlay.set(utf8(key), utf8(`${version}.${i}`));
          pending.set(key, `${version}.${i}`);
        }
      }
      const expected = [...pending].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      assert.deepEqual(entriesOf(overlay.iterate(utf8('k/'))), expected);
      overlay.commit(version);
      assert.deepEqual(entriesOf(state.reader().iterate(utf8('k/'))), expected);
      model.clear();
      for (const [k, v] of pending) model.set(k, v);
    }
  }));

test('state: versions are consecutive and an overlay cannot commit over a newer version', () =>
  withStorage(({ state }) => {
    state.beginBlock().commit(5);
    assert.throws(() => state.beginBlock().commit(7), { code: 'STORAGE_VERSION_CONFLICT' });
    assert.throws(() => state.beginBlock().commit(5), { code: 'STORAGE_VERSION_CONFLICT' });
    assert.throws(() => state.beginBlock().commit(-1), { code: 'STORAGE_INVALID_ARGUMENT' });
    const stale = state.beginBlock();
    stale.set(utf8('x'), utf8('stale'));
    state.beginBlock().commit(6);
    assert.throws(() => stale.commit(7), { code: 'STORAGE_VERSION_CONFLICT' });
    assert.equal(state.get(utf8('x')), undefined);
    const failing = state.beginBlock();
    failing.set(utf8('y'), utf8('kept'));
    assert.throws(() => failing.commit(7, [['state', utf8('y'), utf8('sneaky')]]), {
      code: 'STORAGE_INVALID_ARGUMENT',
    });
    assert.equal(state.latestVersion(), 6, 'a refused commit writes nothing');
    failing.commit(7);
    assert.equal(text(state.get(utf8('y'))), 'kept', 'the overlay stays usable after a refused commit');
  }));

test('state: past versions stay readable and provable through the tree', () =>
  withStorage(({ state }) => {
    for (let version = 0; version < 10; version++) {
      const overlay = state.beginBlock();
      overlay.set(utf8('counter'), utf8(String(version)));
      overlay.set(utf8(`at/${version}`), utf8('here'));
      if (version > 0) overlay.delete(utf8(`at/${version - 1}`));
      overlay.commit(version);
    }
    for (let version = 0; version < 10; version++) {
      assert.equal(text(state.getAt(utf8('counter'), version)), String(version));
      assert.equal(text(state.getAt(utf8(`at/${version}`), version)), 'here');
      assert.equal(state.getAt(utf8(`at/${version - 1}`), version), undefined);

      const present = state.prove(utf8('counter'), version);
      assert.deepEqual(present.root, state.rootAt(version));
      assert.equal(verifyStateProof(present.root, present.key, present.value, present.proof), true);
      assert.equal(verifyStateProof(present.root, present.key, utf8('999'), present.proof), false);

      const absent = state.prove(utf8(`at/${version + 1}`), version);
      assert.equal(absent.value, null);
      assert.equal(verifyStateProof(absent.root, absent.key, null, absent.proof), true);
    }
    assert.throws(() => state.getAt(utf8('counter'), 10), { code: 'STORAGE_UNKNOWN_VERSION' });
    assert.equal(state.prove(utf8('counter')).version, 9);
  }));

test('state: the stored root equals the root recomputed from the flat values', () =>
  withStorage(({ state }) => {
    for (let version = 0; version < 5; version++) {
      const overlay = state.beginBlock();
      for (let i = 0; i < 50; i++) overlay.set(utf8(`k${(i * 7 + version * 13) % 97}`), utf8(`v${version}`));
      overlay.delete(utf8(`k${version * 3}`));
      overlay.commit(version);
    }
    const scratch = new Map<string, Uint8Array>();
    const tree = new SparseMerkleTree({ getNode: (hash) => scratch.get(hex(hash)) });
    const update = tree.update(
      ZERO_HASH,
      [...state.reader().iterate(new Uint8Array(0))].map(({ key, value }) => ({ key, value })),
    );
    assert.deepEqual(update.root, state.latestRoot());
  }));

test('state: everything survives close and reopen', async () => {
  const dir = scratchDirectory('state');
  try {
    const storage = openStorage({ path: dir.path });
    const overlay = storage.state.beginBlock();
    overlay.set(utf8('k'), utf8('v'));
    const { root } = overlay.commit(0);
    await storage.close();
    assert.throws(() => storage.state.beginBlock(), { code: 'STORAGE_CLOSED' });

    const reopened = openStorage({ path: dir.path });
    assert.equal(reopened.state.latestVersion(), 0);
    assert.deepEqual(reopened.state.rootAt(0), root);
    assert.equal(text(reopened.state.get(utf8('k'))), 'v');
    assert.equal(text(reopened.state.getAt(utf8('k'), 0)), 'v');
    reopened.state.beginBlock().commit(1);
    assert.deepEqual(reopened.state.rootAt(1), root, 'an empty version keeps the root');
    await reopened.close();
  } finally {
    dir.remove();
  }
});

test('state: a version is served in chunks that together are exactly its entries, in path order', () =>
  withStorage(({ state }) => {
    const first = state.beginBlock();
    for (let i = 0; i < 500; i++) first.set(utf8(`k/${i}`), utf8(`v${i}`));
    first.commit(0);
    // A later version must not change what version 0 serves.
    const second = state.beginBlock();
    for (let i = 0; i < 500; i += 3) second.delete(utf8(`k/${i}`));
    second.set(utf8('k/new'), utf8('later'));
    second.commit(1);

    for (const [version, expected] of [
      [0, 500],
      [1, 500 - 167 + 1],
    ] as const) {
      const seen: string[] = [];
      let after: Uint8Array | null = null;
      let previous: Uint8Array | null = null;
      for (;;) {
        const chunk = state.snapshotChunk(version, after, 37);
        if (chunk.length === 0) break;
        for (const entry of chunk) {
          if (previous !== null) assert.ok(Buffer.compare(previous, entry.keyHash) < 0, 'path order');
          previous = entry.keyHash;
          seen.push(`${text(entry.key)}=${text(entry.value)}`);
        }
        after = chunk[chunk.length - 1]!.keyHash;
      }
      assert.equal(seen.length, expected);
      assert.equal(new Set(seen).size, seen.length, 'no entry twice');
      const tree = new SparseMerkleTree({ getNode: () => undefined });
      const rebuilt = tree.update(
        ZERO_HASH,
        seen.map((s) => ({ key: utf8(s.split('=')[0]!), value: utf8(s.split('=')[1]!) })),
      );
      assert.equal(
        hex(rebuilt.root),
        hex(state.rootAt(version)!),
        `the chunks rebuild the root of version ${version}`,
      );
    }
  }));
