// Verification of state proofs against a state root: the code a browser, a light client or an evidence
// verifier runs to trust one value read from a node. Pure (no I/O, no clock) and dependent only on hashing,
// so it can be bundled anywhere. The tree that produces these proofs lives in @hanglian/storage
// (packages/storage/src/state/tree.ts); its README is the specification both sides follow.
//
// The tree: a binary sparse Merkle tree over the 256-bit path sha256(key), most significant bit first
// (bit 0 = the top bit of byte 0; 0 goes left). A leaf sits at the shallowest depth where its path is unique.
//   leaf hash     = sha256(0x00 ‖ sha256(key) ‖ sha256(value))
//   internal hash = sha256(0x01 ‖ left ‖ right)
//   empty subtree = ZERO_HASH; the root of the empty tree is ZERO_HASH.

import { HASH_LENGTH, sha256, sha256Concat, ZERO_HASH } from '../crypto/hash.js';

/** Deepest a leaf can sit: one level per bit of the path. */
export const STATE_TREE_DEPTH = 256;

/** A leaf met at the end of a proof's path, given by the two hashes its own hash is made of. */
export interface StateProofLeaf {
  /** sha256 of the leaf's key: its path. */
  keyHash: Uint8Array;
  /** sha256 of the leaf's value. */
  valueHash: Uint8Array;
}

/**
 * Proof that a key has a given value, or has none, under a state root.
 * A plain object of byte strings so the canonical codec can carry it unchanged.
 */
export interface StateProof {
  /**
   * Hashes of the siblings along the key's path, from the root down: `siblings[d]` is the hash of the
   * subtree at depth d+1 beside the path. ZERO_HASH stands for an empty sibling. The path ends at depth
   * `siblings.length`.
   */
  siblings: Uint8Array[];
  /**
   * What the path ends at: the key's own leaf (membership), another key's leaf whose path shares the first
   * `siblings.length` bits (non-membership), or `null` for an empty subtree (non-membership).
   */
  leaf: StateProofLeaf | null;
}

/** The hash of a leaf from its key hash and value hash. */
export function stateLeafHash(keyHash: Uint8Array, valueHash: Uint8Array): Uint8Array {
  return sha256Concat(LEAF_DOMAIN, keyHash, valueHash);
}

/** The hash of an internal node from its children's hashes (ZERO_HASH for an empty child). */
export function stateInternalHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256Concat(INTERNAL_DOMAIN, left, right);
}

/** Bit `index` (0 = most significant bit of byte 0) of a 256-bit path. */
export function pathBit(path: Uint8Array, index: number): 0 | 1 {
  return (((path[index >> 3] ?? 0) >> (7 - (index & 7))) & 1) as 0 | 1;
}

/**
 * True when `proof` shows that, under `root`, `key` holds `value` (or, when `value` is null, holds nothing).
 * Never throws: a malformed proof is simply not a proof.
 */
export function verifyStateProof(
  root: Uint8Array,
  key: Uint8Array,
  value: Uint8Array | null,
  proof: StateProof,
): boolean {
  if (!isHash(root) || !Array.isArray(proof?.siblings)) return false;
  const depth = proof.siblings.length;
  if (depth > STATE_TREE_DEPTH) return false;
  const keyHash = sha256(key);
  const leaf = proof.leaf;

  let node: Uint8Array;
  if (leaf === null) {
    if (value !== null) return false;
    node = ZERO_HASH;
  } else {
    if (!isHash(leaf?.keyHash) || !isHash(leaf.valueHash)) return false;
    const isOwnLeaf = bytesEqual(leaf.keyHash, keyHash);
    if (value === null) {
      // Absence shown by another key's leaf: that leaf must really sit on our path, else the proof
      // would be about some other place in the tree.
      if (isOwnLeaf || !sharesPrefix(leaf.keyHash, keyHash, depth)) return false;
    } else if (!isOwnLeaf || !bytesEqual(leaf.valueHash, sha256(value))) {
      return false;
    }
    node = stateLeafHash(leaf.keyHash, leaf.valueHash);
  }

  for (let d = depth - 1; d >= 0; d--) {
    const sibling = proof.siblings[d];
    if (!isHash(sibling)) return false;
    node = pathBit(keyHash, d) === 0 ? stateInternalHash(node, sibling) : stateInternalHash(sibling, node);
  }
  return bytesEqual(node, root);
}

