// The authenticated state structure: a compressed binary sparse Merkle tree (the shape of Diem's Jellyfish
// tree with radix 2, or Lisk's SMT) over 256-bit paths sha256(key).
//
// Shape rules, which make the root a function of the key/value set alone, never of the history:
// - a leaf sits at the shallowest depth where no other key shares its path prefix;
// - an internal node exists only above two or more leaves; a chain of internal nodes with one empty child
//   is kept where two keys share a long prefix (no path compression), so every proof step is one bit;
// - after deletes, an internal node left with a single leaf below it is replaced by that leaf, recursively.
//
// Hashes (the same rules as core's merkle/stateProof.ts, which verifies the proofs made here):
//   leaf = sha256(0x00 ‖ sha256(key) ‖ sha256(value)); internal = sha256(0x01 ‖ left ‖ right);
//   empty subtree = ZERO_HASH; root of the empty tree = ZERO_HASH.
//
// Storage layout (format 2; README.md, "State tree: storage"): a node is stored under its POSITION and the
// version that wrote it — `u64 version ‖ u16 depth ‖ path prefix` — not under its hash. The nodes one
// version writes therefore sit side by side at the end of the key space, so a commit appends to a few LMDB
// pages instead of dirtying a random page per node (content-addressed keys cost most of a commit in
// lmdb-js's write and page flush), and a node that a later version replaces can be listed as stale at that
// version, which is what pruning needs. An internal record names each child by hash and version; every read
// still checks that the record hashes to what its parent says.

import { HASH_LENGTH, sha256, ZERO_HASH } from '@hanglian/core';
import { bytesEqual, compareBytes, hexOf, readU64, writeU64 } from '../bytes.js';
import { StorageError, StorageErrorCode } from '../errors.js';
import { DEFAULT_PINNED_DEPTH, UpperLevels } from './upperLevels.js';

/** Deepest a leaf can sit: one level per bit of the 256-bit path. */
export const TREE_DEPTH = 256;

/** Where a subtree is stored: its hash, and the version that wrote its top node. */
export interface TreeRef {
  readonly hash: Uint8Array;
  readonly version: number;
}

/** The empty tree (the version is irrelevant: nothing is stored for it). */
export const EMPTY_TREE: TreeRef = { hash: ZERO_HASH, version: 0 };

/** Where the tree reads node records from, by node key (`nodeKeyOf`). */
export interface TreeNodeReader {
  getNode(nodeKey: Uint8Array): Uint8Array | undefined;
}

/** One change of a batch: a new value, or `null` to delete the key. */
export interface StateChange {
  key: Uint8Array;
  value: Uint8Array | null;
}

/** A node record to store under its node key. */
export interface TreeNodeWrite {
  key: Uint8Array;
  record: Uint8Array;
}

export interface TreeUpdate {
  /** The new root hash. */
  root: Uint8Array;
  /** The new root with the version of its top node, for the next update and for reads. */
  rootRef: TreeRef;
  /** The version the update was computed for (it is part of every new node's key). */
  version: number;
  /** Records of every node the update created; all of them are reachable from the new root. */
  nodesToWrite: TreeNodeWrite[];
  /** Keys of stored nodes reachable from the old root and not from the new one (pruning's input). */
  staleNodeKeys: Uint8Array[];
}

/** Proof of a key's value or absence; structurally the same as `StateProof` in @hanglian/core. */
export interface StateProof {
  siblings: Uint8Array[];
  leaf: { keyHash: Uint8Array; valueHash: Uint8Array } | null;
}

type Subtree = EmptySubtree | LeafNode | InternalNode | UnreadSubtree;

interface EmptySubtree {
  kind: 'empty';
  hash: Uint8Array;
}

/** Where a loaded node is stored; undefined for a node this update made and has not written yet. */
interface Stored {
  version: number;
  depth: number;
}

interface LeafNode {
  kind: 'leaf';
  hash: Uint8Array;
  keyHash: Uint8Array;
  valueHash: Uint8Array;
  key: Uint8Array;
  value: Uint8Array;
  readonly stored: Stored | undefined;
}

