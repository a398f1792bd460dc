// Range proofs of state chunks (state sync, issue 12): a chunk served by `snapshotRange` is checked alone
// against the version's root by core's `verifyStateRange`. Honest chunks verify, from any start and with
// any range end, and together give the whole state; a chunk that leaves an entry out, makes one up,
// changes a value, reorders, or claims the state ended early, does not.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { type StateRangeProof, sha256, verifyStateRange, ZERO_HASH } from '@hanglian/core';
import { openStorage, type Storage } from '../src/index.js';
import { hex, scratchDirectory, utf8 } from './helpers.js';

async function withState(
  keys: number,
  run: (storage: Storage, version: number) => void | Promise<void>,
): Promise<void> {
  const dir = scratchDirectory('range');
  const storage = openStorage({ path: dir.path });
  try {
    const first = storage.state.beginBlock();
    for (let i = 0; i < keys; i++) first.set(utf8(`k/${i}`), utf8(`value ${i}`));
    first.commit(0);
    // A second version deletes some keys, so the tree has collapsed nodes too.
    const second = storage.state.beginBlock();
    for (let i = 0; i < keys; i += 7) second.delete(utf8(`k/${i}`));
    second.commit(1);
    await run(storage, 1);
  } finally {
    await storage.close();
    dir.remove();
  }
}

type Entry = { key: Uint8Array; value: Uint8Array };

/** Pages through (after, until] with `limit`; every chunk must verify. Returns the entries in the range. */
function fetchRange(
  storage: Storage,
  version: number,
  after: Uint8Array | null,
  until: Uint8Array | null,
  limit: number,
): Entry[] {
  const root = storage.state.rootAt(version)!;
  const out: Entry[] = [];
  for (;;) {
    const chunk = storage.state.snapshotRange(version, after, limit, until);
    const check = verifyStateRange(root, after, chunk.entries, chunk.proof);
    assert.ok(check.ok, `an honest chunk verifies: ${JSON.stringify(check)}`);
    for (const e of chunk.entries) {
      if (until !== null && Buffer.compare(e.keyHash, until) > 0) return out;
      out.push({ key: e.key, value: e.value });
    }
    if (check.done) return out;
    after = chunk.entries[chunk.entries.length - 1]!.keyHash;
  }
}

test('range proofs: honest chunks verify and page through the whole state', () =>
  withState(700, (storage, version) => {
    const all = fetchRange(storage, version, null, null, 37);
    assert.equal(all.length, 700 - 100);
    // In sixteen ranges by the path's first four bits, each with its own start: the same entries.
    const byRanges: Entry[] = [];
    for (let i = 0; i < 16; i++) {
      const after = i === 0 ? null : boundary(i - 1);
      byRanges.push(...fetchRange(storage, version, after, i === 15 ? null : boundary(i), 23));
    }
    assert.deepEqual(
      byRanges.map((e) => hex(e.key)),
      all.map((e) => hex(e.key)),
    );
    // The last chunk says the state ended; earlier ones do not.
    const root = storage.state.rootAt(version)!;
    const head = storage.state.snapshotRange(version, null, 100);
    assert.deepEqual(verifyStateRange(root, null, head.entries, head.proof), { ok: true, done: false });
    const lastPath = sha256(all[all.length - 1]!.key);
    const tail = storage.state.snapshotRange(version, lastPath, 100);
    assert.equal(tail.entries.length, 0);
    assert.deepEqual(verifyStateRange(root, lastPath, tail.entries, tail.proof), { ok: true, done: true });
  }));

test('range proofs: small trees and random starts (leaves that rise, chains with an empty side)', async () => {
  for (const keys of [1, 2, 3, 5, 8, 13, 40]) {
    await withState(keys, (storage, version) => {
      const expected = fetchRange(storage, version, null, null, 3).length;
      assert.equal(expected, keys - Math.ceil(keys / 7));
      for (let t = 0; t < 20; t++) {
        const after = new Uint8Array(randomBytes(32));
        const got = fetchRange(storage, version, after, null, 2);
        for (const e of got) assert.ok(Buffer.compare(sha256(e.key), after) > 0);
      }
    });
  }
});

