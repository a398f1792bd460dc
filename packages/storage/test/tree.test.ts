import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sha256, sha256Concat, ZERO_HASH } from '@hanglian/core';
import fc from 'fast-check';
import {
  pathBit,
  SparseMerkleTree,
  type StateChange,
  type TreeNodeReader,
  type TreeRef,
} from '../src/index.js';
import { hex, verifyStateProof } from './helpers.js';

/** Node records in memory, as the state store keeps them in LMDB. */
class MemoryNodes implements TreeNodeReader {
  readonly records = new Map<string, Uint8Array>();
  getNode(hash: Uint8Array): Uint8Array | undefined {
    return this.records.get(hex(hash));
  }
}

/**
 * A tree whose roots the tests name by hash alone: the helper remembers which version wrote each root it
 * made (versions count from 1; an unknown hash is looked up at version 0, where nothing is stored).
 */
function newTree() {
  const nodes = new MemoryNodes();
  const inner = new SparseMerkleTree(nodes);
  const refs = new Map<string, TreeRef>([[hex(ZERO_HASH), { hash: ZERO_HASH, version: 0 }]]);
  const refOf = (root: Uint8Array): TreeRef => refs.get(hex(root)) ?? { hash: root, version: 0 };
  let version = 0;
  const tree = {
    update: (root: Uint8Array, changes: StateChange[]) => inner.update(refOf(root), changes, ++version),
    get: (root: Uint8Array, key: Uint8Array) => inner.get(refOf(root), key),
    prove: (root: Uint8Array, key: Uint8Array) => inner.prove(refOf(root), key),
    entries: (root: Uint8Array) => inner.entries(refOf(root)),
    nodeKeys: (root: Uint8Array) => inner.nodeKeys(refOf(root)),
  };
  const helper = {
    tree,
    nodes,
    /** The update of the last `apply`. */
    last: undefined as ReturnType<typeof tree.update> | undefined,
    apply(root: Uint8Array, changes: StateChange[]): Uint8Array {
      const update = tree.update(root, changes);
      helper.last = update;
      for (const { key, record } of update.nodesToWrite) nodes.records.set(hex(key), record);
      refs.set(hex(update.root), update.rootRef);
      return update.root;
    },
  };
  return helper;
}

/**
 * The canonical root written straight from the specification, independently of the tree's code: no leaf
 * → ZERO_HASH, one leaf → its leaf hash, two or more → an internal node over the split by the next bit.
 */
function referenceRoot(entries: Map<string, string>): Uint8Array {
  const leaves = [...entries].map(([key, value]) => ({
    path: sha256(Buffer.from(key, 'hex')),
    hash: sha256Concat(Uint8Array.of(0), sha256(Buffer.from(key, 'hex')), sha256(Buffer.from(value, 'hex'))),
  }));
  const build = (group: typeof leaves, depth: number): Uint8Array => {
    if (group.length === 0) return ZERO_HASH;
    if (group.length === 1) return group[0]!.hash;
    const left = group.filter((leaf) => pathBit(leaf.path, depth) === 0);
    const right = group.filter((leaf) => pathBit(leaf.path, depth) === 1);
    return sha256Concat(Uint8Array.of(1), build(left, depth + 1), build(right, depth + 1));
  };
  return build(leaves, 0);
}

const keyArbitrary = fc.uint8Array({ minLength: 1, maxLength: 6 });
const valueArbitrary = fc.uint8Array({ minLength: 0, maxLength: 8 });
/** Batches of changes over a small key space, so keys get overwritten and deleted again. */
const historyArbitrary = fc.array(
  fc.array(
    fc.record({
      key: fc.integer({ min: 0, max: 40 }).map((n) => Uint8Array.of(n % 7, n)),
      value: fc.option(valueArbitrary, { nil: null }),
    }),
    { maxLength: 12 },
  ),
  { maxLength: 10 },
);

test('tree: the root of the empty tree is ZERO_HASH and a single leaf is the root', () => {
  const { tree, apply } = newTree();
  assert.deepEqual(tree.update(ZERO_HASH, []).root, ZERO_HASH);
  const root = apply(ZERO_HASH, [{ key: Uint8Array.of(1), value: Uint8Array.of(2) }]);
  assert.deepEqual(root, sha256Concat(Uint8Array.of(0), sha256(Uint8Array.of(1)), sha256(Uint8Array.of(2))));
  assert.deepEqual(apply(root, [{ key: Uint8Array.of(1), value: null }]), ZERO_HASH);
});

