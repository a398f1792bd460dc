/**
 * Merkle root and inclusion proofs over an ordered list (transactions, results), in the RFC 6962 shape:
 * leaf = H(0x00 ‖ item), node = H(0x01 ‖ left ‖ right), the split at the largest power of two below n.
 * The domain bytes make a leaf impossible to pass off as an inner node.
 */
import { sha256Concat, ZERO_HASH } from '../crypto/hash.js';
import { bytesEqual } from '../encoding/hex.js';

const LEAF = new Uint8Array([0]);
const NODE = new Uint8Array([1]);

export function listLeafHash(item: Uint8Array): Uint8Array {
  return sha256Concat(LEAF, item);
}

function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256Concat(NODE, left, right);
}

function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function rootOfLeaves(leaves: readonly Uint8Array[], start: number, end: number): Uint8Array {
  const n = end - start;
  if (n === 1) return leaves[start]!;
  const k = splitPoint(n);
  return nodeHash(rootOfLeaves(leaves, start, start + k), rootOfLeaves(leaves, start + k, end));
}

/** Root of a list of items; the empty list has the zero hash as its root. */
export function merkleListRoot(items: readonly Uint8Array[]): Uint8Array {
  if (items.length === 0) return ZERO_HASH;
  return rootOfLeaves(items.map(listLeafHash), 0, items.length);
}

export interface ListInclusionProof {
  readonly index: number;
  readonly count: number;
  /** Sibling hashes from the leaf up to the root. */
  readonly path: Uint8Array[];
}

export function merkleListProof(items: readonly Uint8Array[], index: number): ListInclusionProof {
  if (!Number.isInteger(index) || index < 0 || index >= items.length)
    throw new RangeError('index out of range');
  const leaves = items.map(listLeafHash);
  const path: Uint8Array[] = [];
  const walk = (start: number, end: number): void => {
    const n = end - start;
    if (n === 1) return;
    const k = splitPoint(n);
    if (index < start + k) {
      walk(start, start + k);
      path.push(rootOfLeaves(leaves, start + k, end));
    } else {
      walk(start + k, end);
      path.push(rootOfLeaves(leaves, start, start + k));
    }
  };
  walk(0, items.length);
  return { index, count: items.length, path };
}

export function verifyListInclusion(root: Uint8Array, item: Uint8Array, proof: ListInclusionProof): boolean {
  const { index, count, path } = proof;
  if (!Number.isInteger(index) || !Number.isInteger(count) || index < 0 || index >= count) return false;
  // Recompute the descent's directions, then fold the path bottom-up.
  const directions: boolean[] = []; // true: our node is the left child
  let start = 0;
  let end = count;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      directions.push(true);
      end = start + k;
    } else {
      directions.push(false);
      start = start + k;
    }
  }
  if (directions.length !== path.length) return false;
  let hash = listLeafHash(item);
  for (let i = 0; i < path.length; i++) {
    const sibling = path[i]!;
    const isLeft = directions[directions.length - 1 - i]!;
    hash = isLeft ? nodeHash(hash, sibling) : nodeHash(sibling, hash);
  }
  return bytesEqual(hash, root);
}
