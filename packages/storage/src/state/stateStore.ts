// The versioned, authenticated state that execution reads and writes.
//
// Two views of the same key/value set are kept in step by one LMDB transaction per version:
// - `state`: the current value of every key, for fast reads and ordered iteration;
// - `state_tree`: the sparse Merkle tree nodes, for roots, proofs and reads at past versions.
// A version (the block height) is committed from an overlay: execution writes into the overlay, and
// `commit` lands the flat changes, the tree nodes, the version's root, the latest-version marker and the
// caller's extra records (the block, its results, indexes) together. A crash leaves the old or the new
// version, never a mix, because LMDB commits a transaction by one meta-page switch.

import { HASH_LENGTH, sha256, ZERO_HASH } from '@hanglian/core';
import { bytesEqual, compareBytes, hexOf, writeU64 } from '../bytes.js';
import { StorageError, StorageErrorCode } from '../errors.js';
import {
  type KvEntry,
  type KvEnvironment,
  type KvSubDb,
  type KvWriteBatch,
  MAX_KEY_BYTES,
} from '../kv/kvStore.js';
import {
  EMPTY_TREE,
  encodeInternalRecord,
  encodeLeafRecord,
  internalHash,
  leafHash,
  nodeKeyOf,
  pathBit,
  SparseMerkleTree,
  type StateChange,
  type StateProof,
  type TreeRef,
  type TreeUpdate,
  versionOfNodeKey,
} from './tree.js';

/** Sub-databases the state store owns. Their key layouts are specified in README.md. */
export const StateSubDb = {
  /** state key → current value. */
  Values: 'state',
  /** node key (u64 version ‖ u16 depth ‖ path prefix) → node record. */
  TreeNodes: 'state_tree',
  /** version (u64 big-endian) → state root (32 B) ‖ version of the root node (u64). */
  Roots: 'state_roots',
  /** ASCII marker name → value: `latest_version` → u64, `format` → u8, `pruned_below` and `snapshot_every` → u64. */
  Meta: 'state_meta',
  /** With pruning: u64 version ‖ node key → 0x00, the nodes that version left behind (pruning's to-do list). */
  Stale: 'state_stale',
} as const;

export const STATE_SUB_DBS: readonly string[] = Object.values(StateSubDb);

const LATEST_VERSION_KEY = new TextEncoder().encode('latest_version');
const FORMAT_KEY = new TextEncoder().encode('format');
const PRUNED_BELOW_KEY = new TextEncoder().encode('pruned_below');
const SNAPSHOT_EVERY_KEY = new TextEncoder().encode('snapshot_every');
const STALE_MARK = Uint8Array.of(0);

/**
 * Which versions a pruning store keeps: the latest `keepRecent` (the latest included) and every multiple of
 * `snapshotEvery`; the tree nodes only other versions reach are deleted as commits go by. Without pruning a
 * store is archival: every version stays readable and provable.
 */
export interface StatePruning {
  /** How many of the latest versions stay readable (at least 1). */
  readonly keepRecent: number;
  /** Versions that are multiples of this stay readable forever (0: none). Fixed once a store pruned. */
  readonly snapshotEvery?: number;
  /** Most stale nodes deleted by one commit, so one commit's extra work stays bounded (default 50,000). */
  readonly maxDeletesPerCommit?: number;
}

export interface StateStoreOptions {
  readonly pruning?: StatePruning;
  /** Decoded tree nodes kept in memory (default `DEFAULT_NODE_CACHE_SIZE`). */
  readonly nodeCacheSize?: number;
}
/**
 * The layout of the state's records. Format 1 (before December 2026) stored tree nodes under their hash;
 * format 2 stores them under version and position. A directory of another format is refused, never
 * converted: the node re-syncs (state sync or block replay) into a fresh directory.
 */
export const STATE_FORMAT = 2;

/** A record the caller lands in the same transaction as a version: `null` deletes the key. */
export type ExtraWrite = readonly [subDb: string, key: Uint8Array, value: Uint8Array | null];

/**
 * The caller's records of an imported version: given, or made from the root the import built (a block
 * whose header carries that state root, written in the same transaction as the state it commits to).
 */