test('tree: after any history of batches, the root is the canonical root of the final key/value set', () => {
  fc.assert(
    fc.property(historyArbitrary, (history) => {
      const { tree, apply } = newTree();
      const expected = new Map<string, string>();
      let root = ZERO_HASH;
      for (const batch of history) {
        root = apply(root, batch);
        for (const { key, value } of batch) {
          if (value === null) expected.delete(hex(key));
          else expected.set(hex(key), hex(value));
        }
        assert.deepEqual(root, referenceRoot(expected));
      }
      for (const [key, value] of expected) assert.equal(hex(tree.get(root, Buffer.from(key, 'hex'))!), value);
      assert.equal([...tree.entries(root)].length, expected.size);
    }),
    { numRuns: 300 },
  );
});

test('tree: the root does not depend on insertion order or on deleted keys', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(keyArbitrary, valueArbitrary), {
        selector: ([key]) => hex(key),
        maxLength: 40,
      }),
      fc.uniqueArray(fc.tuple(keyArbitrary, valueArbitrary), {
        selector: ([key]) => hex(key),
        maxLength: 20,
      }),
      fc.integer(),
      (kept, removedCandidates, seed) => {
        const keptKeys = new Set(kept.map(([key]) => hex(key)));
        const removed = removedCandidates.filter(([key]) => !keptKeys.has(hex(key)));
        const { apply } = newTree();
        const inOneBatch = apply(
          ZERO_HASH,
          kept.map(([key, value]) => ({ key, value })),
        );
        // The same keys one per batch in a shuffled order, mixed with keys that are later deleted.
        const shuffled = [...kept, ...removed]
          .map((entry, i) => ({ entry, order: (Math.imul(i + 1, 2654435761) ^ seed) >>> 0 }))
          .sort((a, b) => a.order - b.order);
        let root = ZERO_HASH;
        for (const { entry } of shuffled) root = apply(root, [{ key: entry[0], value: entry[1] }]);
        root = apply(
          root,
          removed.map(([key]) => ({ key, value: null })),
        );
        assert.deepEqual(root, inOneBatch);
      },
    ),
    { numRuns: 200 },
  );
});

test('tree: proofs verify for present and absent keys, and fail for wrong values or tampering', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(keyArbitrary, valueArbitrary), {
        selector: ([key]) => hex(key),
        maxLength: 60,
      }),
      fc.array(keyArbitrary, { maxLength: 10 }),
      fc.nat(),
      (entries, probes, tamperSeed) => {
        const { tree, apply } = newTree();
        const root = apply(
          ZERO_HASH,
          entries.map(([key, value]) => ({ key, value })),
        );
        const values = new Map(entries.map(([key, value]) => [hex(key), value]));
        for (const key of [...entries.map(([key]) => key), ...probes]) {
          const value = values.get(hex(key)) ?? null;
          const proof = tree.prove(root, key);
          assert.equal(verifyStateProof(root, key, value, proof), true, 'a true statement verifies');

          const wrongValue = value === null ? Uint8Array.of(9) : Uint8Array.of(...value, 1);
          assert.equal(verifyStateProof(root, key, wrongValue, proof), false, 'a wrong value fails');
          if (value !== null)
            assert.equal(verifyStateProof(root, key, null, proof), false, 'absence of a present key fails');
          assert.equal(verifyStateProof(sha256(root), key, value, proof), false, 'another root fails');

          if (proof.siblings.length > 0) {
            const at = tamperSeed % proof.siblings.length;
            const siblings = proof.siblings.map((s) => s.slice());
            siblings[at]![tamperSeed % 32]! ^= 1 << (tamperSeed % 8);
            assert.equal(
              verifyStateProof(root, key, value, { ...proof, siblings }),
              false,
              'a flipped sibling bit fails',
            );
            assert.equal(
              verifyStateProof(root, key, value, { ...proof, siblings: proof.siblings.slice(1) }),
              false,
              'a shortened path fails',
            );
          }
          if (proof.leaf !== null) {
            const keyHash = proof.leaf.keyHash.slice();
            keyHash[31]! ^= 1;
            assert.equal(
              verifyStateProof(root, key, value, { ...proof, leaf: { ...proof.leaf, keyHash } }),
              false,
            );
          }
        }
      },
    ),
    { numRuns: 150 },
  );
});

