// A thin, byte-only layer over lmdb-js: one LMDB environment (a directory) holding named sub-databases,
// synchronous reads, ordered iteration by prefix, and write batches committed in one LMDB transaction.
//
// Durability (see README.md, "Durability", for the evidence): every commit goes through
// `transactionSync`. With lmdb-js 3.5.6 defaults on Linux (`overlappingSync` on), a transaction begun by
// `transactionSync` is not a NOSYNC transaction, so `mdb_txn_commit` writes the data pages, calls
// fdatasync, then writes the meta page through the O_DSYNC descriptor, all before returning. The
// asynchronous `put`/`flushed` machinery of lmdb-js is never used here: `db.flushed` does not cover
// synchronous transactions in this version.

import { type Database, open, type RootDatabase } from 'lmdb';
import { StorageError, StorageErrorCode } from '../errors.js';

/**
 * What a returned `commit()` survives.
 * - `os-crash` (default): the commit is fsynced before `commit()` returns; it survives a power loss.
 * - `process-crash`: the commit is in the OS page cache before `commit()` returns; it survives SIGKILL of
 *   this process but an OS crash may lose the latest commits. `flush()` makes everything so far durable.
 */
export type KvDurability = 'os-crash' | 'process-crash';

export interface KvOptions {
  /** Directory of the LMDB environment; created when missing. */
  path: string;
  /** Every sub-database this environment will hold. LMDB needs the count when it opens the directory. */
  subDbs: readonly string[];
  /** Defaults to `os-crash`. */
  durability?: KvDurability;
}

export interface KvEntry {
  key: Uint8Array;
  value: Uint8Array;
}

/** Longest key LMDB accepts with lmdb-js's default page settings. */
export const MAX_KEY_BYTES = 1978;

/** Read access to one named sub-database. Reads see the latest committed transaction. */
export class KvSubDb {
  readonly name: string;
  readonly #db: Database<Buffer, Buffer>;
  readonly #environment: KvEnvironment;

  /** @internal Use `KvEnvironment.subDb(name)`. */
  constructor(environment: KvEnvironment, name: string, db: Database<Buffer, Buffer>) {
    this.#environment = environment;
    this.name = name;
    this.#db = db;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    this.#environment.assertOpen();
    const value = this.#db.get(asBuffer(checkKey(key)));
    return value === undefined ? undefined : asBytes(value);
  }

  has(key: Uint8Array): boolean {
    return this.get(key) !== undefined;
  }

  /**
   * Entries whose key starts with `prefix`, in ascending byte order of key (descending with `reverse`).
   * An empty prefix iterates the whole sub-database. The iteration reads one LMDB snapshot.
   */
  *iterate(prefix: Uint8Array, options: { reverse?: boolean; limit?: number } = {}): Generator<KvEntry> {
    this.#environment.assertOpen();
    const end = prefixUpperBound(prefix);
    const reverse = options.reverse === true;
    const range = this.#db.getRange({
      // lmdb-js swaps the meaning of start and end when iterating in reverse.
      ...(reverse
        ? {
            start: end === undefined ? undefined : asBuffer(end),
            exclusiveStart: true,
            end: emptyToUndefined(prefix),
            inclusiveEnd: true,
          }
        : { start: emptyToUndefined(prefix), end: end === undefined ? undefined : asBuffer(end) }),
      reverse,
      snapshot: true,
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    });
    for (const { key, value } of range) {
      // lmdb-js may reuse the key buffer between steps; copy so callers can keep what they get.
      yield { key: Uint8Array.from(key as Buffer), value: asBytes(value) };
    }
  }
  /** Up to `limit` entries with `start` ≤ key < `end`, in ascending byte order of key, from one snapshot. */
  *iterateRange(start: Uint8Array, end: Uint8Array, limit: number): Generator<KvEntry> {
    this.#environment.assertOpen();
    const range = this.#db.getRange({ start: asBuffer(start), end: asBuffer(end), limit, snapshot: true });
    for (const { key, value } of range) yield { key: Uint8Array.from(key as Buffer), value: asBytes(value) };
  }
}

/** A set of puts and deletes across sub-databases, applied all together or not at all by `commit`. */
export class KvWriteBatch {
  readonly #subDbNames: ReadonlySet<string>;
  readonly #operations: { subDb: string; key: Uint8Array; value: Uint8Array | null }[] = [];

  /** @internal Use `KvEnvironment.createBatch()`. */
  constructor(subDbNames: ReadonlySet<string>) {
    this.#subDbNames = subDbNames;
  }

  put(subDb: string, key: Uint8Array, value: Uint8Array): this {
    this.#operations.push({ subDb: this.#checkSubDb(subDb), key: checkKey(key), value });
    return this;
  }

