// The framework's state layers: an overlay merges its writes over its parent in key order, and closes
// the parent's iteration when its caller stops early (over LMDB an open iteration holds a read
// transaction; leaked ones exhausted the reader slots under load: MDB_READERS_FULL).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utf8 } from '@hanglian/core';
import { MemoryState, type StateEntry, StateOverlay, type StateReader } from '../src/index.js';

const text = (entries: Iterable<StateEntry>) =>
  [...entries].map((e) => `${new TextDecoder().decode(e.key)}=${new TextDecoder().decode(e.value)}`);

describe('StateOverlay', () => {
  it('merges its writes and deletions over the parent in key order', () => {
    const parent = new MemoryState();
    for (const k of ['a/1', 'a/3', 'a/5', 'b/1']) parent.set(utf8(k), utf8('p'));
    const overlay = new StateOverlay(parent);
    overlay.set(utf8('a/2'), utf8('o'));
    overlay.set(utf8('a/3'), utf8('o'));
    overlay.delete(utf8('a/5'));
    assert.deepEqual(text(overlay.iterate(utf8('a/'))), ['a/1=p', 'a/2=o', 'a/3=o']);
  });

  it("closes the parent's iteration when the caller stops early", () => {
    let open = 0;
    let closed = 0;
    const parent: StateReader = {
      get: () => undefined,
      *iterate() {
        open++;
        try {
          for (let i = 0; i < 10; i++) yield { key: utf8(`k/${i}`), value: utf8('v') };
        } finally {
          closed++;
        }
      },
    };
    const overlay = new StateOverlay(parent);
    for (let round = 0; round < 200; round++) {
      for (const _ of overlay.iterate(utf8('k/'))) break;
    }
    assert.equal(open, 200);
    assert.equal(closed, 200, 'every parent iteration was closed');
    // Consumed to the end, too.
    assert.equal(text(overlay.iterate(utf8('k/'))).length, 10);
    assert.equal(closed, 201);
  });
});
