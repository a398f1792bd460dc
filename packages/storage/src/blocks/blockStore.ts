// Blocks, their execution results and the indexes to find them, stored as opaque bytes. The block store
// never writes on its own: its records travel as extra writes of the state store's commit, so a block and
// the state it produced land in the same LMDB transaction, or neither does.

import { HASH_LENGTH } from '@hanglian/core';
import { StorageError, StorageErrorCode } from '../errors.js';
import type { KvEnvironment, KvSubDb } from '../kv/kvStore.js';
import {
  type CommittedVersion,
  decodeVersion,
  type ExtraWrite,
  encodeVersion,
  type StateOverlay,
} from '../state/stateStore.js';

/** Sub-databases the block store owns. Their key layouts are specified in README.md. */
export const BlockSubDb = {
  /** height (u64 big-endian) → block bytes. */
  Blocks: 'blocks',
  /** block hash (32 B) → height (u64 big-endian). */
  HeightByHash: 'block_height_by_hash',
  /** transaction id (32 B) → height (u64 big-endian) ‖ index in block (u32 big-endian). */
  TransactionLocations: 'tx_locations',
  /** height (u64 big-endian) → execution results bytes. */
  Results: 'block_results',
} as const;

export const BLOCK_SUB_DBS: readonly string[] = Object.values(BlockSubDb);

/** Everything stored about one block, as bytes the node encoded. */
export interface BlockRecord {
  height: number;
  /** The block's hash (32 bytes). */
  hash: Uint8Array;
  /** The encoded block. */
  block: Uint8Array;
  /** Ids of the block's transactions (32 bytes each), in block order. */
  transactionIds: readonly Uint8Array[];
  /** The encoded execution results of the block. */
  results: Uint8Array;
}

export interface TransactionLocation {
  height: number;
  /** Position of the transaction in its block. */
  index: number;
}

export class BlockStore {
  readonly #blocks: KvSubDb;
  readonly #heightByHash: KvSubDb;
  readonly #transactionLocations: KvSubDb;
  readonly #results: KvSubDb;

  constructor(kv: KvEnvironment) {
    this.#blocks = kv.subDb(BlockSubDb.Blocks);
    this.#heightByHash = kv.subDb(BlockSubDb.HeightByHash);
    this.#transactionLocations = kv.subDb(BlockSubDb.TransactionLocations);
    this.#results = kv.subDb(BlockSubDb.Results);
  }

  /** The records of one block, to pass as (part of) the extra writes of the state commit at its height. */
  static writesFor(record: BlockRecord): ExtraWrite[] {
    if (record.hash.length !== HASH_LENGTH) {
      throw new StorageError(StorageErrorCode.InvalidArgument, `a block hash must be ${HASH_LENGTH} bytes`);
    }
    const height = encodeVersion(record.height);
    const writes: ExtraWrite[] = [
      [BlockSubDb.Blocks, height, record.block],
      [BlockSubDb.HeightByHash, record.hash, height],
      [BlockSubDb.Results, height, record.results],
    ];
    record.transactionIds.forEach((transactionId, index) => {
      writes.push([BlockSubDb.TransactionLocations, transactionId, encodeLocation(record.height, index)]);
    });
    return writes;
  }

  /**
   * Commits `overlay` as version `record.height` together with the block, its results and indexes, plus
   * any further records of the caller, in one atomic transaction.
   */
  static commitBlock(
    overlay: StateOverlay,
    record: BlockRecord,
    moreWrites: readonly ExtraWrite[] = [],
  ): CommittedVersion {
    return overlay.commit(record.height, [...BlockStore.writesFor(record), ...moreWrites]);
  }

  getBlock(height: number): Uint8Array | undefined {
    return this.#blocks.get(encodeVersion(height));
  }

  heightOf(blockHash: Uint8Array): number | undefined {
    const height = this.#heightByHash.get(blockHash);
    return height === undefined ? undefined : decodeVersion(height);
  }

  getBlockByHash(blockHash: Uint8Array): Uint8Array | undefined {
    const height = this.heightOf(blockHash);
    return height === undefined ? undefined : this.getBlock(height);
  }

  getResults(height: number): Uint8Array | undefined {
    return this.#results.get(encodeVersion(height));
  }

  locateTransaction(transactionId: Uint8Array): TransactionLocation | undefined {
    const location = this.#transactionLocations.get(transactionId);
    if (location === undefined) return undefined;
    if (location.length !== 12)
      throw new StorageError(StorageErrorCode.Corrupt, 'a transaction location is not 12 bytes');
    const view = new DataView(location.buffer, location.byteOffset, 12);
    return { height: decodeVersion(location.subarray(0, 8)), index: view.getUint32(8) };
  }

  /** The height of the highest stored block, or undefined when none is stored. */
  latestHeight(): number | undefined {
    for (const { key } of this.#blocks.iterate(new Uint8Array(0), { reverse: true, limit: 1 })) {
      return decodeVersion(key);
    }
    return undefined;
  }
}

function encodeLocation(height: number, index: number): Uint8Array {
  const bytes = new Uint8Array(12);
  bytes.set(encodeVersion(height), 0);
  new DataView(bytes.buffer).setUint32(8, index);
  return bytes;
}