interface InternalNode {
  kind: 'internal';
  hash: Uint8Array;
  left: TreeRef;
  right: TreeRef;
  version: number;
}

/** An unchanged child that was not read: only its reference is known. */
interface UnreadSubtree {
  kind: 'unread';
  hash: Uint8Array;
  ref: TreeRef;
  depth: number;
  /** A path through the parent's position; the child's last bit (at depth - 1) is `lastBit`. */
  path: Uint8Array;
  lastBit: 0 | 1;
}

/** A change with its path computed, as the recursive update consumes it. */
interface PathChange {
  keyHash: Uint8Array;
  key: Uint8Array;
  value: Uint8Array | null;
}

interface UpdateContext {
  version: number;
  writes: TreeNodeWrite[];
  /** Keys of stored nodes left behind; undefined when the caller does not want them (no pruning). */
  stale: Uint8Array[] | undefined;
  /** Caches a node this update made: the next update reads the upper ones again at once. */
  remember(node: LeafNode | InternalNode): void;
}

const EMPTY: EmptySubtree = { kind: 'empty', hash: ZERO_HASH };
const LEAF_TAG = 0x00;
const INTERNAL_TAG = 0x01;
/** 0x01 ‖ left hash ‖ left version (u64) ‖ right hash ‖ right version (u64). */
const INTERNAL_RECORD_LENGTH = 1 + 2 * (HASH_LENGTH + 8);

/** Decoded nodes kept by default (about 300 B each): the top ~15 levels of a tree of millions of keys. */
export const DEFAULT_NODE_CACHE_SIZE = 100_000;

export class SparseMerkleTree {
  readonly #nodes: TreeNodeReader;
  // Decoded, checked nodes by hash. A hit saves the read, the decoding and the hashes that check it; an
  // entry is used only if it was stored by the version (and, for a leaf, at the depth) the reader asks for.
  // Entries are never changed after decoding, so a cached node is as good as a fresh read. Two generations:
  // when the young one is full it becomes the old one and the old one is dropped; a hit in the old one
  // moves the node back to the young one, so nodes read by every update (the upper levels) stay. (Evicting
  // a Map's first key one by one costs time proportional to the deleted slots V8 keeps before it.)
  // Keyed by the first 30 bits of the hash (a small integer: no string to build or hash per lookup); a hit
  // is used only if the whole hash matches, so two nodes sharing those bits just take turns.
  #young = new Map<number, LeafNode | InternalNode>();
  #old = new Map<number, LeafNode | InternalNode>();
  readonly #cacheSize: number;
  // Internal nodes of the upper levels by position (see upperLevels.ts): they are not put in the cache.
  readonly #upper: UpperLevels;
  #recordsRead = 0;

  constructor(nodes: TreeNodeReader, options: { cacheSize?: number; pinnedDepth?: number } = {}) {
    this.#nodes = nodes;
    this.#cacheSize = options.cacheSize ?? DEFAULT_NODE_CACHE_SIZE;
    this.#upper = new UpperLevels(options.pinnedDepth ?? (this.#cacheSize > 0 ? DEFAULT_PINNED_DEPTH : -1));
  }

  /**
   * Reads every internal node of the pinned upper levels under `root` into memory, level by level,
   * yielding the count so far after each `chunk` nodes (a node spreads the work over its event loop) and
   * returning the total. Without it the nodes arrive one by one as blocks happen to pass by them, which
   * at millions of keys takes days of blocks.
   */
  *warmUpperLevels(root: TreeRef, chunk = 4_096): Generator<number, number> {
    // Depth first, one reused path buffer per depth: memory stays O(depth) whatever the tree's size (a
    // breadth-first walk held a whole level, 262,144 positions at depth 18, and left the process 400 MB
    // bigger at 300,000 keys).
    const maxDepth = this.#upper.maxDepth;
    const paths = Array.from({ length: maxDepth + 2 }, () => new Uint8Array(HASH_LENGTH));
    const stack: Array<{ ref: TreeRef; depth: number; bit: 0 | 1 }> = [{ ref: root, depth: 0, bit: 0 }];
    let read = 0;
    while (stack.length > 0) {
      const { ref, depth, bit } = stack.pop()!;
      // The parent's buffer still holds the parent's path: everything popped since it was pushed lies
      // deeper (its left sibling's subtree), and only writes deeper buffers.
      if (depth > 0) setChildPath(paths[depth]!, paths[depth - 1]!, depth - 1, bit);
      let node: Subtree;
      try {
        node = this.#load(ref, depth, paths[depth]!);
      } catch (error) {
        // Pruning removed this root's nodes between two steps: newer blocks will pin their own.
        if ((error as StorageError).code === StorageErrorCode.NodeMissing) return read;
        throw error;
      }
      if (node.kind !== 'internal') continue;
      if (++read % chunk === 0) yield read;
      if (depth < maxDepth)
        stack.push(
          { ref: node.right, depth: depth + 1, bit: 1 },
          { ref: node.left, depth: depth + 1, bit: 0 },
        );
    }
    return read;
  }

