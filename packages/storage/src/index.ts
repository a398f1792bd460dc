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
export {
  EMPTY_TREE,
  encodeLeafRecord,
  GROUP_LEVELS,
  internalHash,
  leafHash,
  nodeKeyOf,
  pathBit,
  type TreeRef,
  versionOfNodeKey,
} from './state/nodeRecords.js';
export * from './state/stateStore.js';
export {
  SparseMerkleTree,
  type StateChange,
  type StateProof,
  TREE_DEPTH,
  type TreeNodeReader,
  type TreeNodeWrite,
  type TreeUpdate,
} from './state/tree.js';
export * from './storage.js';
