export { runStorageBench, type StorageBenchFigures, type StorageBenchOptions } from './bench.js';
export * from './blocks/blockStore.js';
export * from './errors.js';
export {
  directoryBytes,
  type GrowthBenchOptions,
  type GrowthFigures,
  growthKey,
  prefillState,
  runGrowthBench,
} from './growthBench.js';
export * from './kv/kvStore.js';
export * from './state/stateStore.js';
export {
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
  TREE_DEPTH,
  type TreeNodeReader,
  type TreeNodeWrite,
  type TreeRef,
  type TreeUpdate,
  versionOfNodeKey,
} from './state/tree.js';
export * from './storage.js';