  /** Node records read from storage so far (cache and pinned-level hits read none): for the benchmarks. */
  get recordsRead(): number {
    return this.#recordsRead;
  }

  /** Bytes held by the pinned upper levels (for the benchmarks' memory figures). */
  pinnedBytes(): number {
    return this.#upper.bytes();
  }

  /**
   * Applies `changes` to the tree under `base` as version `version` and returns the new root with the
   * nodes to store and the stored nodes it leaves behind. When a key appears more than once, its last
   * change wins. Deleting an absent key changes nothing.
   */
  update(
    base: TreeRef,
    changes: readonly StateChange[],
    version: number,
    // An archival store never prunes: listing what each update leaves behind would cost a key per replaced
    // node (about one per level per changed key) for nothing. `staleNodeKeys` is then empty.
    options: { trackStale?: boolean } = {},
  ): TreeUpdate {
    const byPath = new Map<string, PathChange>();
    for (const { key, value } of changes) {
      const keyHash = sha256(key);
      byPath.set(hexOf(keyHash), { keyHash, key, value });
    }
    const sorted = [...byPath.values()].sort((a, b) => compareBytes(a.keyHash, b.keyHash));
    const context: UpdateContext = {
      version,
      writes: [],
      stale: options.trackStale === false ? undefined : [],
      // A node of an update that is never committed is harmless in the cache: it is found only by a
      // reference with its hash and version, which no committed root holds unless it is the same node.
      remember: (node) => {
        if (this.#cacheSize > 0) this.#remember(cacheKeyOf(node.hash), node);
      },
    };
    if (sorted.length === 0) {
      return { root: base.hash, rootRef: base, version, nodesToWrite: [], staleNodeKeys: [] };
    }
    const top = this.#load(base, 0, sorted[0]!.keyHash);
    const result = this.#updateSubtree(top, 0, sorted, 0, sorted.length, context);
    const rootRef = place(result, 0, sorted[0]!.keyHash, undefined, context);
    return {
      root: rootRef.hash,
      rootRef,
      version,
      nodesToWrite: context.writes,
      staleNodeKeys: context.stale ?? [],
    };
  }

  /** The value of `key` under `root`, or undefined when the key is absent. */
  get(root: TreeRef, key: Uint8Array): Uint8Array | undefined {
    const keyHash = sha256(key);
    let ref = root;
    for (let depth = 0; ; depth++) {
      const node = this.#load(ref, depth, keyHash);
      if (node.kind === 'empty') return undefined;
      // Copies: cached nodes are shared, and what a caller gets is its own.
      if (node.kind === 'leaf') return bytesEqual(node.keyHash, keyHash) ? node.value.slice() : undefined;
      if (depth >= TREE_DEPTH) throw corrupt(`internal node below depth ${TREE_DEPTH}`);
      ref = pathBit(keyHash, depth) === 0 ? node.left : node.right;
    }
  }

  /** A proof of `key`'s value under `root`, or of its absence. */
  prove(root: TreeRef, key: Uint8Array): StateProof {
    return this.provePath(root, sha256(key));
  }

  /**
   * The proof along any 256-bit path (not only a key's): its siblings down to where it ends, at a leaf or
   * an empty subtree. A range proof's start is such a path (core's `verifyStateRange`).
   */
  provePath(root: TreeRef, keyHash: Uint8Array): StateProof {
    const siblings: Uint8Array[] = [];
    let ref = root;
    for (let depth = 0; ; depth++) {
      const node = this.#load(ref, depth, keyHash);
      if (node.kind === 'empty') return { siblings, leaf: null };
      if (node.kind === 'leaf')
        return { siblings, leaf: { keyHash: node.keyHash.slice(), valueHash: node.valueHash.slice() } };
      if (depth >= TREE_DEPTH) throw corrupt(`internal node below depth ${TREE_DEPTH}`);
      const goesRight = pathBit(keyHash, depth) === 1;
      siblings.push((goesRight ? node.left.hash : node.right.hash).slice());
      ref = goesRight ? node.right : node.left;
    }
  }

  /** Every key/value under `root`, in path order. For checks and tests; it walks the whole tree. */
  *entries(root: TreeRef): Generator<{ key: Uint8Array; value: Uint8Array }> {
    let after: Uint8Array | null = null;
    for (;;) {
      const chunk = this.entriesAfter(root, after, 1024);
      for (const { key, value } of chunk) yield { key, value };
      if (chunk.length < 1024) return;
      after = chunk[chunk.length - 1]!.keyHash;
    }
  }

  /** The keys of every stored node `root` reaches. For checks and tests (pruning); it walks the whole tree. */
  *nodeKeys(root: TreeRef): Generator<Uint8Array> {
    const stack: Array<{ ref: TreeRef; depth: number; path: Uint8Array }> = [
      { ref: root, depth: 0, path: new Uint8Array(HASH_LENGTH) },
    ];
    while (stack.length > 0) {
      const { ref, depth, path } = stack.pop()!;
      const node = this.#load(ref, depth, path);
      if (node.kind === 'empty') continue;
      yield nodeKeyOf(ref.version, depth, path);
      if (node.kind === 'internal') {
        stack.push(
          { ref: node.left, depth: depth + 1, path: withBit(path, depth, 0) },
          { ref: node.right, depth: depth + 1, path: withBit(path, depth, 1) },
        );
      }
    }
  }

  /**
   * Up to `limit` key/values under `root` whose path (sha256 of the key) comes after `after` (or from the
   * start when null), in path order. Subtrees wholly before `after` are skipped without being read, so a
   * snapshot can be served chunk by chunk in time proportional to what is sent.
   */
  entriesAfter(
    root: TreeRef,
    after: Uint8Array | null,
    limit: number,
  ): Array<{ keyHash: Uint8Array; key: Uint8Array; value: Uint8Array }> {
    const out: Array<{ keyHash: Uint8Array; key: Uint8Array; value: Uint8Array }> = [];
    // `bounded`: this subtree's path prefix equals `after`'s so far, so its paths may fall on either side.
    // `path`: a path through this subtree's position (bits past `depth` are irrelevant).
    const stack: Array<{ ref: TreeRef; depth: number; path: Uint8Array; bounded: boolean }> = [
      { ref: root, depth: 0, path: new Uint8Array(HASH_LENGTH), bounded: after !== null },
    ];
    while (stack.length > 0 && out.length < limit) {
      const { ref, depth, path, bounded } = stack.pop()!;
      const node = this.#load(ref, depth, path);
      if (node.kind === 'leaf') {
        if (!bounded || compareBytes(node.keyHash, after!) > 0)
          out.push({ keyHash: node.keyHash.slice(), key: node.key.slice(), value: node.value.slice() });
      } else if (node.kind === 'internal') {
        const leftPath = withBit(path, depth, 0);
        const rightPath = withBit(path, depth, 1);
        if (!bounded) {
          stack.push(
            { ref: node.right, depth: depth + 1, path: rightPath, bounded: false },
            { ref: node.left, depth: depth + 1, path: leftPath, bounded: false },
          );
        } else if (pathBit(after!, depth) === 0) {
          // The left child continues `after`'s path; everything on the right comes after it.
          stack.push(
            { ref: node.right, depth: depth + 1, path: rightPath, bounded: false },
            { ref: node.left, depth: depth + 1, path: leftPath, bounded: true },
          );
        } else {
          // Everything on the left comes before `after`: skipped unread.
          stack.push({ ref: node.right, depth: depth + 1, path: rightPath, bounded: true });
        }
      }
    }
    return out;
  }

  // `changes[from..to)` are sorted by path and share the first `depth` bits with `node`'s position. Ranges,
  // not copies, are passed down: the batch is split once per level. What is returned is not yet placed:
  // a leaf is written only where it finally sits (`place`), since it may still rise.
  #updateSubtree(
    node: Subtree,
    depth: number,
    changes: PathChange[],
    from: number,
    to: number,
    context: UpdateContext,
  ): Subtree {
    if (from === to) return node;
    if (node.kind === 'unread') node = this.#read(node);
    if (node.kind === 'internal') {
      if (depth >= TREE_DEPTH) throw corrupt(`internal node below depth ${TREE_DEPTH}`);
      const path = changes[from]!.keyHash;
      const split = firstWithBitSet(changes, from, to, depth);
      const left = this.#child(node.left, depth + 1, path, 0, changes, from, split, context);
      const right = this.#child(node.right, depth + 1, path, 1, changes, split, to, context);
      if (bytesEqual(left.hash, node.left.hash) && bytesEqual(right.hash, node.right.hash)) return node;
      context.stale?.push(nodeKeyOf(node.version, depth, path));
      return this.#join(left, right, depth, path, context);
    }
    // Below an empty subtree or a single leaf, the new subtree is rebuilt from the keys that remain.
    const remaining: (LeafNode | PathChange)[] = [];
    let existingLeafOverridden = node.kind !== 'leaf';
    for (let i = from; i < to; i++) {
      const change = changes[i]!;
      if (node.kind === 'leaf' && bytesEqual(change.keyHash, node.keyHash)) existingLeafOverridden = true;
      if (change.value !== null) remaining.push(change);
    }
    if (node.kind === 'leaf' && !existingLeafOverridden) {
      remaining.push(node);
      remaining.sort((a, b) => compareBytes(a.keyHash, b.keyHash));
    }
    // The same value written again gives the same leaf: the stored one stays, nothing is written.
    const single = remaining.length === 1 ? asLeaf(remaining[0]!) : undefined;
    if (node.kind === 'leaf' && single !== undefined && bytesEqual(single.hash, node.hash)) return node;
    if (node.kind === 'leaf' && existingLeafOverridden && node.stored !== undefined)
      context.stale?.push(nodeKeyOf(node.stored.version, node.stored.depth, node.keyHash));
    return single ?? this.#build(depth, remaining, 0, remaining.length, context);
  }

