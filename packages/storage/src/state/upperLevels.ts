// The tree's upper levels, kept whole in memory. Every block's update walks from the root down through
// these levels, and at millions of keys the nodes there are too many for the hash-keyed cache to keep
// between two visits (a node at depth 18 is visited once every ~800 blocks of 300 changes), so without
// this each changed key re-read about a dozen nodes from LMDB, decoded them and re-hashed them to check
// them. Here each position (depth, path prefix) down to `maxDepth` has one slot holding the newest internal
// node seen there: its hash, its version, and its children's references. Slots live in flat typed arrays,
// one per depth, allocated when the depth is first used: 96 bytes of hashes and 24 of versions per slot,
// so the full 19 levels of a ten-million-key tree take 63 MiB and a small tree a few KiB, with nothing
// for the garbage collector to trace.
//
// A slot answers only a reference it matches exactly (hash and version), so a stale slot, or one holding a
// node of an update that was never committed, is a miss, never a wrong answer. Slots hold what was read and
// checked, or what an update computed itself.

import { HASH_LENGTH } from '@hanglian/core';

/** Deepest pinned level by default: 2^19 - 1 slots at most, 63 MiB when every level is full. */
export const DEFAULT_PINNED_DEPTH = 18;

export interface PinnedInternal {
  hash: Uint8Array;
  version: number;
  left: { hash: Uint8Array; version: number };
  right: { hash: Uint8Array; version: number };
}

export class UpperLevels {
  readonly maxDepth: number;
  // Per depth: 3 hashes per slot (the node's, its left child's, its right child's) and 3 versions, the
  // node's stored as version + 1 so that 0 marks an empty slot.
  readonly #hashes: (Uint8Array | undefined)[] = [];
  readonly #versions: (Float64Array | undefined)[] = [];

  constructor(maxDepth: number = DEFAULT_PINNED_DEPTH) {
    if (!Number.isInteger(maxDepth) || maxDepth < -1 || maxDepth > 24)
      throw new RangeError(`pinned depth must be a whole number from -1 (none) to 24, got ${maxDepth}`);
    this.maxDepth = maxDepth;
  }

  /** The node at (`depth`, the first `depth` bits of `path`) if it is the one `hash`@`version` names. */
  get(
    depth: number,
    path: Uint8Array,
    lastBit: 0 | 1 | undefined,
    hash: Uint8Array,
    version: number,
  ): PinnedInternal | undefined {
    if (depth > this.maxDepth) return undefined;
    const versions = this.#versions[depth];
    if (versions === undefined) return undefined;
    const slot = slotOf(depth, path, lastBit);
    if (versions[slot * 3] !== version + 1) return undefined;
    const hashes = this.#hashes[depth]!;
    const at = slot * 3 * HASH_LENGTH;
    for (let i = 0; i < HASH_LENGTH; i++) if (hashes[at + i] !== hash[i]) return undefined;
    // Copies: the slot is overwritten when a newer node takes the position.
    return {
      hash: hashes.slice(at, at + HASH_LENGTH),
      version,
      left: { hash: hashes.slice(at + HASH_LENGTH, at + 2 * HASH_LENGTH), version: versions[slot * 3 + 1]! },
      right: {
        hash: hashes.slice(at + 2 * HASH_LENGTH, at + 3 * HASH_LENGTH),
        version: versions[slot * 3 + 2]!,
      },
    };
  }

  /** Keeps `node` as the newest internal node at its position. */
  set(depth: number, path: Uint8Array, lastBit: 0 | 1 | undefined, node: PinnedInternal): void {
    if (depth > this.maxDepth) return;
    let versions = this.#versions[depth];
    if (versions === undefined) {
      versions = new Float64Array(3 * 2 ** depth);
      this.#versions[depth] = versions;
      this.#hashes[depth] = new Uint8Array(3 * HASH_LENGTH * 2 ** depth);
    }
    const hashes = this.#hashes[depth]!;
    const slot = slotOf(depth, path, lastBit);
    const at = slot * 3 * HASH_LENGTH;
    hashes.set(node.hash, at);
    hashes.set(node.left.hash, at + HASH_LENGTH);
    hashes.set(node.right.hash, at + 2 * HASH_LENGTH);
    versions[slot * 3] = node.version + 1;
    versions[slot * 3 + 1] = node.left.version;
    versions[slot * 3 + 2] = node.right.version;
  }

  /** Bytes allocated for slots so far. */
  bytes(): number {
    let total = 0;
    for (let d = 0; d < this.#versions.length; d++)
      total += (this.#versions[d]?.byteLength ?? 0) + (this.#hashes[d]?.byteLength ?? 0);
    return total;
  }
}

/** The slot of a position: the first `depth` bits of `path` (bit depth-1 replaced by `lastBit` if given). */
function slotOf(depth: number, path: Uint8Array, lastBit: 0 | 1 | undefined): number {
  if (depth === 0) return 0;
  const top = (((path[0] as number) << 16) | ((path[1] as number) << 8) | (path[2] as number)) >>> 0;
  const prefix = top >>> (24 - depth);
  return lastBit === undefined ? prefix : (prefix & ~1) | lastBit;
}
