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
