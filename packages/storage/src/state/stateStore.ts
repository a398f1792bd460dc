// The versioned, authenticated state that execution reads and writes.
//
// Two views of the same key/value set are kept in step by one LMDB transaction per version:
// - `state`: the current value of every key, for fast reads and ordered iteration;
// - `state_tree`: the sparse Merkle tree nodes, for roots, proofs and reads at past versions.
// A version (the block height) is committed from an overlay: execution writes into the overlay, and
// `commit` lands the flat changes, the tree nodes, the version's root, the latest-version marker and the
// caller's extra records (the block, its results, indexes) together. A crash leaves the old or the new
// version, never a mix, because LMDB commits a transaction by one meta-page switch.

import { ZERO_HASH } from '@hanglian/core';
import { bytesEqual, compareBytes, hexOf } from '../bytes.js';
import { StorageError, StorageErrorCode } from '../errors.js';
import { type KvEntry, type KvEnvironment, type KvSubDb, MAX_KEY_BYTES } from '../kv/kvStore.js';
import { SparseMerkleTree, type StateChange, type StateProof, type TreeUpdate } from './tree.js';

/** Sub-databases the state store owns. Their key layouts are specified in README.md. */
export const StateSubDb = {
  /** state key → current value. */
  Values: 'state',
  /** node hash (32 B) → node record. */
  TreeNodes: 'state_tree',
  /** version (u64 big-endian) → state root (32 B). */
  Roots: 'state_roots',
  /** ASCII marker name → value; holds `latest_version` → u64 big-endian. */
  Meta: 'state_meta',
} as const;

export const STATE_SUB_DBS: readonly string[] = Object.values(StateSubDb);

const LATEST_VERSION_KEY = new TextEncoder().encode('latest_version');

/** A record the caller lands in the same transaction as a version: `null` deletes the key. */
export type ExtraWrite = readonly [subDb: string, key: Uint8Array, value: Uint8Array | null];

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

  constructor(kv: KvEnvironment) {
    this.#kv = kv;
    this.#values = kv.subDb(StateSubDb.Values);
    this.#roots = kv.subDb(StateSubDb.Roots);
    this.#meta = kv.subDb(StateSubDb.Meta);
    const treeNodes = kv.subDb(StateSubDb.TreeNodes);
    this.#tree = new SparseMerkleTree({ getNode: (hash) => treeNodes.get(hash) });
  }

  /** The latest committed version, or undefined before the first commit. */
  latestVersion(): number | undefined {
    const bytes = this.#meta.get(LATEST_VERSION_KEY);
    return bytes === undefined ? undefined : decodeVersion(bytes);
  }

  /** The state root at `version`, or undefined when that version was never committed. */
  rootAt(version: number): Uint8Array | undefined {
    return this.#roots.get(encodeVersion(version));
  }

  /** The root at the latest version; ZERO_HASH (the empty tree) before the first commit. */
  latestRoot(): Uint8Array {
    const latest = this.latestVersion();
    return latest === undefined ? ZERO_HASH : this.#requireRoot(latest);
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
    return { version: at, root, key, value: this.#tree.get(root, key) ?? null, proof };
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
  computeUpdate(changes: readonly StateChange[]): TreeUpdate {
    return this.#tree.update(this.latestRoot(), changes);
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

    const update = precomputed ?? this.#tree.update(this.latestRoot(), changes);
    const batch = this.#kv.createBatch();
    for (const { key, value } of changes) {
      if (value === null) batch.delete(StateSubDb.Values, key);
      else batch.put(StateSubDb.Values, key, value);
    }
    for (const { hash, record } of update.nodesToWrite) batch.put(StateSubDb.TreeNodes, hash, record);
    batch.put(StateSubDb.Roots, encodeVersion(version), update.root);
    batch.put(StateSubDb.Meta, LATEST_VERSION_KEY, encodeVersion(version));
    for (const [subDb, key, value] of extraWrites) {
      if (value === null) batch.delete(subDb, key);
      else batch.put(subDb, key, value);
    }
    this.#kv.commit(batch);
    return { version, root: update.root };
  }

  #requireRoot(version: number): Uint8Array {
    const root = this.rootAt(version);
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
    this.#update ??= this.#store.computeUpdate(this.changes());
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
  new DataView(bytes.buffer).setBigUint64(0, BigInt(version));
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

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
