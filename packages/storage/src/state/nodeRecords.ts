// How the state tree's nodes are hashed, keyed and laid out on disk (storage format 3; README.md, "State
// tree: storage"). The tree (tree.ts) and the bulk import (stateStore.ts `importSorted`) both write these
// records, so the layout lives here once.
//
// The tree is binary (its hashes and proofs are the ones core verifies), but its internal nodes are stored
// four levels to a record: a GROUP is the binary subtree between a depth divisible by four (its top) and
// the top of the group below, up to 15 internal nodes with their up-to-16 references out of the group
// (leaves, the tops of the groups below, or empty). A changed key therefore rewrites about a quarter as
// many records as it has levels, and a read below the pinned levels (upperLevels.ts) fetches one record
// per four levels: at ten million keys ~6 records per key instead of ~24. A leaf keeps a record of its own
// at its exact depth, as in Diem's Jellyfish tree, so a value change rewrites its leaf and the groups
// above it, not its neighbours' values.
//
// Only references out of a group carry a version: every internal node of a group is stored by the
// version that wrote the group, and is known by that version (a node unchanged in a rewritten group is
// stored again, by the new version, with it).

import { HASH_LENGTH, sha256, ZERO_HASH } from '@hanglian/core';
import { bytesEqual, readU64, writeU64 } from '../bytes.js';
import { StorageError, StorageErrorCode } from '../errors.js';

/** Where a subtree is stored: its hash, and the version that wrote its top node. */
export interface TreeRef {
  readonly hash: Uint8Array;
  readonly version: number;
}

/** The empty tree (the version is irrelevant: nothing is stored for it). */
export const EMPTY_TREE: TreeRef = { hash: ZERO_HASH, version: 0 };

/** Levels of internal nodes one group record holds. */
export const GROUP_LEVELS = 4;

export const LEAF_TAG = 0x00;
const INTERNAL_TAG = 0x01;
export const GROUP_TAG = 0x02;

/** A reference out of a group in a record: hash ‖ version (u64). */
const REFERENCE_LENGTH = HASH_LENGTH + 8;
/** Flag bits of a group's internal node: which children are in the group, which are empty. */
const LEFT_IN_GROUP = 1;
const RIGHT_IN_GROUP = 2;
const LEFT_EMPTY = 4;
const RIGHT_EMPTY = 8;

/** Whether an internal node at `depth` is the top of a group (stored under its own node key). */
export function isGroupTop(depth: number): boolean {
  return depth % GROUP_LEVELS === 0;
}

/** The depth of the top of the group an internal node at `depth` belongs to. */
export function groupTopOf(depth: number): number {
  return depth - (depth % GROUP_LEVELS);
}

/** An internal node of a group as the encoder takes it: each child is in the same group or a reference out. */
export interface GroupNode {
  readonly hash: Uint8Array;
  readonly left: GroupChild;
  readonly right: GroupChild;
}

export type GroupChild = GroupNode | TreeRef;

function isGroupNode(child: GroupChild): child is GroupNode {
  return 'left' in child;
}

/** One internal node of a decoded group; children in the group are referenced by the group's version. */
export interface DecodedGroupNode {
  /** Levels below the group's top (0 for the top). */
  readonly level: number;
  /** The `level` path bits from the top down to this node, the first one most significant. */
  readonly bits: number;
  readonly hash: Uint8Array;
  readonly left: TreeRef;
  readonly right: TreeRef;
}

/**
 * The record of the group under `top`:
 * `0x02 ‖ node…` in preorder, each internal node being `flags (u8) ‖ left ‖ right`, where a child in the
 * group is that node's own encoding, an empty child is nothing, and a reference out is `hash ‖ u64 version`.
 * Flags: 1 left in the group, 2 right in the group, 4 left empty, 8 right empty.
 */
