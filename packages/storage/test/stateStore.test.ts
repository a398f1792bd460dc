import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ZERO_HASH } from '@hanglian/core';
import {
  decodeVersion,
  EMPTY_TREE,
  encodeVersion,
  openStorage,
  SparseMerkleTree,
  type Storage,
} from '../src/index.js';
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
      EMPTY_TREE,
      [...state.reader().iterate(new Uint8Array(0))].map(({ key, value }) => ({ key, value })),
      0,
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
        EMPTY_TREE,
        seen.map((s) => ({ key: utf8(s.split('=')[0]!), value: utf8(s.split('=')[1]!) })),
        0,
      );
      assert.equal(
        hex(rebuilt.root),
        hex(state.rootAt(version)!),
        `the chunks rebuild the root of version ${version}`,
      );
    }
  }));

test('state: a directory of another storage format is refused with STORAGE_CORRUPT, never read', async () => {
  const dir = scratchDirectory('format');
  try {
    const storage = openStorage({ path: dir.path });
    const overlay = storage.state.beginBlock();
    overlay.set(utf8('k'), utf8('v'));
    overlay.commit(0);
    // What a format-1 directory looks like to this version: state committed, and no format 2 marker.
    const batch = storage.kv.createBatch();
    batch.delete('state_meta', utf8('format'));
    storage.kv.commit(batch);
    await storage.close();
    assert.throws(
      () => openStorage({ path: dir.path }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'STORAGE_CORRUPT');
        assert.match(error.message, /storage format 1; this version reads format 2/);
        return true;
      },
    );

    const marked = openStorage({ path: join(dir.path, 'other') });
    marked.state.beginBlock().commit(0);
    const mark = marked.kv.createBatch();
    mark.put('state_meta', utf8('format'), Uint8Array.of(3));
    marked.kv.commit(mark);
    await marked.close();
    assert.throws(() => openStorage({ path: join(dir.path, 'other') }), { code: 'STORAGE_CORRUPT' });
  } finally {
    dir.remove();
  }
});

/** Commits `versions` versions that overwrite, add and delete keys; returns each version's key/values. */
function commitHistory(storage: Storage, versions: number): Map<string, string>[] {
  const states: Map<string, string>[] = [];
  const current = new Map<string, string>();
  for (let version = 0; version < versions; version++) {
    const overlay = storage.state.beginBlock();
    for (let i = 0; i < 40; i++) {
      const key = `k/${(i * 7 + version * 11) % 60}`;
      overlay.set(utf8(key), utf8(`v${version}/${i}`));
      current.set(key, `v${version}/${i}`);
    }
    const deleted = `k/${(version * 13) % 60}`;
    overlay.delete(utf8(deleted));
    current.delete(deleted);
    overlay.commit(version);
    states.push(new Map(current));
  }
  return states;
}

/** The node keys the kept versions' roots reach, and the node keys stored. */
function treeAccounting(storage: Storage, kept: number[]): { reachable: Set<string>; stored: Set<string> } {
  const nodes = storage.kv.subDb('state_tree');
  const tree = new SparseMerkleTree({ getNode: (key) => nodes.get(key) }, { cacheSize: 0 });
  const roots = storage.kv.subDb('state_roots');
  const reachable = new Set<string>();
  for (const version of kept) {
    const record = roots.get(encodeVersion(version))!;
    const ref = { hash: record.subarray(0, 32), version: decodeVersion(record.subarray(32)) };
    for (const key of tree.nodeKeys(ref)) reachable.add(hex(key));
  }
  const stored = new Set([...nodes.iterate(new Uint8Array(0))].map(({ key }) => hex(key)));
  return { reachable, stored };
}

test('state: pruning keeps the recent versions and the snapshots readable and provable, refuses the rest with STORAGE_PRUNED, and stores no other node', async () => {
  const dir = scratchDirectory('pruning');
  try {
    for (const maxDeletesPerCommit of [50_000, 5]) {
      const path = join(dir.path, `limit-${maxDeletesPerCommit}`);
      const storage = openStorage({
        path,
        pruning: { keepRecent: 3, snapshotEvery: 5, maxDeletesPerCommit },
      });
      const states = commitHistory(storage, 23);
      const { state } = storage;
      const kept: number[] = [];
      for (let version = 0; version < 23; version++) {
        const probe = utf8(`k/${version % 60}`);
        if (state.isPruned(version)) {
          assert.ok(version < 20, `version ${version} is recent and must be kept`);
          assert.ok(version % 5 !== 0, `version ${version} is a snapshot and must be kept`);
          assert.throws(() => state.getAt(probe, version), { code: 'STORAGE_PRUNED' });
          assert.throws(() => state.prove(probe, version), { code: 'STORAGE_PRUNED' });
          assert.ok(state.rootAt(version) !== undefined, 'a pruned version keeps its root');
          continue;
        }
        kept.push(version);
        for (const [key, value] of states[version]!)
          assert.equal(text(state.getAt(utf8(key), version)), value);
        const proof = state.prove(probe, version);
        assert.equal(verifyStateProof(proof.root, probe, proof.value, proof.proof), true);
      }
      if (maxDeletesPerCommit === 50_000) {
        // Unbounded: exactly the recent three and the snapshots are kept.
        assert.deepEqual(kept, [0, 5, 10, 15, 20, 21, 22]);
        const { reachable, stored } = treeAccounting(storage, kept);
        assert.deepEqual(
          stored,
          reachable,
          'every stored node is reached by a kept version, and every reached one is stored',
        );
      }
      await storage.close();
    }

    // An archival store of the same history keeps every version's nodes: many more.
    const archival = openStorage({ path: join(dir.path, 'archival') });
    commitHistory(archival, 23);
    assert.equal(archival.state.isPruned(1), false);
    assert.equal(text(archival.state.getAt(utf8('k/11'), 1)), 'v1/0');
    const archivalNodes = [...archival.kv.subDb('state_tree').iterate(new Uint8Array(0))].length;
    await archival.close();
    const pruned = openStorage({
      path: join(dir.path, 'limit-50000'),
      pruning: { keepRecent: 3, snapshotEvery: 5 },
    });
    const prunedNodes = [...pruned.kv.subDb('state_tree').iterate(new Uint8Array(0))].length;
    assert.ok(prunedNodes < archivalNodes / 2, `${prunedNodes} nodes kept of ${archivalNodes}`);
    await pruned.close();

    // The snapshot spacing of a pruned store cannot change (older snapshots would be missing).
    assert.throws(
      () =>
        openStorage({ path: join(dir.path, 'limit-50000'), pruning: { keepRecent: 3, snapshotEvery: 4 } }),
      { code: 'STORAGE_INVALID_ARGUMENT' },
    );
  } finally {
    dir.remove();
  }
});
