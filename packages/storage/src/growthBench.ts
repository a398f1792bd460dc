// The state's growth figures (issue 14): what a block's state update costs once the ledger holds N keys,
// against a nearly empty one. Each ledger is pre-filled fast, by writing the state directly (the sorted
// import state sync uses, bottom-up, in batches), not by transactions; then the same blocks of changes are
// committed on top and their CPU per changed key, tree records per key, disk and memory are measured.
// Library code prints nothing: the caller formats the figures.

import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { orderByHash } from './hashOrder.js';
import type { ImportExtraWrites, StateStore } from './state/stateStore.js';
import { openStorage } from './storage.js';

export interface GrowthBenchOptions {
  /** Ledger sizes in keys (default 1,000, 100,000, 1,000,000, 10,000,000). */
  readonly sizes?: readonly number[];
  /** Blocks committed on each ledger, and keys changed per block (a block of ~100 transfers: ~300). */
  readonly blocks?: number;
  readonly blockKeys?: number;
  readonly valueBytes?: number;
  readonly directory?: string;
  /** Told of each phase as it starts and ends: a 10-million-key fill takes minutes. */
  readonly onProgress?: (line: string) => void;
}

export interface GrowthFigures {
  readonly keys: number;
  /** Pre-fill: keys written per second (wall), with the sort by path. */
  readonly fillKeysPerSecond: number;
  readonly fillSeconds: number;
  /** The blocks on top: CPU of this process per changed key (µs), and wall keys per second. */
  readonly cpuMicrosPerKey: number;
  readonly keysPerSecond: number;
  /** Tree node records written per changed key (from the records' count before and after). */
  readonly nodeRecordsPerKey: number | undefined;
  /** The ledger directory's size after the blocks, and per stored key. */
  readonly diskBytes: number;
  readonly diskBytesPerKey: number;
  /** Tree node records read from storage per changed key (not from the cache or the pinned levels). */
  readonly nodeReadsPerKey: number;
  /** Reading the tree's upper levels into memory before the blocks (as a node does at start), and their size. */
  readonly warmSeconds: number;
  readonly pinnedBytes: number;
  /** This process's resident memory after the blocks (LMDB's map of the file counts in it). */
  readonly rssBytes: number;
  /**
   * Of it, the process's own memory (Linux `RssAnon`: heap, buffers, the sort's arrays; not the file's
   * pages LMDB maps): the highest of the samples taken before the fill, at every million keys imported,
   * after the fill and after the blocks; undefined where /proc says nothing.
   */
  readonly anonPeakBytes: number | undefined;
  /**
   * Where a block's CPU goes, per changed key (µs, medians of `SPLIT_ROUNDS` blocks after the measured
   * ones): computing the tree update, and LMDB committing the tree's records alone or the flat values
   * alone (each in a batch of its own, so the next limit of the commit phase is visible).
   */
  readonly split: {
    readonly treeUpdate: number;
    readonly treeRecordsCommit: number;
    readonly valuesCommit: number;
  };
}

/** Blocks of the commit split, alternately the tree's records and the values (the first two left out). */
const SPLIT_ROUNDS = 12;

const KEY_BYTES = 16;

/** The i-th synthetic key: "acct" and a spread counter (ids are not sequential in a real ledger). */
export function growthKey(i: number): Uint8Array {
  const key = new Uint8Array(KEY_BYTES);
  const view = new DataView(key.buffer);
  view.setUint32(0, 0x61636374); // "acct"
  view.setBigUint64(4, (BigInt(i) * 0x9e3779b97f4a7c15n) % 2n ** 64n);
  view.setUint32(12, i >>> 0);
  return key;
}

/**
 * The indexes 0..n-1 in ascending order of sha256(growthKey(i)), the order the import needs, and those
 * hashes (32 bytes each, by index, in one buffer).
 */
function sortedByPath(n: number): { order: Uint32Array; hashes: Buffer } {
  const hashes = Buffer.allocUnsafe(n * 32);
  for (let i = 0; i < n; i++)
    createHash('sha256')
      .update(growthKey(i))
      .digest()
      .copy(hashes, i * 32);
  return { order: orderByHash(n, (i) => hashes.subarray(i * 32, i * 32 + 32)), hashes };
}