export function encodeGroupRecord(top: GroupNode): Uint8Array {
  let size = 1;
  const measure = (node: GroupNode, level: number): void => {
    size += 1;
    for (const child of [node.left, node.right]) {
      if (isGroupNode(child)) {
        if (level + 1 >= GROUP_LEVELS) throw corrupt('a group holds four levels of internal nodes at most');
        measure(child, level + 1);
      } else if (!bytesEqual(child.hash, ZERO_HASH)) size += REFERENCE_LENGTH;
    }
  };
  measure(top, 0);
  const record = Buffer.allocUnsafe(size);
  record[0] = GROUP_TAG;
  let at = 1;
  const write = (node: GroupNode): void => {
    const flagsAt = at++;
    let flags = 0;
    const child = (value: GroupChild, inGroup: number, empty: number): void => {
      if (isGroupNode(value)) {
        flags |= inGroup;
        write(value);
      } else if (bytesEqual(value.hash, ZERO_HASH)) {
        flags |= empty;
      } else {
        record.set(value.hash, at);
        writeU64(record, at + HASH_LENGTH, value.version);
        at += REFERENCE_LENGTH;
      }
    };
    child(node.left, LEFT_IN_GROUP, LEFT_EMPTY);
    child(node.right, RIGHT_IN_GROUP, RIGHT_EMPTY);
    record[flagsAt] = flags;
  };
  write(top);
  return record;
}

/**
 * The internal nodes of a group record stored by `version`, in preorder, each with the hash computed from
 * its children (so the top's hash checks the whole record against the reference that led to it).
 */
export function decodeGroupRecord(record: Uint8Array, version: number): DecodedGroupNode[] {
  if (record[0] !== GROUP_TAG) throw corrupt('tree node record has an unknown layout');
  const nodes: DecodedGroupNode[] = [];
  let at = 1;
  const read = (level: number, bits: number): DecodedGroupNode => {
    if (at >= record.length) throw corrupt('group record ends inside a node');
    const flags = record[at++] as number;
    if (flags > 15 || (flags & 5) === 5 || (flags & 10) === 10)
      throw corrupt('group record has invalid node flags');
    if (level + 1 >= GROUP_LEVELS && (flags & 3) !== 0)
      throw corrupt('a group holds four levels of internal nodes at most');
    const slot = nodes.length;
    nodes.push(undefined as unknown as DecodedGroupNode);
    const child = (inGroup: boolean, empty: boolean, bit: number): TreeRef => {
      if (inGroup) return { hash: read(level + 1, (bits << 1) | bit).hash, version };
      if (empty) return EMPTY_TREE;
      if (at + REFERENCE_LENGTH > record.length) throw corrupt('group record ends inside a reference');
      const reference = {
        hash: new Uint8Array(record.buffer, record.byteOffset + at, HASH_LENGTH),
        version: readU64(record, at + HASH_LENGTH),
      };
      at += REFERENCE_LENGTH;
      return reference;
    };
    const left = child((flags & LEFT_IN_GROUP) !== 0, (flags & LEFT_EMPTY) !== 0, 0);
    const right = child((flags & RIGHT_IN_GROUP) !== 0, (flags & RIGHT_EMPTY) !== 0, 1);
    const node = { level, bits, hash: internalHash(left.hash, right.hash), left, right };
    nodes[slot] = node;
    return node;
  };
  read(0, 0);
  if (at !== record.length) throw corrupt('group record has bytes after its last node');
  return nodes;
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

/** The key and value a leaf record holds (plain views into it), or undefined if it is not a leaf record. */
export function decodeLeafRecord(record: Uint8Array): { key: Uint8Array; value: Uint8Array } | undefined {
  if (record[0] !== LEAF_TAG || record.length < 3) return undefined;
  const keyLength = ((record[1] as number) << 8) | (record[2] as number);
  if (3 + keyLength > record.length) return undefined;
  return {
    key: new Uint8Array(record.buffer, record.byteOffset + 3, keyLength),
    value: new Uint8Array(record.buffer, record.byteOffset + 3 + keyLength, record.length - 3 - keyLength),
  };
}

/**
 * The key a leaf or a group top is stored under: `u64 version ‖ u16 depth ‖ the first ceil(depth / 8)
 * bytes of its path`, bits past `depth` cleared. Big-endian, so one version's nodes are contiguous and
 * versions ascend. `lastBit`, when given, replaces the path's bit at `depth - 1` (a child's position from
 * its parent's path).
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

/** A copy of the first `index` bits of `path` followed by `bit` (the rest zero). */
export function withBit(path: Uint8Array, index: number, bit: 0 | 1): Uint8Array {
  const out = new Uint8Array(HASH_LENGTH);
  const whole = index >> 3;
  out.set(path.subarray(0, whole), 0);
  const keep = (0xff << (8 - (index & 7))) & 0xff;
  const mask = 0x80 >> (index & 7);
  out[whole] = ((path[whole] as number) & keep) | (bit === 1 ? mask : 0);
  return out;
}

function corrupt(message: string): StorageError {
  return new StorageError(StorageErrorCode.Corrupt, message);
}
