export { provideEngineWasm } from '#engine-wasm';
export { benchmarkSandbox, type SandboxBenchmark, type Throughput } from './bench.js';
export * from './errors.js';
export * from './gas.js';
export type * from './interface.js';
export * from './options.js';
export { CONTRACT_INTRINSICS, ContractSandbox } from './sandbox/sandbox.js';