test('range proofs: a chunk that leaves out, makes up, changes or reorders entries does not verify', () =>
  withState(300, (storage, version) => {
    const root = storage.state.rootAt(version)!;
    const first = storage.state.snapshotRange(version, null, 50);
    const after = first.entries[first.entries.length - 1]!.keyHash;
    const chunk = storage.state.snapshotRange(version, after, 40);
    const entries: Entry[] = chunk.entries.map((e) => ({ key: e.key, value: e.value }));
    const proof: StateRangeProof = chunk.proof;
    assert.deepEqual(verifyStateRange(root, after, entries, proof), { ok: true, done: false });
    const bad = (what: string, e: Entry[], p: StateRangeProof = proof, start: Uint8Array | null = after) => {
      const check = verifyStateRange(root, start, e, p);
      assert.equal(check.ok, false, `${what} must not verify`);
    };
    bad('the first entry left out', entries.slice(1));
    bad('an entry in the middle left out', [...entries.slice(0, 10), ...entries.slice(11)]);
    bad(
      'a value changed',
      entries.map((e, i) => (i === 5 ? { key: e.key, value: utf8('forged') } : e)),
    );
    // A made-up key whose path falls inside the chunk's range.
    const end = sha256(entries[entries.length - 1]!.key);
    let madeUp = 0;
    const inRange = (key: Uint8Array) =>
      Buffer.compare(sha256(key), after) > 0 && Buffer.compare(sha256(key), end) < 0;
    while (!inRange(utf8(`made-up/${madeUp}`))) madeUp++;
    bad('an entry made up', sortByPath([...entries, { key: utf8(`made-up/${madeUp}`), value: utf8('x') }]));
    bad('two entries swapped', [entries[1]!, entries[0]!, ...entries.slice(2)]);
    bad('an entry twice', [entries[0]!, ...entries]);
    // Leaving the last entries out with an honest proof of the new last one is a shorter chunk, not a lie.
    const shorter = storage.state.snapshotRange(version, after, 30);
    assert.equal(verifyStateRange(root, after, shorter.entries, shorter.proof).ok, true);
    // But the old end's proof does not fit the shorter chunk.
    bad('the end proof of another key', entries.slice(0, 30));
    // The start's proof must be of the start.
    bad('the start proof of another path', entries, {
      left: storage.state.snapshotRange(version, sha256(utf8('elsewhere')), 1).proof.left,
      right: proof.right,
    });
    // "Nothing more" while the state goes on: an empty chunk with the start's honest proof.
    bad('an empty chunk mid-state', [], { left: proof.left, right: null });
    // The right siblings cannot be zeroed to claim the end: the root does not rebuild.
    bad('a made-up end of the state', entries, {
      left: proof.left,
      right: { ...proof.right!, siblings: proof.right!.siblings.map(() => ZERO_HASH) },
    });
    bad('a chunk of another start', entries, proof, null);
  }));

test('range proofs: the empty state', () => {
  assert.deepEqual(verifyStateRange(ZERO_HASH, null, [], { left: null, right: null }), {
    ok: true,
    done: true,
  });
  assert.equal(verifyStateRange(sha256(utf8('x')), null, [], { left: null, right: null }).ok, false);
});

/** The last path of range i when the key space is cut into 16 by the first four bits. */
function boundary(i: number): Uint8Array {
  const path = new Uint8Array(32).fill(0xff);
  path[0] = (i << 4) | 0x0f;
  return path;
}

function sortByPath(entries: Entry[]): Entry[] {
  return [...entries].sort((a, b) => Buffer.compare(sha256(a.key), sha256(b.key)));
}
