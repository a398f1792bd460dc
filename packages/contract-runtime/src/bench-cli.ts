/** Prints the sandbox benchmark: node packages/contract-runtime/dist/src/bench-cli.js [iterations] */
import { benchmarkSandbox } from './bench.js';

const iterations = Number(process.argv[2] ?? 500);
const figures = await benchmarkSandbox({ iterations });
const row = (label: string, t: { microsPerCall: number; callsPerSecond: number }, extra = '') =>
  `${label.padEnd(44)} ${t.microsPerCall.toFixed(2).padStart(10)} µs ${String(t.callsPerSecond).padStart(10)} /s${extra}`;
console.log(row('sandbox: empty call', figures.emptyCall, `   gas ${figures.emptyCall.gasUsed}`));
console.log(
  row(
    'sandbox: 5 reads + 3 writes (100 B) + 1 event',
    figures.typicalCall,
    `   gas ${figures.typicalCall.gasUsed}`,
  ),
);
console.log(row('kernel: same logic, TypeScript on a Map', figures.kernelEquivalent));
console.log(`sandbox / kernel ratio: ${figures.sandboxToKernelRatio}x`);
console.log(row('fresh QuickJS runtime + context (before)', figures.freshRuntimeAndContext));
console.log(row('pooled runtime, fresh context (not used)', figures.pooledRuntimeFreshContext));
console.log(
  `start, once per worker: metering the engine ${figures.start.meterMillis.toFixed(0)} ms CPU; a sandbox (its engines) ${figures.start.sandboxCreateMillis.toFixed(0)} ms CPU`,
);
