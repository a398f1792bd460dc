/**
 * Prints the time per million gas of every generated worst-case contract (src/worstCase.ts) beside the bound
 * the schedule promises: `npm run bench -- --gas` (or `node packages/contract-runtime/dist/src/gas-bench-cli.js
 * [--json] [--top N] [--filter REGEX]`).
 */
import { availableParallelism, cpus, totalmem } from 'node:os';
import { DEFAULT_GAS_SCHEDULE, MAX_MS_PER_MILLION_GAS } from './gas.js';
import { measureWorstCases } from './worstCase.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const top = Number(flag('--top') ?? 25);
const filter = flag('--filter');
const started = performance.now();
const report = await measureWorstCases(filter === undefined ? {} : { filter: new RegExp(filter) });
const seconds = (performance.now() - started) / 1000;
const worst = report.cases[0];
const machine = `${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const maxBlockGas = 120_000_000;
if (args.includes('--json')) {
  console.log(
    JSON.stringify({
      part: 'gas',
      machine,
      boundMsPerMillionGas: MAX_MS_PER_MILLION_GAS,
      schedule: DEFAULT_GAS_SCHEDULE,
      builtins: report.builtins,
      cases: report.cases,
    }),
  );
} else {
  console.log(`gas: worst-case contracts on ${machine}`);
  console.log(
    `${report.cases.length} cases (${report.builtins} built-ins × argument shapes, and patterns) in ${seconds.toFixed(0)} s`,
  );
  console.log(
    `bound ${MAX_MS_PER_MILLION_GAS} ms per million gas: a full block of ${maxBlockGas / 1e6} M gas within ${((MAX_MS_PER_MILLION_GAS * maxBlockGas) / 1e9).toFixed(2)} s`,
  );
  if (worst !== undefined) {
    console.log(
      `slowest case ${worst.msPerMillionGas.toFixed(2)} ms per million gas (${worst.name}): a full block within ${((worst.msPerMillionGas * maxBlockGas) / 1e9).toFixed(2)} s`,
    );
  }
  console.log(`${'ms/Mgas'.padStart(8)} ${'gas'.padStart(11)}  ${'ends'.padEnd(24)} case`);
  for (const m of report.cases.slice(0, top)) {
    console.log(
      `${m.msPerMillionGas.toFixed(3).padStart(8)} ${String(m.gasUsed).padStart(11)}  ${m.code.padEnd(24)} ${m.name}`,
    );
  }
  const over = report.cases.filter((m) => m.msPerMillionGas > MAX_MS_PER_MILLION_GAS);
  console.log(over.length === 0 ? 'every case within the bound' : `${over.length} case(s) over the bound`);
}
if (worst !== undefined && worst.msPerMillionGas > MAX_MS_PER_MILLION_GAS) process.exitCode = 1;
