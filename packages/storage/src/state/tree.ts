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
// Nodes are stored content-addressed (key = node hash), so every root ever written stays readable. Nothing
// is ever deleted: pruning old versions is out of scope.

import { HASH_LENGTH, sha256, ZERO_HASH } from '@hanglian/core';
import { bytesEqual, compareBytes, hexOf } from '../bytes.js';
import { StorageError, StorageErrorCode } from '../errors.js';

/** Deepest a leaf can sit: one level per bit of the 256-bit path. */
export const TREE_DEPTH = 256;

/** Where the tree reads node records from, by node hash. */
export interface TreeNodeReader {
  getNode(hash: Uint8Array): Uint8Array | undefined;
}

/** One change of a batch: a new value, or `null` to delete the key. */
export interface StateChange {
  key: Uint8Array;
  value: Uint8Array | null;
}

/** A node record to store under its hash. */
export interface TreeNodeWrite {
  hash: Uint8Array;
  record: Uint8Array;
}

export interface TreeUpdate {
  root: Uint8Array;
  /** Records of every node the new root reaches that the update created. Storing them twice is harmless. */
  nodesToWrite: TreeNodeWrite[];
}

/** Proof of a key's value or absence; structurally the same as `StateProof` in @hanglian/core. */
export interface StateProof {
  siblings: Uint8Array[];
  leaf: { keyHash: Uint8Array; valueHash: Uint8Array } | null;
}

type Subtree = EmptySubtree | LeafNode | InternalNode;

interface EmptySubtree {
  kind: 'empty';
  hash: Uint8Array;
}

interface LeafNode {
  kind: 'leaf';
  hash: Uint8Array;
  keyHash: Uint8Array;
  valueHash: Uint8Array;
  key: Uint8Array;
  value: Uint8Array;
}

interface InternalNode {
  kind: 'internal';
  hash: Uint8Array;
  left: Uint8Array;
  right: Uint8Array;
}

/** A change with its path computed, as the recursive update consumes it. */
interface PathChange {
  keyHash: Uint8Array;
  key: Uint8Array;
  value: Uint8Array | null;
}

const EMPTY: EmptySubtree = { kind: 'empty', hash: ZERO_HASH };
const LEAF_TAG = 0x00;
const INTERNAL_TAG = 0x01;

export class SparseMerkleTree {
  readonly #nodes: TreeNodeReader;

  constructor(nodes: TreeNodeReader) {
    this.#nodes = nodes;
  }

  /**
   * Applies `changes` to the tree under `root` and returns the new root with the nodes to store.
   * When a key appears more than once, its last change wins. Deleting an absent key changes nothing.
   */
  update(root: Uint8Array, changes: readonly StateChange[]): TreeUpdate {
    const byPath = new Map<string, PathChange>();
    for (const { key, value } of changes) {
      const keyHash = sha256(key);
      byPath.set(hexOf(keyHash), { keyHash, key, value });
    }
    const sorted = [...byPath.values()].sort((a, b) => compareBytes(a.keyHash, b.keyHash));
    const nodesToWrite: TreeNodeWrite[] = [];
    const result = this.#updateSubtree(this.#load(root), 0, sorted, 0, sorted.length, nodesToWrite);
    return { root: result.hash, nodesToWrite };
  }

  /** The value of `key` under `root`, or undefined when the key is absent. */
  get(root: Uint8Array, key: Uint8Array): Uint8Array | undefined {
    const keyHash = sha256(key);
    let node = this.#load(root);
    for (let depth = 0; ; depth++) {
      if (node.kind === 'empty') return undefined;
      if (node.kind === 'leaf') return bytesEqual(node.keyHash, keyHash) ? node.value : undefined;
      if (depth >= TREE_DEPTH) throw corrupt(`internal node below depth ${TREE_DEPTH}`);
      node = this.#load(pathBit(keyHash, depth) === 0 ? node.left : node.right);
    }
  }