  #child(
    ref: TreeRef,
    depth: number,
    parentPath: Uint8Array,
    bit: 0 | 1,
    changes: PathChange[],
    from: number,
    to: number,
    context: UpdateContext,
  ): Subtree {
    if (bytesEqual(ref.hash, ZERO_HASH)) return this.#updateSubtree(EMPTY, depth, changes, from, to, context);
    if (from === to) {
      // Unchanged: read only if its parent collapses and it must rise (see `#join`).
      return { kind: 'unread', hash: ref.hash, ref, depth, path: parentPath, lastBit: bit };
    }
    return this.#updateSubtree(
      this.#load(ref, depth, changes[from]!.keyHash),
      depth,
      changes,
      from,
      to,
      context,
    );
  }

  #build(
    depth: number,
    leaves: (LeafNode | PathChange)[],
    from: number,
    to: number,
    context: UpdateContext,
  ): Subtree {
    if (from === to) return EMPTY;
    if (to - from === 1) return asLeaf(leaves[from]!);
    // Distinct paths differ before bit 256, so two leaves can never reach this depth.
    if (depth >= TREE_DEPTH) throw corrupt('two leaves share a full 256-bit path');
    const split = firstWithBitSet(leaves, from, to, depth);
    return this.#join(
      this.#build(depth + 1, leaves, from, split, context),
      this.#build(depth + 1, leaves, split, to, context),
      depth,
      leaves[from]!.keyHash,
      context,
    );
  }

  /** The canonical parent at `depth` of two subtrees: a lone leaf rises to take the parent's place. */
  #join(left: Subtree, right: Subtree, depth: number, path: Uint8Array, context: UpdateContext): Subtree {
    if (left.kind === 'empty' && right.kind === 'unread') right = this.#read(right);
    if (right.kind === 'empty' && left.kind === 'unread') left = this.#read(left);
    if (left.kind === 'empty' && right.kind !== 'internal') return right;
    if (right.kind === 'empty' && left.kind !== 'internal') return left;
    const leftRef = place(left, depth + 1, path, 0, context);
    const rightRef = place(right, depth + 1, path, 1, context);
    const hash = internalHash(left.hash, right.hash);
    context.writes.push({
      key: nodeKeyOf(context.version, depth, path),
      record: encodeInternalRecord(leftRef, rightRef),
    });
    const node: InternalNode = {
      kind: 'internal',
      hash,
      left: leftRef,
      right: rightRef,
      version: context.version,
    };
    if (depth <= this.#upper.maxDepth) this.#upper.set(depth, path, undefined, node);
    else context.remember(node);
    return node;
  }

  #read(unread: UnreadSubtree): EmptySubtree | LeafNode | InternalNode {
    return this.#load(unread.ref, unread.depth, unread.path, unread.lastBit);
  }

  /** The node `ref` names at position (`depth`, `path`), checked against the hash its parent holds. */
  #load(
    ref: TreeRef,
    depth: number,
    path: Uint8Array,
    lastBit?: 0 | 1,
  ): EmptySubtree | LeafNode | InternalNode {
    if (bytesEqual(ref.hash, ZERO_HASH)) return EMPTY;
    const pinned = this.#upper.get(depth, path, lastBit, ref.hash, ref.version);
    if (pinned !== undefined) return pinned;
    const cacheKey = this.#cacheSize > 0 ? cacheKeyOf(ref.hash) : 0;
    if (this.#cacheSize > 0) {
      let cached = this.#young.get(cacheKey);
      if (cached === undefined) {
        cached = this.#old.get(cacheKey);
        if (cached !== undefined && bytesEqual(cached.hash, ref.hash)) this.#remember(cacheKey, cached);
      }
      if (
        cached !== undefined &&
        bytesEqual(cached.hash, ref.hash) &&
        (cached.kind === 'internal' ? cached.version === ref.version : isStoredAt(cached, ref.version, depth))
      )
        return cached;
    }
    const nodeKey = nodeKeyOf(ref.version, depth, path, lastBit);
    this.#recordsRead++;
    const record = this.#nodes.getNode(nodeKey);
    if (record === undefined) {
      throw new StorageError(
        StorageErrorCode.NodeMissing,
        `tree node ${hexOf(ref.hash)} (version ${ref.version}, depth ${depth}) is not stored`,
      );
    }
    const node = decodeNode(record, ref.version, depth);
    // Every read checks the bytes it got against the hash the parent holds: a flipped bit is caught here.
    if (!bytesEqual(node.hash, ref.hash)) throw corrupt(`tree node ${hexOf(ref.hash)} does not hash to it`);
    if (node.kind === 'internal' && depth <= this.#upper.maxDepth)
      this.#upper.set(depth, path, lastBit, node);
    else if (this.#cacheSize > 0) this.#remember(cacheKey, node);
    return node;
  }

  #remember(cacheKey: number, node: LeafNode | InternalNode): void {
    if (this.#young.size >= this.#cacheSize / 2) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(cacheKey, node);
  }
}

/** The node cache's key: the hash's first 30 bits, a small integer. */
function cacheKeyOf(hash: Uint8Array): number {
  return (
    (((hash[0] as number) << 22) |
      ((hash[1] as number) << 14) |
      ((hash[2] as number) << 6) |
      ((hash[3] as number) >> 2)) >>>
    0
  );
}

function isStoredAt(leaf: LeafNode, version: number, depth: number): boolean {
  return leaf.stored !== undefined && leaf.stored.version === version && leaf.stored.depth === depth;
}

/**
 * Where a subtree of this update finally sits: a leaf made or moved by the update is written there (and its
 * old position becomes stale); internal nodes are written when they are made and never move.
 */
function place(
  node: Subtree,
  depth: number,
  path: Uint8Array,
  lastBit: 0 | 1 | undefined,
  context: UpdateContext,
): TreeRef {
  if (node.kind === 'empty') return EMPTY_TREE;
  if (node.kind === 'unread') return node.ref;
  if (node.kind === 'internal') return { hash: node.hash, version: node.version };
  if (node.stored !== undefined) {
    if (node.stored.depth === depth) return { hash: node.hash, version: node.stored.version };
    context.stale?.push(nodeKeyOf(node.stored.version, node.stored.depth, node.keyHash));
  }
  context.writes.push({
    key: nodeKeyOf(context.version, depth, path, lastBit),
    record: encodeLeafRecord(node.key, node.value),
  });
  context.remember({ ...node, stored: { version: context.version, depth } });
  return { hash: node.hash, version: context.version };
}

function asLeaf(leaf: LeafNode | PathChange): LeafNode {
  if ('kind' in leaf) return leaf;
  const value = leaf.value as Uint8Array;
  const valueHash = sha256(value);
  return {
    kind: 'leaf',
    hash: leafHash(leaf.keyHash, valueHash),
    keyHash: leaf.keyHash,
    valueHash,
    key: leaf.key,
    value,
    stored: undefined,
  };
}

/**
 * The key a node is stored under: `u64 version ‖ u16 depth ‖ the first ceil(depth / 8) bytes of its path`,
 * bits past `depth` cleared. Big-endian, so one version's nodes are contiguous and versions ascend.
 * `lastBit`, when given, replaces the path's bit at `depth - 1` (a child's position from its parent's path).
 */
export function nodeKeyOf(version: number, depth: number, path: Uint8Array, lastBit?: 0 | 1): Uint8Array {
  const prefixBytes = (depth + 7) >> 3;
  // A Buffer (every byte is written below), so lmdb-js takes it without wrapping it.
  const key = Buffer.allocUnsafe(10 + prefixBytes);
  writeU64(key, 0, version);
  key[8] = depth >> 8;
  key[9] = depth & 0xff;
  key.set(path.subarray(0, prefixBytes), 10);
  if ((depth & 7) !== 0) key[10 + prefixBytes - 1]! &= (0xff << (8 - (depth & 7))) & 0xff;
  if (lastBit !== undefined && depth > 0) {
    const index = depth - 1;
    const mask = 0x80 >> (index & 7);
    if (lastBit === 1) key[10 + (index >> 3)]! |= mask;
    else key[10 + (index >> 3)]! &= ~mask & 0xff;
  }
  return key;
}

/** The version that wrote the node stored under `nodeKey`. */
export function versionOfNodeKey(nodeKey: Uint8Array): number {
  return readU64(nodeKey, 0);
}

/** The record layout of a leaf: 0x00 ‖ u16be key length ‖ key ‖ value. */
export function encodeLeafRecord(key: Uint8Array, value: Uint8Array): Uint8Array {
  if (key.length > 0xffff) throw new StorageError(StorageErrorCode.InvalidArgument, 'state key too long');
  const record = Buffer.allocUnsafe(3 + key.length + value.length);
  record[0] = LEAF_TAG;
  record[1] = key.length >> 8;
  record[2] = key.length & 0xff;
  record.set(key, 3);
  record.set(value, 3 + key.length);
  return record;
}

/** The record layout of an internal node: 0x01 ‖ left hash ‖ left version ‖ right hash ‖ right version. */
export function encodeInternalRecord(left: TreeRef, right: TreeRef): Uint8Array {
  const record = Buffer.allocUnsafe(INTERNAL_RECORD_LENGTH);
  record[0] = INTERNAL_TAG;
  record.set(left.hash, 1);
  writeU64(record, 1 + HASH_LENGTH, left.version);
  record.set(right.hash, 9 + HASH_LENGTH);
  writeU64(record, 9 + 2 * HASH_LENGTH, right.version);
  return record;
}

// Node hashes have fixed-size inputs (65 bytes), so they are hashed from one reused scratch buffer with
// the one-shot sha256, about twice as fast as streaming the parts; the work is synchronous, so reuse is safe.
const hashInput = new Uint8Array(1 + 2 * HASH_LENGTH);

export function leafHash(keyHash: Uint8Array, valueHash: Uint8Array): Uint8Array {
  hashInput[0] = LEAF_TAG;
  hashInput.set(keyHash, 1);
  hashInput.set(valueHash, 1 + HASH_LENGTH);
  return sha256(hashInput);
}

export function internalHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  hashInput[0] = INTERNAL_TAG;
  hashInput.set(left, 1);
  hashInput.set(right, 1 + HASH_LENGTH);
  return sha256(hashInput);
}