export type ImportExtraWrites = readonly ExtraWrite[] | ((root: Uint8Array) => readonly ExtraWrite[]);

export interface CommittedVersion {
  version: number;
  root: Uint8Array;
}

export interface StateProofAtVersion {
  version: number;
  root: Uint8Array;
  key: Uint8Array;
  /** The key's value at that version, or null when absent. */
  value: Uint8Array | null;
  proof: StateProof;
}

/** A chunk of the state with the proofs of both its ends (`StateStore.snapshotRange`). */
export interface StateRangeChunk {
  entries: Array<{ keyHash: Uint8Array; key: Uint8Array; value: Uint8Array }>;
  proof: { left: StateProof | null; right: StateProof | null };
}

/** Read-only access to the latest committed state, for queries. */
export interface StateReader {
  get(key: Uint8Array): Uint8Array | undefined;
  /** Entries whose key starts with `prefix`, in ascending key order. */
  iterate(prefix: Uint8Array): Iterable<KvEntry>;
}

export class StateStore {
  readonly #kv: KvEnvironment;
  readonly #values: KvSubDb;
  readonly #roots: KvSubDb;
  readonly #meta: KvSubDb;
  readonly #tree: SparseMerkleTree;
  readonly #pruning: Required<StatePruning> | undefined;

  constructor(kv: KvEnvironment, options: StateStoreOptions = {}) {
    this.#kv = kv;
    this.#values = kv.subDb(StateSubDb.Values);
    this.#roots = kv.subDb(StateSubDb.Roots);
    this.#meta = kv.subDb(StateSubDb.Meta);
    const treeNodes = kv.subDb(StateSubDb.TreeNodes);
    this.#tree = new SparseMerkleTree(
      { getNode: (nodeKey) => treeNodes.get(nodeKey) },
      options.nodeCacheSize === undefined ? {} : { cacheSize: options.nodeCacheSize },
    );
    if (this.latestVersion() !== undefined) {
      const format = this.#meta.get(FORMAT_KEY);
      if (format === undefined || format.length !== 1 || format[0] !== STATE_FORMAT) {
        throw new StorageError(
          StorageErrorCode.Corrupt,
          `the state at ${kv.path} is in storage format ${format?.[0] ?? 1}; this version reads format ${STATE_FORMAT} only: move the directory away and let the node sync again`,
        );
      }
    }