/**
 * Writes keys 0..n-1 (`growthKey`), each holding `value`, as the first version of an empty state store
 * (0 unless `also.version` says otherwise: a ledger with history below it): the same state, and root,
 * that committing them by blocks would make, in a fraction of the time. `also` adds other entries to the
 * same version (a chain's genesis state, in any order) and writes to commit with it (given, or made from
 * the root, like the block whose header carries it).
 */
export function prefillState(
  state: Pick<StateStore, 'importSorted'>,
  n: number,
  value: Uint8Array,
  progress: (line: string) => void = () => {},
  also: {
    readonly entries?: ReadonlyArray<{ key: Uint8Array; value: Uint8Array }>;
    readonly extraWrites?: ImportExtraWrites;
    readonly version?: number;
  } = {},
): void {
  const { order, hashes } = sortedByPath(n);
  const extra = (also.entries ?? [])
    .map((entry) => ({ ...entry, path: createHash('sha256').update(entry.key).digest() }))
    .sort((a, b) => Buffer.compare(a.path, b.path));
  state.importSorted(
    also.version ?? 0,
    (function* () {
      let next = 0;
      for (let j = 0; j < order.length; j++) {
        if (j > 0 && j % 1_000_000 === 0) progress(`  ${j.toLocaleString('en')} imported`);
        const index = order[j]!;
        const path = hashes.subarray(index * 32, index * 32 + 32);
        while (next < extra.length && Buffer.compare(extra[next]!.path, path) < 0) yield extra[next++]!;
        yield { key: growthKey(index), value };
      }
      while (next < extra.length) yield extra[next++]!;
    })(),
    also.extraWrites ?? [],
  );
}

