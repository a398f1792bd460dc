// Throughput figures for `npm run bench`. Library code prints nothing: the caller formats the figures.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KvEnvironment } from './kv/kvStore.js';
import { openStorage } from './storage.js';

export interface StorageBenchOptions {
  /** Directory to create the scratch databases in; defaults to the OS temp directory. */
  directory?: string;
  /** Keys written and read by each measurement; defaults to 100,000. */
  keys?: number;
  /** Puts or tree changes per commit; defaults to 1,000. */
  batchSize?: number;
  /** Size of each value in bytes; defaults to 100. */
  valueBytes?: number;
  /** Changes per commit in the block-regime run; defaults to 300. */
  blockKeys?: number;
  /** Commits in the block-regime run; defaults to 40. */
  blocks?: number;
}

function countEntries(subDb: { iterate(prefix: Uint8Array): Iterable<unknown> }): number {
  let count = 0;
  for (const _ of subDb.iterate(new Uint8Array(0))) count++;
  return count;
}

export interface StorageBenchFigures {
  /** Raw KV puts per second, committed in batches of `batchSize` with fsync per commit. */
  batchedPutsPerSecond: number;
  /** Random point reads per second from the KV layer. */
  readsPerSecond: number;
  /** Keys per second through StateStore commits: flat write, tree update and node writes, one commit per batch. */
  treeKeysPerSecond: number;
  /**
   * Keys per second in the chain's regime: after the tree holds `keys` keys, commits of `blockKeys` changes
   * (a block of ~100 transfers changes ~300 keys), half of them new keys and half overwrites.
   */
  treeBlockKeysPerSecond: number;
  /** Keys per second of CPU (this process, user + system) in the same block-regime run. */
  treeBlockKeysPerCpuSecond: number;
  /** Tree node records written per changed key in the block-regime run. */
  nodeWritesPerKey: number;
  blockKeys: number;
  keys: number;
  batchSize: number;
  valueBytes: number;
}

export async function runStorageBench(options: StorageBenchOptions = {}): Promise<StorageBenchFigures> {
  const keys = options.keys ?? 100_000;
  const batchSize = options.batchSize ?? 1_000;
  const valueBytes = options.valueBytes ?? 100;
  const scratch = mkdtempSync(join(options.directory ?? tmpdir(), 'hanglian-storage-bench-'));
  const keyOf = (i: number): Uint8Array => {
    const key = new Uint8Array(12);
    new DataView(key.buffer).setUint32(0, 0x6b657973); // "keys"
    new DataView(key.buffer).setBigUint64(4, (BigInt(i) * 2654435761n) % 2n ** 64n); // spread, not sequential
    return key;
  };
  const value = new Uint8Array(valueBytes).fill(0xab);
  try {
    const kv = KvEnvironment.open({ path: join(scratch, 'kv'), subDbs: ['bench'] });
    let started = performance.now();
    for (let first = 0; first < keys; first += batchSize) {
      const batch = kv.createBatch();
      for (let i = first; i < Math.min(first + batchSize, keys); i++) batch.put('bench', keyOf(i), value);
      kv.commit(batch);
    }
    const batchedPutsPerSecond = keys / ((performance.now() - started) / 1000);

    const bench = kv.subDb('bench');
    started = performance.now();
    let found = 0;
    for (let i = 0; i < keys; i++) if (bench.get(keyOf((i * 7919) % keys)) !== undefined) found++;
    const readsPerSecond = keys / ((performance.now() - started) / 1000);
    await kv.close();
    if (found !== keys) throw new Error(`bench read back ${found} of ${keys} keys`);

    const storage = openStorage({ path: join(scratch, 'state') });
    started = performance.now();
    let version = 0;
    for (let first = 0; first < keys; first += batchSize) {
      const overlay = storage.state.beginBlock();
      for (let i = first; i < Math.min(first + batchSize, keys); i++) overlay.set(keyOf(i), value);
      overlay.commit(version++);
    }
    const treeKeysPerSecond = keys / ((performance.now() - started) / 1000);

    const blockKeys = options.blockKeys ?? 300;
    const blocks = options.blocks ?? 40;
    const treeNodes = storage.kv.subDb('state_tree');
    const nodesBefore = countEntries(treeNodes);
    const cpuBefore = process.cpuUsage();
    started = performance.now();
    for (let block = 0; block < blocks; block++) {
      const overlay = storage.state.beginBlock();
      for (let i = 0; i < blockKeys; i++) {
        // Half new keys past the pre-filled ones, half overwrites spread over the pre-filled ones.
        const index = i % 2 === 0 ? keys + block * blockKeys + i : (block * 7919 + i * 104729) % keys;
        overlay.set(keyOf(index), value);
      }
      overlay.commit(version++);
    }
    const blockSeconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const nodeWritesPerKey = (countEntries(treeNodes) - nodesBefore) / (blocks * blockKeys);
    await storage.close();

    return {
      batchedPutsPerSecond,
      readsPerSecond,
      treeKeysPerSecond,
      treeBlockKeysPerSecond: (blocks * blockKeys) / blockSeconds,
      treeBlockKeysPerCpuSecond: (blocks * blockKeys) / ((cpu.user + cpu.system) / 1e6),
      nodeWritesPerKey,
      keys,
      batchSize,
      blockKeys,
      valueBytes,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