  /** A proof of `key`'s value under `root`, or of its absence. */
  prove(root: Uint8Array, key: Uint8Array): StateProof {
    const keyHash = sha256(key);
    const siblings: Uint8Array[] = [];
    let node = this.#load(root);
    for (let depth = 0; ; depth++) {
      if (node.kind === 'empty') return { siblings, leaf: null };
      if (node.kind === 'leaf')
        return { siblings, leaf: { keyHash: node.keyHash, valueHash: node.valueHash } };
      if (depth >= TREE_DEPTH) throw corrupt(`internal node below depth ${TREE_DEPTH}`);
      const goesRight = pathBit(keyHash, depth) === 1;
      siblings.push(goesRight ? node.left : node.right);
      node = this.#load(goesRight ? node.right : node.left);
    }
  }

  /** Every key/value under `root`, in path order. For checks and tests; it walks the whole tree. */
  *entries(root: Uint8Array): Generator<{ key: Uint8Array; value: Uint8Array }> {
    const stack: Uint8Array[] = [root];
    while (stack.length > 0) {
      const node = this.#load(stack.pop()!);
      if (node.kind === 'leaf') yield { key: node.key, value: node.value };
      else if (node.kind === 'internal') stack.push(node.right, node.left);
    }
  }

  /**
   * Up to `limit` key/values under `root` whose path (sha256 of the key) comes after `after` (or from the
   * start when null), in path order. Subtrees wholly before `after` are skipped without being read, so a
   * snapshot can be served chunk by chunk in time proportional to what is sent.
   */
  entriesAfter(
    root: Uint8Array,
    after: Uint8Array | null,
    limit: number,
  ): Array<{ keyHash: Uint8Array; key: Uint8Array; value: Uint8Array }> {
    const out: Array<{ keyHash: Uint8Array; key: Uint8Array; value: Uint8Array }> = [];
    // `bounded`: this subtree's path prefix equals `after`'s so far, so its paths may fall on either side.
    const stack: Array<{ hash: Uint8Array; depth: number; bounded: boolean }> = [
      { hash: root, depth: 0, bounded: after !== null },
    ];
    while (stack.length > 0 && out.length < limit) {
      const { hash, depth, bounded } = stack.pop()!;
      const node = this.#load(hash);
      if (node.kind === 'leaf') {
        if (!bounded || compareBytes(node.keyHash, after!) > 0)
          out.push({ keyHash: node.keyHash, key: node.key, value: node.value });
      } else if (node.kind === 'internal') {
        if (!bounded) {
          stack.push(
            { hash: node.right, depth: depth + 1, bounded: false },
            { hash: node.left, depth: depth + 1, bounded: false },
          );
        } else if (pathBit(after!, depth) === 0) {
          // The left child continues `after`'s path; everything on the right comes after it.
          stack.push(
            { hash: node.right, depth: depth + 1, bounded: false },
            { hash: node.left, depth: depth + 1, bounded: true },
          );
        } else {
          // Everything on the left comes before `after`: skipped unread.
          stack.push({ hash: node.right, depth: depth + 1, bounded: true });
        }
      }
    }
    return out;
  }

  // `changes[from..to)` are sorted by path and share the first `depth` bits with `node`'s position. Ranges,
  // not copies, are passed down: the batch is split once per level.
  #updateSubtree(
    node: Subtree,
    depth: number,
    changes: PathChange[],
    from: number,
    to: number,
    out: TreeNodeWrite[],
  ): Subtree {
    if (from === to) return node;
    if (node.kind === 'internal') {
      if (depth >= TREE_DEPTH) throw corrupt(`internal node below depth ${TREE_DEPTH}`);
      const split = firstWithBitSet(changes, from, to, depth);
      const left = this.#updateSubtree(this.#load(node.left), depth + 1, changes, from, split, out);
      const right = this.#updateSubtree(this.#load(node.right), depth + 1, changes, split, to, out);
      if (bytesEqual(left.hash, node.left) && bytesEqual(right.hash, node.right)) return node;
      return join(left, right, out);
    }
    // Below an empty subtree or a single leaf, the new subtree is rebuilt from the keys that remain.
    const remaining: (LeafNode | PathChange)[] = [];
    let existingLeafOverridden = node.kind !== 'leaf';
    for (let i = from; i < to; i++) {
      const change = changes[i]!;
      if (node.kind === 'leaf' && bytesEqual(change.keyHash, node.keyHash)) existingLeafOverridden = true;
      if (change.value !== null) remaining.push(change);
    }
    if (!existingLeafOverridden) {
      remaining.push(node as LeafNode);
      remaining.sort((a, b) => compareBytes(a.keyHash, b.keyHash));
    }
    return build(depth, remaining, 0, remaining.length, out);
  }

  #load(hash: Uint8Array): Subtree {
    if (bytesEqual(hash, ZERO_HASH)) return EMPTY;
    const record = this.#nodes.getNode(hash);
    if (record === undefined) {
      throw new StorageError(StorageErrorCode.NodeMissing, `tree node ${hexOf(hash)} is not stored`);
    }
    const node = decodeNode(record);
    // Content addressing lets every read check the bytes it got: a flipped bit anywhere is caught here.
    if (!bytesEqual(node.hash, hash)) throw corrupt(`tree node ${hexOf(hash)} does not hash to its key`);
    return node;
  }
}