  delete(subDb: string, key: Uint8Array): this {
    this.#operations.push({ subDb: this.#checkSubDb(subDb), key: checkKey(key), value: null });
    return this;
  }

  get size(): number {
    return this.#operations.length;
  }

  /** @internal The operations in the order they were added; later ones win. */
  operations(): readonly { subDb: string; key: Uint8Array; value: Uint8Array | null }[] {
    return this.#operations;
  }

  #checkSubDb(name: string): string {
    if (!this.#subDbNames.has(name)) {
      throw new StorageError(StorageErrorCode.InvalidArgument, `unknown sub-database '${name}'`);
    }
    return name;
  }
}

/** One LMDB environment: a directory, its sub-databases, and the only way to write to them. */
export class KvEnvironment {
  readonly path: string;
  readonly durability: KvDurability;
  readonly #root: RootDatabase;
  readonly #dbs: Map<string, Database<Buffer, Buffer>>;
  readonly #subDbs = new Map<string, KvSubDb>();
  #closed = false;

  private constructor(path: string, durability: KvDurability, root: RootDatabase, dbs: Map<string, any>) {
    this.path = path;
    this.durability = durability;
    this.#root = root;
    this.#dbs = dbs;
  }

  static open(options: KvOptions): KvEnvironment {
    const names = new Set(options.subDbs);
    if (names.size !== options.subDbs.length) {
      throw new StorageError(StorageErrorCode.InvalidArgument, 'sub-database names must be distinct');
    }
    const durability = options.durability ?? 'os-crash';
    const root = open({
      path: options.path,
      maxDbs: names.size + 1,
      // `noSync` keeps a commit in the page cache only (process-crash durability). Otherwise lmdb-js's
      // defaults apply, under which `transactionSync` fsyncs before returning.
      ...(durability === 'process-crash' ? { noSync: true } : {}),
    });
    const dbs = new Map<string, Database<Buffer, Buffer>>();
    for (const name of names) {
      dbs.set(name, root.openDB<Buffer, Buffer>({ name, keyEncoding: 'binary', encoding: 'binary' }));
    }
    return new KvEnvironment(options.path, durability, root, dbs);
  }

  /** Read access to a sub-database declared at open. */
  subDb(name: string): KvSubDb {
    this.assertOpen();
    let subDb = this.#subDbs.get(name);
    if (subDb === undefined) {
      const db = this.#dbs.get(name);
      if (db === undefined) {
        throw new StorageError(StorageErrorCode.InvalidArgument, `unknown sub-database '${name}'`);
      }
      subDb = new KvSubDb(this, name, db);
      this.#subDbs.set(name, subDb);
    }
    return subDb;
  }

  createBatch(): KvWriteBatch {
    this.assertOpen();
    return new KvWriteBatch(new Set(this.#dbs.keys()));
  }

  /**
   * Applies the batch in one LMDB transaction. When this returns, the batch is visible to reads and is
   * as durable as `durability` says; when it throws, nothing of the batch was applied.
   */
  commit(batch: KvWriteBatch): void {
    this.assertOpen();
    const operations = batch.operations();
    if (operations.length === 0) return;
    this.#root.transactionSync(() => {
      for (const { subDb, key, value } of operations) {
        const db = this.#dbs.get(subDb)!;
        if (value === null) db.removeSync(asBuffer(key));
        else db.putSync(asBuffer(key), asBuffer(value));
      }
    });
  }

