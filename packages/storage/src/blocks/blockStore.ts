// Blocks, their execution results and the indexes to find them, stored as opaque bytes. The block store
// never writes on its own: its records travel as extra writes of the state store's commit, so a block and
// the state it produced land in the same LMDB transaction, or neither does. The one exception is
// `importHistory`, for benchmarks: blocks below the state's first version, written in bulk before it.

import { HASH_LENGTH } from '@hanglian/core';
import { writeU64 } from '../bytes.js';
import { StorageError, StorageErrorCode } from '../errors.js';
import type { KvEnvironment, KvSubDb } from '../kv/kvStore.js';
import {
  type CommittedVersion,
  decodeVersion,
  type ExtraWrite,
  encodeVersion,
  STATE_SUB_DBS,
  type StateOverlay,
} from '../state/stateStore.js';
import { HashKeyedRun } from './hashKeyedRun.js';

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

/** A block of history for `importHistory`, and the caller's own records of it (a node's: its commit). */
export interface HistoryBlock {
  readonly record: BlockRecord;
  readonly extraWrites?: readonly ExtraWrite[];
}

export interface HistoryImportOptions {
  /** Bytes of records (keys and values) written per LMDB transaction; default 64 MiB. */
  readonly batchBytes?: number;
  /** Told after each transaction of blocks lands: the blocks written so far and the last height written. */
  readonly onBatch?: (blocks: number, height: number) => void;
  /** Told as an index keyed by hashes starts being written, in key order, after the blocks. */
  readonly onIndex?: (subDb: string, records: number) => void;
}

export interface TransactionLocation {
  height: number;
  /** Position of the transaction in its block. */
  index: number;
}

export class BlockStore {
  readonly #kv: KvEnvironment;
  readonly #blocks: KvSubDb;
  readonly #heightByHash: KvSubDb;
  readonly #transactionLocations: KvSubDb;
  readonly #results: KvSubDb;

  constructor(kv: KvEnvironment) {
    this.#kv = kv;
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

  /**
   * BENCHMARKS ONLY: writes blocks of history directly, without their state, instead of one commit per
   * block with the state it produced: this is how the growth benchmark gives a ledger a long past in
   * minutes. The records are those `writesFor` makes, plus each block's `extraWrites` (the caller's
   * per-block records, never the state's); heights must ascend past every stored block. The records keyed
   * by height (and the caller's) land in large transactions of sorted puts, appended (`commitSorted`);
   * the two indexes keyed by a hash (block hash → height, transaction id → location) are gathered in
   * memory (`HashKeyedRun`: 44 bytes a transaction, ~0.9 GB for 20 million) and written last, in key
   * order, so each is appended once instead of rewritten by every transaction. No state version is
   * written: the caller imports the state afterwards (`StateStore.importSorted`), with the block whose
   * header carries its root. Each transaction is atomic, the import as a whole is not: import into a fresh
   * directory. Returns the blocks written and the bytes of their records (keys and values).
   */
  importHistory(
    blocks: Iterable<HistoryBlock>,
    options: HistoryImportOptions = {},
  ): { blocks: number; bytes: number } {
    const batchBytes = options.batchBytes ?? 64 * 2 ** 20;
    const stateSubDbs = new Set(STATE_SUB_DBS);
    const indexes = new Map<string, HashKeyedRun>([
      [BlockSubDb.HeightByHash, new HashKeyedRun(8)],
      [BlockSubDb.TransactionLocations, new HashKeyedRun(12)],
    ]);
    let previous = this.latestHeight() ?? -1;
    let batch = this.#kv.createBatch();
    let inBatch = 0;
    let written = 0;
    let bytes = 0;
    const flush = () => {
      this.#kv.commitSorted(batch);
      batch = this.#kv.createBatch();
      inBatch = 0;
    };
    for (const { record, extraWrites = [] } of blocks) {
      if (!Number.isSafeInteger(record.height) || record.height <= previous)
        throw new StorageError(
          StorageErrorCode.InvalidArgument,
          `history must ascend past height ${previous}, got ${record.height}`,
        );
      for (const writes of [BlockStore.writesFor(record), extraWrites])
        for (const [subDb, key, value] of writes) {
          if (value === null || stateSubDbs.has(subDb))
            throw new StorageError(
              StorageErrorCode.InvalidArgument,
              `history writes puts outside the state only, not to '${subDb}'`,
            );
          bytes += key.length + value.length;
          const index = writes === extraWrites ? undefined : indexes.get(subDb);
          if (index !== undefined) index.add(key, value);
          else {
            batch.put(subDb, key, value);
            inBatch += key.length + value.length;
          }
        }
      previous = record.height;
      written++;
      if (inBatch >= batchBytes) {
        flush();
        options.onBatch?.(written, previous);
      }
    }
    if (batch.size > 0) flush();
    options.onBatch?.(written, previous);
    for (const [subDb, index] of indexes) {
      if (index.size === 0) continue;
      options.onIndex?.(subDb, index.size);
      const perBatch = Math.max(1, Math.floor(batchBytes / (HASH_LENGTH + index.valueLength)));
      for (const [key, value] of index.sorted()) {
        batch.put(subDb, key, value);
        if (batch.size >= perBatch) flush();
      }
      if (batch.size > 0) flush();
    }
    return { blocks: written, bytes };
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
  writeU64(bytes, 0, height);
  bytes[8] = index >>> 24;
  bytes[9] = (index >>> 16) & 0xff;
  bytes[10] = (index >>> 8) & 0xff;
  bytes[11] = index & 0xff;
  return bytes;
}