test('tree: an absence proof by another key’s leaf is checked against that leaf’s path', () => {
  const { tree, apply } = newTree();
  const root = apply(ZERO_HASH, [{ key: Uint8Array.of(1), value: Uint8Array.of(1) }]);
  // With one key, the root is its leaf, so any other key's absence is shown by that leaf at depth 0.
  const proof = tree.prove(root, Uint8Array.of(2));
  assert.deepEqual(proof.siblings, []);
  assert.deepEqual(proof.leaf?.keyHash, sha256(Uint8Array.of(1)));
  assert.equal(verifyStateProof(root, Uint8Array.of(2), null, proof), true);
  assert.equal(verifyStateProof(root, Uint8Array.of(1), null, proof), false, 'the leaf is the key itself');
  assert.equal(verifyStateProof(root, Uint8Array.of(2), null, { siblings: [], leaf: null }), false);
});

test('tree: every past root stays readable after later updates', () => {
  const { tree, apply } = newTree();
  const roots: Uint8Array[] = [];
  let root = ZERO_HASH;
  for (let version = 0; version < 30; version++) {
    root = apply(root, [
      { key: Uint8Array.of(version % 5), value: Uint8Array.of(version) },
      { key: Uint8Array.of(100 + version), value: Uint8Array.of(version) },
      ...(version > 3 ? [{ key: Uint8Array.of(100 + version - 3), value: null }] : []),
    ]);
    roots.push(root);
  }
  roots.forEach((past, version) => {
    assert.deepEqual(tree.get(past, Uint8Array.of(version % 5)), Uint8Array.of(version));
    assert.deepEqual(tree.get(past, Uint8Array.of(100 + version)), Uint8Array.of(version));
    if (version > 3) assert.equal(tree.get(past, Uint8Array.of(100 + version - 3)), undefined);
  });
});

test('tree: a changed node record is reported as corruption, an unknown root as a missing node', () => {
  const { tree, nodes, apply } = newTree();
  const root = apply(
    ZERO_HASH,
    Array.from({ length: 20 }, (_, i) => ({ key: Uint8Array.of(i), value: Uint8Array.of(i) })),
  );
  assert.throws(() => tree.get(sha256(root), Uint8Array.of(1)), { code: 'STORAGE_NODE_MISSING' });
  const [someHash, record] = [...nodes.records].find(([, r]) => r[0] === 0)!;
  const damaged = record.slice();
  damaged[damaged.length - 1]! ^= 0x80;
  nodes.records.set(someHash, damaged);
  // A tree that reads the stored records afresh (the writer's cache holds the nodes it checked or made).
  const rootRef = { hash: root, version: 1 };
  const reader = new SparseMerkleTree(nodes, { cacheSize: 0 });
  assert.throws(
    () => {
      for (let i = 0; i < 20; i++) reader.get(rootRef, Uint8Array.of(i));
    },
    { code: 'STORAGE_CORRUPT' },
  );
});

test('tree: the last change of a key in one batch wins', () => {
  const { tree, apply } = newTree();
  const root = apply(ZERO_HASH, [
    { key: Uint8Array.of(1), value: Uint8Array.of(1) },
    { key: Uint8Array.of(1), value: null },
    { key: Uint8Array.of(2), value: null },
    { key: Uint8Array.of(2), value: Uint8Array.of(2) },
  ]);
  assert.equal(tree.get(root, Uint8Array.of(1)), undefined);
  assert.deepEqual(tree.get(root, Uint8Array.of(2)), Uint8Array.of(2));
  assert.deepEqual(root, referenceRoot(new Map([['02', '02']])));
});

test('tree: an update writes only new nodes, and the old nodes it reports stale are exactly those the new root no longer reaches', () => {
  fc.assert(
    fc.property(historyArbitrary, (history) => {
      const helper = newTree();
      const { tree } = helper;
      let root = ZERO_HASH;
      let live = new Set<string>();
      for (const batch of history) {
        const next = helper.apply(root, batch);
        const update = helper.last!;
        for (const write of update.nodesToWrite)
          assert.ok(!live.has(hex(write.key)), 'a new node overwrites a live one');
        const stale = new Set(update.staleNodeKeys.map(hex));
        for (const key of stale) assert.ok(live.has(key), 'a stale node was live before');
        live = new Set([...live].filter((key) => !stale.has(key)));
        for (const write of update.nodesToWrite) live.add(hex(write.key));
        assert.deepEqual(new Set([...tree.nodeKeys(next)].map(hex)), live);
        root = next;
      }
    }),
    { numRuns: 300 },
  );
});

