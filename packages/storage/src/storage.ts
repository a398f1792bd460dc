// Opening the node's storage in one call: one LMDB environment with the state's, the blocks' and the
// caller's sub-databases, so all of them can be written in one transaction.

import { BLOCK_SUB_DBS, BlockStore } from './blocks/blockStore.js';
import { type KvDurability, KvEnvironment } from './kv/kvStore.js';
import { STATE_SUB_DBS, type StatePruning, StateStore } from './state/stateStore.js';

export interface StorageOptions {
  /** Directory of the LMDB environment; created when missing. */
  path: string;
  /** Further sub-databases the caller writes through `extraWrites` (indexes, for instance). */
  extraSubDbs?: readonly string[];
  /** Defaults to `os-crash`: a returned commit survives power loss. */
  durability?: KvDurability;
  /** Keep only recent versions and snapshots of the state (default: archival, every version). */
  pruning?: StatePruning;
}

export interface Storage {
  kv: KvEnvironment;
  state: StateStore;
  blocks: BlockStore;
  close(): Promise<void>;
}

export function openStorage(options: StorageOptions): Storage {
  const kv = KvEnvironment.open({
    path: options.path,
    subDbs: [...STATE_SUB_DBS, ...BLOCK_SUB_DBS, ...(options.extraSubDbs ?? [])],
    ...(options.durability === undefined ? {} : { durability: options.durability }),
  });
  let state: StateStore;
  try {
    state = new StateStore(kv, options.pruning === undefined ? {} : { pruning: options.pruning });
  } catch (error) {
    // A refused directory (another storage format) is closed again before the error reaches the caller.
    void kv.close();
    throw error;
  }
  return { kv, state, blocks: new BlockStore(kv), close: () => kv.close() };
}