/** The record layout of a leaf: 0x00 ‖ u16be key length ‖ key ‖ value. */
export function encodeLeafRecord(key: Uint8Array, value: Uint8Array): Uint8Array {
  if (key.length > 0xffff) throw new StorageError(StorageErrorCode.InvalidArgument, 'state key too long');
  const record = new Uint8Array(3 + key.length + value.length);
  record[0] = LEAF_TAG;
  record[1] = key.length >> 8;
  record[2] = key.length & 0xff;
  record.set(key, 3);
  record.set(value, 3 + key.length);
  return record;
}

/** The record layout of an internal node: 0x01 ‖ left hash ‖ right hash. */
export function encodeInternalRecord(left: Uint8Array, right: Uint8Array): Uint8Array {
  const record = new Uint8Array(1 + 2 * HASH_LENGTH);
  record[0] = INTERNAL_TAG;
  record.set(left, 1);
  record.set(right, 1 + HASH_LENGTH);
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

function decodeNode(record: Uint8Array): LeafNode | InternalNode {
  if (record[0] === INTERNAL_TAG && record.length === 1 + 2 * HASH_LENGTH) {
    const left = record.subarray(1, 1 + HASH_LENGTH);
    const right = record.subarray(1 + HASH_LENGTH);
    return { kind: 'internal', hash: internalHash(left, right), left, right };
  }
  if (record[0] === LEAF_TAG && record.length >= 3) {
    const keyLength = ((record[1] as number) << 8) | (record[2] as number);
    if (3 + keyLength <= record.length) {
      const key = record.subarray(3, 3 + keyLength);
      const value = record.subarray(3 + keyLength);
      const keyHash = sha256(key);
      const valueHash = sha256(value);
      return { kind: 'leaf', hash: leafHash(keyHash, valueHash), keyHash, valueHash, key, value };
    }
  }
  throw corrupt('tree node record has an unknown layout');
}

function build(
  depth: number,
  leaves: (LeafNode | PathChange)[],
  from: number,
  to: number,
  out: TreeNodeWrite[],
): Subtree {
  if (from === to) return EMPTY;
  if (to - from === 1) return materializeLeaf(leaves[from]!, out);
  // Distinct paths differ before bit 256, so two leaves can never reach this depth.
  if (depth >= TREE_DEPTH) throw corrupt('two leaves share a full 256-bit path');
  const split = firstWithBitSet(leaves, from, to, depth);
  return join(build(depth + 1, leaves, from, split, out), build(depth + 1, leaves, split, to, out), out);
}

/** The canonical parent of two subtrees: a lone leaf rises to take the parent's place. */
function join(left: Subtree, right: Subtree, out: TreeNodeWrite[]): Subtree {
  if (left.kind === 'empty' && right.kind !== 'internal') return right;
  if (right.kind === 'empty' && left.kind !== 'internal') return left;
  const record = encodeInternalRecord(left.hash, right.hash);
  const hash = internalHash(left.hash, right.hash);
  out.push({ hash, record });
  return { kind: 'internal', hash, left: left.hash, right: right.hash };
}

function materializeLeaf(leaf: LeafNode | PathChange, out: TreeNodeWrite[]): LeafNode {
  if ('kind' in leaf) return leaf;
  const value = leaf.value as Uint8Array;
  const valueHash = sha256(value);
  const hash = leafHash(leaf.keyHash, valueHash);
  out.push({ hash, record: encodeLeafRecord(leaf.key, value) });
  return { kind: 'leaf', hash, keyHash: leaf.keyHash, valueHash, key: leaf.key, value };
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