  /**
   * Applies a batch of puts (no deletes) in one LMDB transaction, as `commit` does, for bulk imports: each
   * sub-database's puts are written in ascending key order (of equal keys, the last put wins), and when
   * they all lie past the sub-database's greatest key they are appended (MDB_APPEND: no search, pages
   * filled instead of split in half). Keys arriving in random order (hashes) still land in order, so a
   * large batch touches each page once. Same atomicity and durability as `commit`.
   */
  commitSorted(batch: KvWriteBatch): void {
    this.assertOpen();
    const bySubDb = new Map<string, { key: Buffer; value: Buffer }[]>();
    for (const { subDb, key, value } of batch.operations()) {
      if (value === null)
        throw new StorageError(StorageErrorCode.InvalidArgument, 'a sorted commit holds puts only');
      let puts = bySubDb.get(subDb);
      if (puts === undefined) bySubDb.set(subDb, (puts = []));
      puts.push({ key: asBuffer(key), value: asBuffer(value) });
    }
    if (bySubDb.size === 0) return;
    const runs = [...bySubDb].map(([name, unsorted]) => {
      // Stable: of equal keys, the later put stays after the earlier one, and only the last is kept.
      const { puts, duplicates } = sortedByKey(unsorted);
      const kept = duplicates
        ? puts.filter((put, i) => i + 1 === puts.length || !put.key.equals(puts[i + 1]!.key))
        : puts;
      const db = this.#dbs.get(name)!;
      let greatest: Buffer | undefined;
      for (const key of db.getKeys({ reverse: true, limit: 1, snapshot: false })) greatest = key as Buffer;
      const append = greatest === undefined || Buffer.compare(kept[0]!.key, greatest) > 0;
      return { db, kept, append };
    });
    this.#root.transactionSync(() => {
      for (const { db, kept, append } of runs) {
        if (append) for (const { key, value } of kept) db.putSync(key, value, { append: true });
        else for (const { key, value } of kept) db.putSync(key, value);
      }
    });
  }

  /** Forces every commit so far to stable storage (fsync). Needed only with `process-crash` durability. */
  flush(): Promise<void> {
    this.assertOpen();
    // `sync` exists on lmdb-js's root database (mdb_env_sync with force) but is missing from its typings.
    const root = this.#root as unknown as { sync(callback: (error?: Error) => void): void };
    return new Promise((resolve, reject) => {
      root.sync((error) => (error ? reject(error) : resolve()));
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#root.close();
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** @internal */
  assertOpen(): void {
    if (this.#closed) throw new StorageError(StorageErrorCode.Closed, `storage at ${this.path} is closed`);
  }
}

/** Entries packed with their first four key bytes in one float64 sort: up to 2^21 per sort. */
const PACKED_SORT_LIMIT = 2 ** 21;

/**
 * `puts` in ascending byte order of key, stably (equal keys keep their order). Already sorted (heights
 * arriving in order): as they are. Otherwise by a numeric sort of each key's first four bytes packed with
 * its position, ten times faster than comparing buffers for random keys (hashes), then runs of equal
 * first bytes put in order by comparing their keys.
 */
function sortedByKey<T extends { key: Buffer }>(puts: T[]): { puts: T[]; duplicates: boolean } {
  let sorted = true;
  let duplicates = false;
  for (let i = 1; i < puts.length && sorted; i++) {
    const order = Buffer.compare(puts[i - 1]!.key, puts[i]!.key);
    sorted = order <= 0;
    duplicates ||= order === 0;
  }
  if (sorted) return { puts, duplicates };
  // Whether keys repeat is left to the caller's check of neighbours once sorted.
  if (puts.length > PACKED_SORT_LIMIT)
    return { puts: puts.sort((a, b) => Buffer.compare(a.key, b.key)), duplicates: true };
  const prefixOf = (key: Buffer) =>
    key.length >= 4 ? key.readUInt32BE(0) : Buffer.concat([key, Buffer.alloc(4)]).readUInt32BE(0);
  const packed = new Float64Array(puts.length);
  for (let i = 0; i < puts.length; i++) packed[i] = prefixOf(puts[i]!.key) * PACKED_SORT_LIMIT + i;
  packed.sort();
  const out = Array.from(packed, (p) => puts[p % PACKED_SORT_LIMIT]!);
  // Equal keys have equal first bytes: they can only meet in these runs.
  for (let start = 0; start < out.length; ) {
    const prefix = Math.floor(packed[start]! / PACKED_SORT_LIMIT);
    let end = start + 1;
    while (end < out.length && Math.floor(packed[end]! / PACKED_SORT_LIMIT) === prefix) end++;
    if (end - start > 1) {
      const run = out.slice(start, end).sort((a, b) => {
        const order = Buffer.compare(a.key, b.key);
        duplicates ||= order === 0;
        return order;
      });
      for (let i = 0; i < run.length; i++) out[start + i] = run[i]!;
      // A sort may never compare two neighbours it finds in order: check them.
      for (let i = start + 1; i < end && !duplicates; i++) duplicates = out[i - 1]!.key.equals(out[i]!.key);
    }
    start = end;
  }
  return { puts: out, duplicates };
}

/**
 * The smallest key greater than every key starting with `prefix`, or undefined when no such key exists
 * (empty prefix, or a prefix of only 0xff bytes).
 */
export function prefixUpperBound(prefix: Uint8Array): Uint8Array | undefined {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  const bound = prefix.slice(0, end);
  bound[end - 1] = (bound[end - 1] as number) + 1;
  return bound;
}

function checkKey(key: Uint8Array): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length === 0 || key.length > MAX_KEY_BYTES) {
    throw new StorageError(
      StorageErrorCode.InvalidArgument,
      `a key must be 1 to ${MAX_KEY_BYTES} bytes, got ${key instanceof Uint8Array ? key.length : typeof key}`,
    );
  }
  return key;
}

function emptyToUndefined(prefix: Uint8Array): Buffer | undefined {
  return prefix.length === 0 ? undefined : asBuffer(prefix);
}

/** A Buffer view of the same memory (no copy); lmdb-js wants Buffers for binary keys and values. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A plain Uint8Array view of a Buffer lmdb-js handed us (already a dedicated copy for binary encoding). */
function asBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