/** Bit `index` of a path, most significant bit of byte 0 first; 0 goes left. */
export function pathBit(path: Uint8Array, index: number): 0 | 1 {
  return (((path[index >> 3] as number) >> (7 - (index & 7))) & 1) as 0 | 1;
}

/** Writes into `out` the first `index` bits of `path` followed by `bit` (the rest zero). */
function setChildPath(out: Uint8Array, path: Uint8Array, index: number, bit: 0 | 1): void {
  const whole = index >> 3;
  out.fill(0);
  out.set(path.subarray(0, whole), 0);
  const keep = (0xff << (8 - (index & 7))) & 0xff;
  out[whole] = ((path[whole] as number) & keep) | (bit === 1 ? 0x80 >> (index & 7) : 0);
}

/** A copy of the first `index` bits of `path` followed by `bit` (the rest zero). */
function withBit(path: Uint8Array, index: number, bit: 0 | 1): Uint8Array {
  const out = new Uint8Array(HASH_LENGTH);
  const whole = index >> 3;
  out.set(path.subarray(0, whole), 0);
  const keep = (0xff << (8 - (index & 7))) & 0xff;
  const mask = 0x80 >> (index & 7);
  out[whole] = ((path[whole] as number) & keep) | (bit === 1 ? mask : 0);
  return out;
}

