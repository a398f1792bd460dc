// The tree's upper levels, kept whole in memory. Every block's update walks from the root down through
// these levels, and at millions of keys the nodes there are too many for the hash-keyed cache to keep
// between two visits (a node at depth 18 is visited once every ~800 blocks of 300 changes), so without
// this each changed key re-read about a dozen nodes from LMDB, decoded them and re-hashed them to check
// them. Here each position (depth, path prefix) down to `maxDepth` has one slot holding the newest internal
// node seen there: its hash, its version, and its children's references. Slots live in flat typed arrays,
// in pages of 1,024 slots allocated where nodes are first pinned: 96 bytes of hashes and 24 of versions per
// slot, so the full 19 levels of a ten-million-key tree take 63 MiB and a small tree a few hundred KiB,
// with nothing for the garbage collector to trace.
//
// A slot answers only a reference it matches exactly (hash and version), so a stale slot, or one holding a
// node of an update that was never committed, is a miss, never a wrong answer. Slots hold what was read and
// checked, or what an update computed itself.

import { HASH_LENGTH } from '@hanglian/core';

/** Deepest pinned level by default: 2^19 - 1 slots at most, 63 MiB when every level is full. */
export const DEFAULT_PINNED_DEPTH = 18;

/** An internal node as the tree decodes it (the tree's own node type has this shape). */
export interface PinnedInternal {
  kind: 'internal';
  hash: Uint8Array;
  version: number;
  left: { hash: Uint8Array; version: number };
  right: { hash: Uint8Array; version: number };
}

/** Slots per page: a level's slots are allocated a page at a time, where nodes are first pinned. */
const PAGE_SLOTS = 1_024;

interface Page {
  /** 3 hashes per slot: the node's, its left child's, its right child's. */
  readonly hashes: Uint8Array;
  /** 3 versions per slot, the node's stored as version + 1 so that 0 marks an empty slot. */
  readonly versions: Float64Array;
}

export class UpperLevels {
  readonly maxDepth: number;
  // Per depth, pages of PAGE_SLOTS slots by slot >> 10, allocated when a node is first pinned there: a small
  // tree whose few deep pairs reach depth 18 allocates a page or two there, not the level's 2^18 slots.
  readonly #pages: Array<Array<Page | undefined> | undefined> = [];
  #bytes = 0;

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
    const slot = slotOf(depth, path, lastBit);
    const page = this.#pages[depth]?.[Math.floor(slot / PAGE_SLOTS)];
    if (page === undefined) return undefined;
    const { hashes, versions } = page;
    const index = slot % PAGE_SLOTS;
    if (versions[index * 3] !== version + 1) return undefined;
    const at = index * 3 * HASH_LENGTH;
    for (let i = 0; i < HASH_LENGTH; i++) if (hashes[at + i] !== hash[i]) return undefined;
    // Copies: the slot is overwritten when a newer node takes the position.
    return {
      kind: 'internal',
      hash: hashes.slice(at, at + HASH_LENGTH),
      version,
      left: { hash: hashes.slice(at + HASH_LENGTH, at + 2 * HASH_LENGTH), version: versions[index * 3 + 1]! },
      right: {
        hash: hashes.slice(at + 2 * HASH_LENGTH, at + 3 * HASH_LENGTH),
        version: versions[index * 3 + 2]!,
      },
    };
  }

  /** Keeps `node` as the newest internal node at its position. */
  set(depth: number, path: Uint8Array, lastBit: 0 | 1 | undefined, node: PinnedInternal): void {
    if (depth > this.maxDepth) return;
    const slot = slotOf(depth, path, lastBit);
    let level = this.#pages[depth];
    if (level === undefined) {
      level = [];
      this.#pages[depth] = level;
    }
    const pageIndex = Math.floor(slot / PAGE_SLOTS);
    let page = level[pageIndex];
    if (page === undefined) {
      const slots = Math.min(PAGE_SLOTS, 2 ** depth);
      page = { hashes: new Uint8Array(3 * HASH_LENGTH * slots), versions: new Float64Array(3 * slots) };
      level[pageIndex] = page;
      this.#bytes += page.hashes.byteLength + page.versions.byteLength;
    }
    const index = slot % PAGE_SLOTS;
    const at = index * 3 * HASH_LENGTH;
    page.hashes.set(node.hash, at);
    page.hashes.set(node.left.hash, at + HASH_LENGTH);
    page.hashes.set(node.right.hash, at + 2 * HASH_LENGTH);
    page.versions[index * 3] = node.version + 1;
    page.versions[index * 3 + 1] = node.left.version;
    page.versions[index * 3 + 2] = node.right.version;
  }

  /** Bytes allocated for slots so far. */
  bytes(): number {
    return this.#bytes;
  }
}

/** The slot of a position: the first `depth` bits of `path` (bit depth-1 replaced by `lastBit` if given). */
function slotOf(depth: number, path: Uint8Array, lastBit: 0 | 1 | undefined): number {
  if (depth === 0) return 0;
  const top = (((path[0] as number) << 16) | ((path[1] as number) << 8) | (path[2] as number)) >>> 0;
  const prefix = top >>> (24 - depth);
  return lastBit === undefined ? prefix : (prefix & ~1) | lastBit;
}