test('tree: the pinned upper levels answer only the node a reference names, read fewer records, and warm up from storage', () => {
  const { nodes, apply } = newTree();
  const refs: TreeRef[] = [];
  let root = ZERO_HASH;
  const keyOf = (i: number) => Uint8Array.of(i >> 8, i & 0xff, 7);
  for (let version = 1; version <= 12; version++) {
    root = apply(
      root,
      Array.from({ length: 150 }, (_, i) => ({
        key: keyOf((version * 97 + i * 13) % 1_500),
        value: Uint8Array.of(version, i & 0xff),
      })),
    );
    refs.push({ hash: root, version });
  }
  // An update computed and never written (a proposal that lost its round) leaves its nodes in the slots.
  const countingReader = () => {
    const reader = {
      reads: 0,
      getNode: (key: Uint8Array) => {
        reader.reads++;
        return nodes.getNode(key);
      },
    };
    return reader;
  };
  const storage = countingReader();
  const pinned = new SparseMerkleTree(storage, { cacheSize: 0, pinnedDepth: 8 });
  const abandoned = pinned.update(refs.at(-1)!, [{ key: keyOf(3), value: Uint8Array.of(0xee) }], 13);
  assert.equal(abandoned.nodesToWrite.length > 0, true);
  // Every past root reads the same through the pinned tree as through one that reads every record afresh.
  const plain = new SparseMerkleTree(nodes, { cacheSize: 0 });
  for (const ref of refs) {
    for (let i = 0; i < 1_500; i += 37) {
      assert.deepEqual(pinned.get(ref, keyOf(i)), plain.get(ref, keyOf(i)));
      assert.deepEqual(pinned.prove(ref, keyOf(i)), plain.prove(ref, keyOf(i)));
    }
  }
  // Warmed, the newest root's upper levels come from memory: reading a key reads only what lies below them.
  const warmStorage = countingReader();
  const warm = new SparseMerkleTree(warmStorage, { cacheSize: 0, pinnedDepth: 8 });
  const steps = [...warm.warmUpperLevels(refs.at(-1)!, 64)];
  assert.ok(steps.length > 0 && warm.pinnedBytes() > 0);
  const readsToWarm = warmStorage.reads;
  const cold = countingReader();
  const unpinned = new SparseMerkleTree(cold, { cacheSize: 0, pinnedDepth: -1 });
  for (let i = 0; i < 1_500; i += 7) {
    assert.deepEqual(warm.get(refs.at(-1)!, keyOf(i)), unpinned.get(refs.at(-1)!, keyOf(i)));
  }
  const warmReads = warmStorage.reads - readsToWarm;
  assert.ok(warmReads * 3 < cold.reads, `reads with the levels pinned ${warmReads}, without ${cold.reads}`);
  // The depth is checked: a slot array per level, 2^depth slots, so past 24 it would not fit in memory.
  assert.throws(() => new SparseMerkleTree(nodes, { pinnedDepth: 30 }), /pinned depth/);
});

test('tree: without stale tracking (an archival store) an update writes the same nodes and lists none left behind', () => {
  const { nodes, apply } = newTree();
  let root = ZERO_HASH;
  for (let v = 1; v <= 3; v++)
    root = apply(
      root,
      Array.from({ length: 50 }, (_, i) => ({ key: Uint8Array.of(i, v), value: Uint8Array.of(v) })),
    );
  const base = { hash: root, version: 3 };
  const changes = Array.from({ length: 40 }, (_, i) => ({
    key: Uint8Array.of(i, 2),
    value: Uint8Array.of(9),
  }));
  const tracked = new SparseMerkleTree(nodes).update(base, changes, 4);
  const untracked = new SparseMerkleTree(nodes).update(base, changes, 4, { trackStale: false });
  assert.ok(tracked.staleNodeKeys.length > 0);
  assert.deepEqual(untracked.staleNodeKeys, []);
  assert.deepEqual(untracked.root, tracked.root);
  assert.deepEqual(untracked.nodesToWrite, tracked.nodesToWrite);
});
