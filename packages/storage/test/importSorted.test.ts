// Importing a whole state as the first version of an empty store, streamed in path order (state sync): the
// tree is built bottom-up as entries go by and written in several transactions, and it is the same tree
// the ordinary commit builds (same root; reads, proofs, snapshot chunks and later commits work on it).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { verifyStateProof, ZERO_HASH } from '@hanglian/core';
import { openStorage, type Storage } from '../src/index.js';
import { hex, scratchDirectory, text, utf8 } from './helpers.js';

async function withStorages(run: (source: Storage, target: Storage) => void): Promise<void> {
  const a = scratchDirectory('import-source');
  const b = scratchDirectory('import-target');
  const source = openStorage({ path: a.path });
  const target = openStorage({ path: b.path });
  try {
    run(source, target);
  } finally {
    await source.close();
    await target.close();
    a.remove();
    b.remove();
  }
}

function* allEntries(storage: Storage, version: number) {
  for (let after: Uint8Array | null = null; ; ) {
    const chunk = storage.state.snapshotChunk(version, after, 50);
    for (const { key, value } of chunk) yield { key, value };
    if (chunk.length < 50) return;
    after = chunk[chunk.length - 1]!.keyHash;
  }
}

for (const keys of [0, 1, 2, 3, 17, 1_000]) {
  test(`import: ${keys} keys streamed in path order rebuild the same tree`, () =>
    withStorages((source, target) => {
      const first = source.state.beginBlock();
      for (let i = 0; i < keys; i++) first.set(utf8(`k/${i}`), utf8(`value ${i}`));
      first.set(utf8('extra'), utf8('x'));
      first.commit(0);
      const second = source.state.beginBlock();
      second.delete(utf8('extra'));
      for (let i = 0; i < keys; i += 5) second.delete(utf8(`k/${i}`));
      second.commit(1);
      const expected = source.state.rootAt(1)!;
      if (keys === 0) assert.deepEqual(expected, ZERO_HASH);

      const imported = target.state.importSorted(7, allEntries(source, 1), [], 7);
      assert.equal(hex(imported.root), hex(expected));
      assert.equal(target.state.latestVersion(), 7);
      assert.equal(hex(target.state.rootAt(7)!), hex(expected));
      // Reads, proofs and chunks at the imported version; the flat values too.
      for (let i = 1; i < keys; i += 97) {
        if (i % 5 === 0) continue;
        const key = utf8(`k/${i}`);
        assert.equal(text(target.state.getAt(key, 7)), `value ${i}`);
        assert.equal(text(target.state.get(key)), `value ${i}`);
        const proof = target.state.prove(key, 7);
        assert.ok(verifyStateProof(expected, key, utf8(`value ${i}`), proof.proof));
      }
      assert.equal([...allEntries(target, 7)].length, [...allEntries(source, 1)].length);
      // The next version commits on top of it like any other.
      const next = target.state.beginBlock();
      next.set(utf8('k/new'), utf8('later'));
      const nextSource = source.state.beginBlock();
      nextSource.set(utf8('k/new'), utf8('later'));
      assert.equal(hex(next.commit(8).root), hex(nextSource.commit(2).root));
    }));
}

test('import: entries reach the disk in batches while later ones are still being read', () =>
  withStorages((source, target) => {
    const first = source.state.beginBlock();
    for (let i = 0; i < 300; i++) first.set(utf8(`k/${i}`), utf8(`value ${i}`));
    first.commit(0);
    const entries = [...allEntries(source, 0)];
    let pendingMost = 0;
    function* watched() {
      for (let i = 0; i < entries.length; i++) {
        // Entries handed over but not yet readable from the store: what the import holds in memory.
        let written = 0;
        while (written < i && target.state.get(entries[written]!.key) !== undefined) written++;
        pendingMost = Math.max(pendingMost, i - written);
        yield entries[i]!;
      }
    }
    target.state.importSorted(0, watched(), [], 20);
    assert.equal(hex(target.state.rootAt(0)!), hex(source.state.rootAt(0)!));
    // One lookahead entry beside one batch of 20: never more than 21 entries not on disk.
    assert.ok(pendingMost <= 21, `at most ${pendingMost} entries waited to be written`);
  }));

test('import: refuses entries out of path order, and a store that has a version', () =>
  withStorages((source, target) => {
    const entries = [
      { key: utf8('a'), value: utf8('1') },
      { key: utf8('b'), value: utf8('2') },
    ].sort((x, y) => -Buffer.compare(Buffer.from(sha(x.key)), Buffer.from(sha(y.key))));
    assert.throws(() => target.state.importSorted(1, entries), { code: 'STORAGE_INVALID_ARGUMENT' });
    const first = source.state.beginBlock();
    first.set(utf8('a'), utf8('1'));
    first.commit(0);
    assert.throws(() => source.state.importSorted(1, []), { code: 'STORAGE_INVALID_ARGUMENT' });
  }));

function sha(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest();
}