    const pruning = options.pruning;
    if (pruning !== undefined) {
      const snapshotEvery = pruning.snapshotEvery ?? 0;
      if (!Number.isSafeInteger(pruning.keepRecent) || pruning.keepRecent < 1)
        throw new StorageError(StorageErrorCode.InvalidArgument, 'keepRecent must be an integer ≥ 1');
      if (!Number.isSafeInteger(snapshotEvery) || snapshotEvery < 0)
        throw new StorageError(StorageErrorCode.InvalidArgument, 'snapshotEvery must be an integer ≥ 0');
      const stored = this.#meta.get(SNAPSHOT_EVERY_KEY);
      if (stored !== undefined && decodeVersion(stored) !== snapshotEvery) {
        throw new StorageError(
          StorageErrorCode.InvalidArgument,
          `this state was pruned keeping a snapshot every ${decodeVersion(stored)} versions; it cannot change to ${snapshotEvery}`,
        );
      }
      this.#pruning = {
        keepRecent: pruning.keepRecent,
        snapshotEvery,
        maxDeletesPerCommit: pruning.maxDeletesPerCommit ?? 50_000,
      };
    }
  }

  /**
   * Whether `version` was committed but its state is no longer kept (pruning). Its root stays known
   * (`rootAt`); reads and proofs at it fail with STORAGE_PRUNED.
   */
  isPruned(version: number): boolean {
    const below = this.#meta.get(PRUNED_BELOW_KEY);
    if (below === undefined || version >= decodeVersion(below)) return false;
    const every = this.#meta.get(SNAPSHOT_EVERY_KEY);
    const snapshotEvery = every === undefined ? 0 : decodeVersion(every);
    return !(snapshotEvery > 0 && version % snapshotEvery === 0);
  }

  /** The lowest version whose state is kept apart from snapshots (undefined: nothing was pruned). */
  prunedBelow(): number | undefined {
    const below = this.#meta.get(PRUNED_BELOW_KEY);
    return below === undefined ? undefined : decodeVersion(below);
  }

  /** The latest committed version, or undefined before the first commit. */
  latestVersion(): number | undefined {
    const bytes = this.#meta.get(LATEST_VERSION_KEY);
    return bytes === undefined ? undefined : decodeVersion(bytes);
  }

  /** The state root at `version`, or undefined when that version was never committed. */
  rootAt(version: number): Uint8Array | undefined {
    return this.#rootRefAt(version)?.hash;
  }

  /**
   * Reads the tree's upper levels under the latest root into memory (`SparseMerkleTree.warmUpperLevels`),
   * so the first blocks after a start do not each re-read a dozen nodes per changed key. A generator: it
   * yields the nodes read so far every few thousand, and returns the total and the bytes they hold. Blocks
   * may commit between two steps: a node of an older root that was read is only a cache miss later.
   */
  *warmTree(): Generator<number, { nodes: number; bytes: number }> {
    const nodes = yield* this.#tree.warmUpperLevels(this.#latestRootRef());
    return { nodes, bytes: this.#tree.pinnedBytes() };
  }

  /** Tree node records read from storage since the store opened (cache hits read none): for benchmarks. */
  treeRecordsRead(): number {
    return this.#tree.recordsRead;
  }

  /** The root at the latest version; ZERO_HASH (the empty tree) before the first commit. */
  latestRoot(): Uint8Array {
    return this.#latestRootRef().hash;
  }

  #latestRootRef(): TreeRef {
    const latest = this.latestVersion();
    return latest === undefined ? EMPTY_TREE : this.#requireRoot(latest);
  }

  #rootRefAt(version: number): TreeRef | undefined {
    const record = this.#roots.get(encodeVersion(version));
    if (record === undefined) return undefined;
    if (record.length !== HASH_LENGTH + 8)
      throw new StorageError(StorageErrorCode.Corrupt, 'a stored root is not 40 bytes');
    return { hash: record.subarray(0, HASH_LENGTH), version: decodeVersion(record.subarray(HASH_LENGTH)) };
  }

  /** The current value of `key` (latest version), from the flat store. */
  get(key: Uint8Array): Uint8Array | undefined {
    return this.#values.get(key);
  }

  /** The value of `key` at a committed `version`, read through that version's tree. */
  getAt(key: Uint8Array, version: number): Uint8Array | undefined {
    return this.#tree.get(this.#requireRoot(version), key);
  }

  /** A proof of `key`'s value (or absence) at `version`, defaulting to the latest version. */
  prove(key: Uint8Array, version?: number): StateProofAtVersion {
    const at = version ?? this.latestVersion();
    if (at === undefined)
      throw new StorageError(StorageErrorCode.UnknownVersion, 'no version is committed yet');
    const root = this.#requireRoot(at);
    const proof = this.#tree.prove(root, key);
    return { version: at, root: root.hash, key, value: this.#tree.get(root, key) ?? null, proof };
  }

  /**
   * A chunk of the state at `version` for state sync: up to `limit` entries whose key hash follows
   * `afterKeyHash` (null: from the start), read from that version's tree, so later commits do not move it.
   */
  snapshotChunk(
    version: number,
    afterKeyHash: Uint8Array | null,
    limit: number,
  ): Array<{ keyHash: Uint8Array; key: Uint8Array; value: Uint8Array }> {
    return this.#tree.entriesAfter(this.#requireRoot(version), afterKeyHash, limit);
  }

  /**
   * A chunk of the state at `version` with its range proof (core's `verifyStateRange`): up to `limit`
   * entries whose path follows `afterKeyHash`, stopping at the first one past `until` when given (that one
   * included, so the asker sees its range end). The proof lets the asker check the chunk alone against the
   * version's root: nothing left out between the start and the last entry, nothing made up.
   */
  snapshotRange(
    version: number,
    afterKeyHash: Uint8Array | null,
    limit: number,
    until: Uint8Array | null = null,
  ): StateRangeChunk {
    const root = this.#requireRoot(version);
    const entries = this.#tree.entriesAfter(root, afterKeyHash, limit);
    if (until !== null) {
      const past = entries.findIndex((e) => compareBytes(e.keyHash, until) > 0);
      if (past >= 0) entries.length = past + 1;
    }
    const last = entries[entries.length - 1];
    return {
      entries,
      proof: {
        left: afterKeyHash === null ? null : this.#tree.provePath(root, afterKeyHash),
        right: last === undefined ? null : this.#tree.provePath(root, last.keyHash),
      },
    };
  }

  /**
   * Writes a whole state as the first version of an empty store (state sync), from entries strictly
   * ascending by path (sha256 of the key), read once: the tree is built bottom-up as they stream by and
   * written in transactions of `batchEntries` entries, so memory stays bounded (a stack of at most 256
   * subtrees and one batch) whatever the state's size. The last transaction lands the root, the version
   * markers and `extraWrites` (the block; a function of the root built when the block must carry it); until
   * it lands the store has no version. Returns the root built:
   * the caller compares it with the one it trusts before anything reads the store (an import that fails
   * or does not match leaves records behind: import into a fresh directory, and move it in place after).
   */
  importSorted(
    version: number,
    entries: Iterable<{ key: Uint8Array; value: Uint8Array }>,
    extraWrites: ImportExtraWrites = [],
    batchEntries = 10_000,
  ): CommittedVersion {
    checkVersion(version);
    if (this.latestVersion() !== undefined)
      throw new StorageError(
        StorageErrorCode.InvalidArgument,
        'a state is imported into an empty store only',
      );
    // Completed subtrees, left to right: each is the whole of the tree below its position so far.
    const stack: Array<{ depth: number; path: Uint8Array; hash: Uint8Array }> = [];
    let batch = this.#kv.createBatch();
    let inBatch = 0;
    const writeNode = (depth: number, path: Uint8Array, record: Uint8Array) =>
      batch.put(StateSubDb.TreeNodes, nodeKeyOf(version, depth, path), record);
    const ref = (hash: Uint8Array): TreeRef => (bytesEqual(hash, ZERO_HASH) ? EMPTY_TREE : { hash, version });
    // Joins the subtrees on top of the stack into one at depth `target` (their leaves are all in).
    const close = (target: number) => {
      for (;;) {
        const top = stack[stack.length - 1]!;
        if (top.depth <= target) return;
        const depth = top.depth - 1;
        const below = stack[stack.length - 2];
        let left = ZERO_HASH;
        let right = top.hash;
        let count = 1;
        if (pathBit(top.path, depth) === 0) {
          left = top.hash;
          right = ZERO_HASH;
        } else if (
          below !== undefined &&
          below.depth === top.depth &&
          sharesBits(below.path, top.path, depth)
        ) {
          left = below.hash;
          count = 2;
        }
        const hash = internalHash(left, right);
        writeNode(depth, top.path, encodeInternalRecord(ref(left), ref(right)));
        stack.length -= count;
        stack.push({ depth, path: top.path, hash });
      }
    };
    const flushIfFull = () => {
      if (inBatch < batchEntries) return;
      this.#kv.commit(batch);
      batch = this.#kv.createBatch();
      inBatch = 0;
    };
    // One entry of lookahead: a leaf's depth is one below where it parts from the nearer of its neighbours.
    let previousSplit = -1;
    let pending: { keyHash: Uint8Array; key: Uint8Array; value: Uint8Array } | undefined;
    const place = (leaf: { keyHash: Uint8Array; key: Uint8Array; value: Uint8Array }, nextSplit: number) => {
      const depth = Math.max(previousSplit, nextSplit) + 1;
      batch.put(StateSubDb.Values, leaf.key, leaf.value);
      writeNode(depth, leaf.keyHash, encodeLeafRecord(leaf.key, leaf.value));
      stack.push({ depth, path: leaf.keyHash, hash: leafHash(leaf.keyHash, sha256(leaf.value)) });
      close(nextSplit + 1);
      previousSplit = nextSplit;
      inBatch++;
      flushIfFull();
    };
    for (const { key, value } of entries) {
      checkKey(key);
      const keyHash = sha256(key);
      if (pending !== undefined) {
        if (compareBytes(keyHash, pending.keyHash) <= 0) {
          throw new StorageError(
            StorageErrorCode.InvalidArgument,
            'imported entries must be strictly ascending by key hash',
          );
        }
        place(pending, commonBits(pending.keyHash, keyHash));
      }
      pending = { keyHash, key: key.slice(), value: value.slice() };
    }
    if (pending !== undefined) place(pending, -1);
    const root = stack.length === 0 ? EMPTY_TREE : { hash: stack[0]!.hash, version };
    const rootRecord = new Uint8Array(HASH_LENGTH + 8);
    rootRecord.set(root.hash, 0);
    rootRecord.set(encodeVersion(root.version), HASH_LENGTH);
    batch.put(StateSubDb.Roots, encodeVersion(version), rootRecord);
    batch.put(StateSubDb.Meta, LATEST_VERSION_KEY, encodeVersion(version));
    batch.put(StateSubDb.Meta, FORMAT_KEY, Uint8Array.of(STATE_FORMAT));
    for (const [subDb, key, value] of typeof extraWrites === 'function'
      ? extraWrites(root.hash)
      : extraWrites) {
      if (value === null) batch.delete(subDb, key);
      else batch.put(subDb, key, value);
    }
    this.#kv.commit(batch);
    return { version, root: root.hash };
  }

  /**
   * A read-only view of the latest state for queries. Reads made in one synchronous run see one version
   * (commits are synchronous too); a query that awaits between reads may see a later version, and should
   * use `getAt(key, version)` when it needs one fixed version.
   */
  reader(): StateReader {
    return { get: (key) => this.#values.get(key), iterate: (prefix) => this.#values.iterate(prefix) };
  }

  /** Starts the changes of the next version. Nothing is written until the overlay's `commit`. */
  beginBlock(): StateOverlay {
    this.#kv.assertOpen();
    return new StateOverlay(this, this.latestVersion());
  }

  /**
   * @internal The tree update `changes` would make over the latest root, without writing anything. The
   * proposer needs the new root for the block header before the block can be committed.
   */
  computeUpdate(changes: readonly StateChange[], version: number): TreeUpdate {
    return this.#tree.update(this.#latestRootRef(), changes, version, {
      trackStale: this.#pruning !== undefined,
    });
  }

  /** @internal Called by `StateOverlay.commit`. */
  commitChanges(
    baseVersion: number | undefined,
    version: number,
    changes: readonly StateChange[],
    extraWrites: readonly ExtraWrite[],
    precomputed?: TreeUpdate,
  ): CommittedVersion {
    checkVersion(version);
    const latest = this.latestVersion();
    if (latest !== baseVersion) {
      throw new StorageError(
        StorageErrorCode.VersionConflict,
        `the state moved from version ${baseVersion} to ${latest} while the overlay was open`,
      );
    }
    // Heights are consecutive: a gap or a repeat is a bug upstream, and catching it here keeps
    // `rootAt` total over 0..latest.
    if (latest !== undefined && version !== latest + 1) {
      throw new StorageError(
        StorageErrorCode.VersionConflict,
        `version ${version} does not follow the latest version ${latest}`,
      );
    }
    const ownSubDbs = new Set(STATE_SUB_DBS);
    for (const [subDb] of extraWrites) {
      if (ownSubDbs.has(subDb)) {
        throw new StorageError(
          StorageErrorCode.InvalidArgument,
          `extra writes may not touch the state's own sub-database '${subDb}'`,
        );
      }
    }

    const update =
      precomputed !== undefined && precomputed.version === version
        ? precomputed
        : this.computeUpdate(changes, version);
    const batch = this.#kv.createBatch();
    for (const { key, value } of changes) {
      if (value === null) batch.delete(StateSubDb.Values, key);
      else batch.put(StateSubDb.Values, key, value);
    }
    for (const { key, record } of update.nodesToWrite) batch.put(StateSubDb.TreeNodes, key, record);
    const rootRecord = new Uint8Array(HASH_LENGTH + 8);
    rootRecord.set(update.rootRef.hash, 0);
    rootRecord.set(encodeVersion(update.rootRef.version), HASH_LENGTH);
    batch.put(StateSubDb.Roots, encodeVersion(version), rootRecord);
    batch.put(StateSubDb.Meta, LATEST_VERSION_KEY, encodeVersion(version));
    batch.put(StateSubDb.Meta, FORMAT_KEY, Uint8Array.of(STATE_FORMAT));
    if (this.#pruning !== undefined) this.#prune(batch, version, update.staleNodeKeys);
    for (const [subDb, key, value] of extraWrites) {
      if (value === null) batch.delete(subDb, key);
      else batch.put(subDb, key, value);
    }
    this.#kv.commit(batch);
    return { version, root: update.root };
  }

  // Records what `version` left behind, then deletes the nodes that no kept version reaches: a node written
  // at version c and left behind at version s is reachable from versions c..s-1 only, so once s is at or
  // below the oldest recent version kept, it goes unless a snapshot version lies in c..s-1. Deletes land in
  // the commit's own transaction, with the new `pruned_below`, so no reader sees a half-pruned version.
  #prune(batch: KvWriteBatch, version: number, staleNodeKeys: readonly Uint8Array[]): void {
    const { keepRecent, snapshotEvery, maxDeletesPerCommit } = this.#pruning!;
    const versionKey = encodeVersion(version);
    for (const nodeKey of staleNodeKeys) batch.put(StateSubDb.Stale, concat(versionKey, nodeKey), STALE_MARK);
    const oldestKept = version - keepRecent + 1;
    const before = this.prunedBelow() ?? 0;
    if (oldestKept <= before) return;
    let reached = oldestKept;
    let seen = 0;
    const stale = this.#kv.subDb(StateSubDb.Stale);
    for (const { key } of stale.iterateRange(
      encodeVersion(0),
      encodeVersion(oldestKept + 1),
      maxDeletesPerCommit,
    )) {
      const staleSince = decodeVersion(key.subarray(0, 8));
      const nodeKey = key.subarray(8);
      const created = versionOfNodeKey(nodeKey);
      batch.delete(StateSubDb.Stale, key);
      const snapshotBetween =
        snapshotEvery > 0 && Math.floor((staleSince - 1) / snapshotEvery) * snapshotEvery >= created;
      if (!snapshotBetween) batch.delete(StateSubDb.TreeNodes, nodeKey);
      if (++seen === maxDeletesPerCommit) reached = staleSince;
    }
    if (reached <= before) return;
    batch.put(StateSubDb.Meta, PRUNED_BELOW_KEY, encodeVersion(reached));
    batch.put(StateSubDb.Meta, SNAPSHOT_EVERY_KEY, encodeVersion(snapshotEvery));
  }

  #requireRoot(version: number): TreeRef {
    if (this.isPruned(version)) {
      throw new StorageError(
        StorageErrorCode.Pruned,
        `the state at version ${version} was pruned (kept: from version ${this.prunedBelow()}, and snapshots)`,
      );
    }
    const root = this.#rootRefAt(version);
    if (root === undefined)
      throw new StorageError(StorageErrorCode.UnknownVersion, `no root for version ${version}`);
    return root;
  }
}