function decodeNode(record: Uint8Array, version: number, depth: number): LeafNode | InternalNode {
  if (record[0] === INTERNAL_TAG && record.length === INTERNAL_RECORD_LENGTH) {
    const left = { hash: plainView(record, 1, HASH_LENGTH), version: readU64(record, 1 + HASH_LENGTH) };
    const right = {
      hash: plainView(record, 9 + HASH_LENGTH, HASH_LENGTH),
      version: readU64(record, 9 + 2 * HASH_LENGTH),
    };
    return { kind: 'internal', hash: internalHash(left.hash, right.hash), left, right, version };
  }
  if (record[0] === LEAF_TAG && record.length >= 3) {
    const keyLength = ((record[1] as number) << 8) | (record[2] as number);
    if (3 + keyLength <= record.length) {
      // Plain Uint8Array views, whatever the reader handed (records are written as Buffers).
      const key = plainView(record, 3, keyLength);
      const value = plainView(record, 3 + keyLength, record.length - 3 - keyLength);
      const keyHash = sha256(key);
      const valueHash = sha256(value);
      return {
        kind: 'leaf',
        hash: leafHash(keyHash, valueHash),
        keyHash,
        valueHash,
        key,
        value,
        stored: { version, depth },
      };
    }
  }
  throw corrupt('tree node record has an unknown layout');
}

/** A plain Uint8Array view of part of `bytes` (a Buffer's `slice` would not copy; this one's does). */
function plainView(bytes: Uint8Array, offset: number, length: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + offset, length);
}

/** Index in [from, to) of the first item whose path has bit `depth` set (or `to`); items are sorted by path. */
function firstWithBitSet(
  items: readonly { keyHash: Uint8Array }[],
  from: number,
  to: number,
  depth: number,
): number {
  let low = from;
  let high = to;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (pathBit(items[middle]!.keyHash, depth) === 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

function corrupt(message: string): StorageError {
  return new StorageError(StorageErrorCode.Corrupt, message);
}