/** The process's anonymous resident memory (Linux), in bytes. */
function anonBytes(): number | undefined {
  try {
    const match = /^RssAnon:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** Bytes the files under `dir` occupy on disk (LMDB's file is sparse: its length is not what it uses). */
export function directoryBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    total += stat.isDirectory() ? directoryBytes(path) : stat.blocks * 512;
  }
  return total;
}

function countRecords(
  subDb: { iterate(prefix: Uint8Array): Iterable<unknown> },
  limit: number,
): number | undefined {
  let count = 0;
  for (const _ of subDb.iterate(new Uint8Array(0))) if (++count > limit) return undefined;
  return count;
}

/**
 * The commit split (`GrowthFigures.split`), measured last because it leaves the store inconsistent: the
 * tree's records of a version that is never committed, and values the tree does not hold. Blocks of the same
 * shape as the measured ones; each is computed over the latest root, then either its tree records or its
 * values are committed in a batch alone.
 */
function commitSplit(
  storage: ReturnType<typeof openStorage>,
  keys: number,
  firstBlock: number,
  blockKeys: number,
  value: Uint8Array,
  version: number,
): GrowthFigures['split'] {
  const cpuMicros = () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  };
  const update: number[] = [];
  const records: number[] = [];
  const values: number[] = [];
  for (let round = 0; round < SPLIT_ROUNDS; round++) {
    const block = firstBlock + round;
    const changes = Array.from({ length: blockKeys }, (_, i) => ({
      key: growthKey(
        keys === 0 || i % 2 === 0 ? keys + block * blockKeys + i : (block * 7_919 + i * 104_729) % keys,
      ),
      value,
    }));
    let started = cpuMicros();
    const computed = storage.state.computeUpdate(changes, version);
    const updateMicros = cpuMicros() - started;
    const batch = storage.kv.createBatch();
    const treeRound = round % 2 === 0;
    if (treeRound) for (const { key, record } of computed.nodesToWrite) batch.put('state_tree', key, record);
    else for (const change of changes) batch.put('state', change.key, change.value);
    started = cpuMicros();
    storage.kv.commit(batch);
    const commitMicros = cpuMicros() - started;
    if (round < 2) continue; // the page cache and the node cache settle
    update.push(updateMicros / blockKeys);
    (treeRound ? records : values).push(commitMicros / blockKeys);
  }
  return { treeUpdate: median(update), treeRecordsCommit: median(records), valuesCommit: median(values) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Records counted at most this far (counting ten million takes longer than the blocks measured). */
const COUNT_LIMIT = 3_000_000;

export async function runGrowthBench(options: GrowthBenchOptions = {}): Promise<GrowthFigures[]> {
  const sizes = options.sizes ?? [1_000, 100_000, 1_000_000, 10_000_000];
  const blocks = options.blocks ?? 40;
  const blockKeys = options.blockKeys ?? 300;
  const value = new Uint8Array(options.valueBytes ?? 100).fill(0xab);
  const progress = options.onProgress ?? (() => {});
  const figures: GrowthFigures[] = [];
  for (const keys of sizes) {
    const scratch = mkdtempSync(join(options.directory ?? tmpdir(), 'hanglian-growth-bench-'));
    try {
      const storage = openStorage({ path: join(scratch, 'ledger') });
      progress(`${keys.toLocaleString('en')} keys: sorting by path and importing…`);
      let started = performance.now();
      let anonPeak = anonBytes();
      const sample = () => {
        const now = anonBytes();
        if (now !== undefined) anonPeak = Math.max(anonPeak ?? 0, now);
      };
      prefillState(storage.state, keys, value, (line) => {
        sample();
        progress(line);
      });
      sample();
      const fillSeconds = (performance.now() - started) / 1000;
      progress(`  filled in ${fillSeconds.toFixed(1)} s; ${blocks} blocks of ${blockKeys} changes on top…`);
      // As a node does at start: the tree's upper levels read into memory (StateStore.warmTree).
      started = performance.now();
      const warm = storage.state.warmTree();
      let warmed = warm.next();
      while (warmed.done !== true) warmed = warm.next();
      const warmSeconds = (performance.now() - started) / 1000;
      const pinnedBytes = warmed.value.bytes;
      progress(
        `  upper levels in memory: ${warmed.value.nodes.toLocaleString('en')} nodes read in ${warmSeconds.toFixed(1)} s`,
      );
      const treeNodes = storage.kv.subDb('state_tree');
      const recordsBefore = countRecords(treeNodes, COUNT_LIMIT);
      const readsBefore = storage.state.treeRecordsRead();
      const cpuBefore = process.cpuUsage();
      started = performance.now();
      let version = 1;
      for (let block = 0; block < blocks; block++) {
        const overlay = storage.state.beginBlock();
        for (let i = 0; i < blockKeys; i++) {
          // Half new keys past the filled ones, half overwrites spread over them (an account's balance).
          const index =
            keys === 0 || i % 2 === 0 ? keys + block * blockKeys + i : (block * 7_919 + i * 104_729) % keys;
          overlay.set(growthKey(index), value);
        }
        overlay.commit(version++);
      }
      sample();
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const recordsRead = storage.state.treeRecordsRead() - readsBefore;
      const recordsAfter =
        recordsBefore === undefined
          ? undefined
          : countRecords(treeNodes, COUNT_LIMIT + blocks * blockKeys * 40);
      const split = commitSplit(storage, keys, blocks, blockKeys, value, version);
      await storage.close();
      const changed = blocks * blockKeys;
      const diskBytes = directoryBytes(join(scratch, 'ledger'));
      figures.push({
        keys,
        fillKeysPerSecond: keys / Math.max(fillSeconds, 1e-9),
        fillSeconds,
        cpuMicrosPerKey: (cpu.user + cpu.system) / changed,
        keysPerSecond: changed / seconds,
        nodeRecordsPerKey:
          recordsBefore === undefined || recordsAfter === undefined
            ? undefined
            : (recordsAfter - recordsBefore) / changed,
        diskBytes,
        diskBytesPerKey: diskBytes / Math.max(1, keys + changed / 2),
        rssBytes: process.memoryUsage().rss,
        nodeReadsPerKey: recordsRead / (blocks * blockKeys),
        warmSeconds,
        pinnedBytes,
        anonPeakBytes: anonPeak,
        split,
      });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return figures;
}