const LEAF_DOMAIN = Uint8Array.of(0x00);
const INTERNAL_DOMAIN = Uint8Array.of(0x01);

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_LENGTH;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sharesPrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  for (let i = 0; i < bits; i++) if (pathBit(a, i) !== pathBit(b, i)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Range proofs: a chunk of the state (state sync) proven complete on its own.
//
// A chunk is every entry whose path lies in (after, last], in path order; `after` is any 256-bit value (the
// previous chunk's last path, or a boundary the asker chose), `last` is the chunk's last entry. The proof is
// two ordinary proofs: of the path `after` (its siblings and where it ends) and of `last`'s key. The
// verifier rebuilds the root from three kinds of pieces, disjoint by position:
//   - the left siblings of `after`'s path (positions where its bit is 1: every key there is before
//     `after`), and the leaf its path ends at if that leaf is at or before `after`;
//   - the chunk's entries, as leaves;
//   - the right siblings of `last`'s path (positions where its bit is 0: every key there is after `last`).
// The canonical tree of these pieces hashes to the root only if the tree holds exactly them, so any key of
// the state in (after, last] that the chunk left out, and any entry it made up or changed, fails. A chunk is
// thus checked alone, whoever sent it and in whatever order chunks arrive. The state ends at `last` when
// every right sibling of its path is empty.

/** Both ends' proofs of a chunk of entries. */
export interface StateRangeProof {
  /** A proof of the path `after` (for `stateProofByHash`), or null when the chunk starts at the beginning. */
  left: StateProof | null;
  /** A proof of the chunk's last entry, or null when the chunk has no entries. */
  right: StateProof | null;
}

export type StateRangeCheck =
  | {
      ok: true;
      /** True when no entry of the state comes after the chunk's last one (or after `after`). */
      done: boolean;
    }
  | { ok: false; reason: string };

/** A piece of the rebuilt tree: a leaf at its path, or a subtree given by its hash at a fixed position. */
interface RangePiece {
  /** A leaf's path; a subtree's position (its first `depth` bits, the rest zero). */
  path: Uint8Array;
  /** A subtree's depth; STATE_TREE_DEPTH for a leaf (every bit of its path counts). */
  depth: number;
  hash: Uint8Array;
  leaf: boolean;
}

class RangeMismatch extends Error {}

/**
 * Checks that `entries` (strictly ascending by sha256 of the key) are all the entries of the state under
 * `root` whose path lies after `after` (null: from the start) up to the last entry's path. Never throws.
 */
export function verifyStateRange(
  root: Uint8Array,
  after: Uint8Array | null,
  entries: ReadonlyArray<{ key: Uint8Array; value: Uint8Array }>,
  proof: StateRangeProof,
): StateRangeCheck {
  const fail = (reason: string): StateRangeCheck => ({ ok: false, reason });
  if (!isHash(root)) return fail('the root is not a hash');
  if (after !== null && !isHash(after)) return fail('the start is not a 256-bit path');
  if ((after === null) !== (proof?.left === null)) return fail('a start needs its proof, and only a start');
  if ((entries.length === 0) !== (proof?.right === null))
    return fail('a chunk with entries needs its last entry proven, and only one with entries');
  if (proof.left !== null && !isProofShape(proof.left)) return fail('the start proof is malformed');
  if (proof.right !== null && !isProofShape(proof.right)) return fail('the end proof is malformed');

  const pieces: RangePiece[] = [];
  // Everything before `after`: its path's left siblings and the leaf the path ends at, if not after it.
  let afterRight: Uint8Array[] = [];
  if (after !== null) {
    const { siblings, leaf } = proof.left!;
    for (let d = 0; d < siblings.length; d++) {
      if (pathBit(after, d) === 1) pushSubtree(pieces, after, d, 0, siblings[d]!);
    }
    afterRight = siblings.filter((_, d) => pathBit(after, d) === 0);
    if (leaf !== null) {
      if (compare(leaf.keyHash, after) <= 0) {
        pieces.push({
          path: leaf.keyHash,
          depth: STATE_TREE_DEPTH,
          hash: stateLeafHash(leaf.keyHash, leaf.valueHash),
          leaf: true,
        });
      } else if (entries.length === 0) return fail('the chunk is empty though a key follows its start');
    }
  }
  // The chunk's entries, strictly ascending and after `after`.
  let previous = after;
  let lastPath: Uint8Array | undefined;
  for (const { key, value } of entries) {
    if (!(key instanceof Uint8Array) || !(value instanceof Uint8Array)) return fail('an entry is malformed');
    const keyHash = sha256(key);
    if (previous !== null && compare(keyHash, previous) <= 0)
      return fail('entries are not in strictly ascending path order after the start');
    pieces.push({
      path: keyHash,
      depth: STATE_TREE_DEPTH,
      hash: stateLeafHash(keyHash, sha256(value)),
      leaf: true,
    });
    previous = keyHash;
    lastPath = keyHash;
  }
  // Everything after the last entry (or, for an empty chunk, after `after`): right siblings.
  let done: boolean;
  if (lastPath !== undefined) {
    const { siblings, leaf } = proof.right!;
    if (leaf !== null && !bytesEqual(leaf.keyHash, lastPath)) return fail('the end proof is of another key');
    done = true;
    for (let d = 0; d < siblings.length; d++) {
      if (pathBit(lastPath, d) === 0 && pushSubtree(pieces, lastPath, d, 1, siblings[d]!)) done = false;
    }
  } else if (after !== null) {
    if (afterRight.some((sibling) => !bytesEqual(sibling, ZERO_HASH)))
      return fail('the chunk is empty though the state goes on after its start');
    done = true;
  } else {
    if (!bytesEqual(root, ZERO_HASH)) return fail('no entries, yet the state is not empty');
    return { ok: true, done: true };
  }

  pieces.sort((a, b) => compare(a.path, b.path));
  let rebuilt: Uint8Array;
  try {
    rebuilt = rangeHash(pieces, 0, pieces.length, 0);
  } catch (error) {
    if (error instanceof RangeMismatch) return fail(error.message);
    throw error;
  }
  if (!bytesEqual(rebuilt, root)) return fail('the chunk and its proofs do not rebuild the state root');
  return { ok: true, done };
}

/** Adds the subtree beside `path` at depth d + 1 on side `bit`, unless it is empty; true when added. */
function pushSubtree(
  pieces: RangePiece[],
  path: Uint8Array,
  d: number,
  bit: 0 | 1,
  hash: Uint8Array,
): boolean {
  if (bytesEqual(hash, ZERO_HASH)) return false;
  const position = new Uint8Array(HASH_LENGTH);
  for (let i = 0; i < d; i++) if (pathBit(path, i) === 1) position[i >> 3]! |= 0x80 >> (i & 7);
  if (bit === 1) position[d >> 3]! |= 0x80 >> (d & 7);
  pieces.push({ path: position, depth: d + 1, hash, leaf: false });
  return true;
}

/** The canonical tree's hash over pieces[from..to), which share their first `depth` bits. */
function rangeHash(pieces: RangePiece[], from: number, to: number, depth: number): Uint8Array {
  if (from === to) return ZERO_HASH;
  const first = pieces[from]!;
  if (to - from === 1) {
    // A lone leaf rises to the top of its subtree; a subtree stays where it is (its parent is above it).
    if (first.leaf || first.depth === depth) return first.hash;
    if (first.depth < depth) throw new RangeMismatch('a proof subtree lies above its own position');
  }
  if (depth >= STATE_TREE_DEPTH) throw new RangeMismatch('two pieces share a whole path');
  let split = to;
  for (let i = from; i < to; i++) {
    const piece = pieces[i]!;
    // Two or more pieces here, so none may be a subtree at this very position: pieces overlap.
    if (piece.depth <= depth) throw new RangeMismatch('proof pieces overlap');
    const bit = pathBit(piece.path, depth);
    if (bit === 1 && split === to) split = i;
    else if (bit === 0 && split !== to) throw new RangeMismatch('pieces out of order');
  }
  return stateInternalHash(
    rangeHash(pieces, from, split, depth + 1),
    rangeHash(pieces, split, to, depth + 1),
  );
}

function isProofShape(proof: StateProof): boolean {
  if (!Array.isArray(proof?.siblings) || proof.siblings.length > STATE_TREE_DEPTH) return false;
  if (!proof.siblings.every(isHash)) return false;
  return proof.leaf === null || (isHash(proof.leaf?.keyHash) && isHash(proof.leaf.valueHash));
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