/**
 * The uncommitted changes of one version over the committed state. Reads see the overlay's own writes
 * first, then the committed state.
 */
export class StateOverlay {
  readonly #store: StateStore;
  readonly #baseVersion: number | undefined;
  readonly #changes = new Map<string, StateChange>();
  #finished = false;
  /** The tree update for the current changes, once computed; any write invalidates it. */
  #update: TreeUpdate | undefined;

  /** @internal Use `StateStore.beginBlock()`. */
  constructor(store: StateStore, baseVersion: number | undefined) {
    this.#store = store;
    this.#baseVersion = baseVersion;
  }

  /** The version this overlay builds on (undefined for the first version). */
  get baseVersion(): number | undefined {
    return this.#baseVersion;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    this.#assertActive();
    const change = this.#changes.get(hexOf(key));
    if (change !== undefined) return change.value ?? undefined;
    return this.#store.get(key);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.#assertActive();
    checkKey(key);
    this.#update = undefined;
    // Copies, so a caller reusing its buffers cannot change what will be committed.
    this.#changes.set(hexOf(key), { key: key.slice(), value: value.slice() });
  }

  delete(key: Uint8Array): void {
    this.#assertActive();
    checkKey(key);
    this.#update = undefined;
    this.#changes.set(hexOf(key), { key: key.slice(), value: null });
  }

  /**
   * Entries whose key starts with `prefix`, in ascending key order, merging the overlay over the committed
   * state. The overlay's changes are read when iteration starts; changes made during it are not seen.
   */
  *iterate(prefix: Uint8Array): Generator<KvEntry> {
    this.#assertActive();
    const pending = [...this.#changes.values()]
      .filter((change) => startsWith(change.key, prefix))
      .sort((a, b) => compareBytes(a.key, b.key));
    let next = 0;
    for (const stored of this.#store.reader().iterate(prefix)) {
      while (next < pending.length && compareBytes(pending[next]!.key, stored.key) < 0) {
        const change = pending[next++]!;
        if (change.value !== null) yield { key: change.key, value: change.value };
      }
      const same = next < pending.length && bytesEqual(pending[next]!.key, stored.key);
      if (same) {
        const change = pending[next++]!;
        if (change.value !== null) yield { key: change.key, value: change.value };
      } else {
        yield stored;
      }
    }
    for (; next < pending.length; next++) {
      const change = pending[next]!;
      if (change.value !== null) yield { key: change.key, value: change.value };
    }
  }

  /** True when a key starting with `prefix` was written or deleted (also after the commit). */
  hasChangeUnder(prefix: Uint8Array): boolean {
    for (const change of this.#changes.values()) if (startsWith(change.key, prefix)) return true;
    return false;
  }

  /** The changes so far, in ascending key order (deletes have `value: null`). */
  changes(): StateChange[] {
    return [...this.#changes.values()].sort((a, b) => compareBytes(a.key, b.key));
  }

  /**
   * Lands this overlay as `version`, with `extraWrites`, in one atomic, durable transaction.
   * On failure nothing is written and the overlay stays usable.
   */
  /**
   * The state root this overlay would commit, computed without writing. Cached until the next write, so
   * the commit that follows does not redo the tree work.
   */
  previewRoot(): Uint8Array {
    this.#assertActive();
    // The version this overlay will most likely commit as; `commit` recomputes if it is another.
    this.#update ??= this.#store.computeUpdate(
      this.changes(),
      this.#baseVersion === undefined ? 0 : this.#baseVersion + 1,
    );
    return this.#update.root;
  }

  commit(version: number, extraWrites: readonly ExtraWrite[] = []): CommittedVersion {
    this.#assertActive();
    const committed = this.#store.commitChanges(
      this.#baseVersion,
      version,
      this.changes(),
      extraWrites,
      this.#update,
    );
    this.#finished = true;
    return committed;
  }

  /** Drops the changes; nothing was written. */
  discard(): void {
    this.#finished = true;
    this.#changes.clear();
  }

  #assertActive(): void {
    if (this.#finished) {
      throw new StorageError(
        StorageErrorCode.OverlayFinished,
        'the overlay was already committed or discarded',
      );
    }
  }
}

/** Versions are stored as u64 big-endian so their byte order is their numeric order. */
export function encodeVersion(version: number): Uint8Array {
  checkVersion(version);
  const bytes = new Uint8Array(8);
  writeU64(bytes, 0, version);
  return bytes;
}

export function decodeVersion(bytes: Uint8Array): number {
  if (bytes.length !== 8) throw new StorageError(StorageErrorCode.Corrupt, 'a stored version is not 8 bytes');
  const version = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
  if (version > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new StorageError(StorageErrorCode.Corrupt, 'a stored version exceeds 2^53 - 1');
  }
  return Number(version);
}

function checkVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new StorageError(StorageErrorCode.InvalidArgument, `a version must be a safe non-negative integer`);
  }
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length === 0 || key.length > MAX_KEY_BYTES) {
    throw new StorageError(
      StorageErrorCode.InvalidArgument,
      `a state key must be 1 to ${MAX_KEY_BYTES} bytes`,
    );
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** Whether `a` and `b` agree on their first `bits` bits. */
function sharesBits(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  return commonBits(a, b) >= bits;
}

/** How many leading bits two 256-bit paths share (256 when equal). */
function commonBits(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const x = (a[i] as number) ^ (b[i] as number);
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return a.length * 8;
}
