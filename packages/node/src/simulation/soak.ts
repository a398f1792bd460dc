#!/usr/bin/env node
/**
 * Runs the driver simulation over many seeds and prints one line per run and a summary:
 *
 *   node packages/node/dist/src/simulation/soak.js --seeds 0-99 [--mix wipe] [--validators 4]
 *
 * Without --mix each seed runs its own mix (seed mod the number of mixes). Exit code 1 when any run
 * reported a violation; each such line is the command that replays it.
 */
import { parseArgs } from 'node:util';
import { DRIVER_FAULT_MIXES, type DriverFaultMix, runDriverSimulation } from './driverSimulation.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '0-19' },
    mix: { type: 'string' },
    validators: { type: 'string' },
  },
});
const match = /^(\d+)(?:-(\d+))?$/.exec(values.seeds);
if (match === null) {
  process.stderr.write('--seeds is a number or a range (0-99)\n');
  process.exit(2);
}
if (values.mix !== undefined && !DRIVER_FAULT_MIXES.includes(values.mix as DriverFaultMix)) {
  process.stderr.write(`unknown mix ${values.mix} (mixes: ${DRIVER_FAULT_MIXES.join(', ')})\n`);
  process.exit(2);
}
const from = Number(match[1]);
const to = Number(match[2] ?? match[1]);
let failed = 0;
const started = Date.now();
for (let seed = from; seed <= to; seed++) {
  const result = await runDriverSimulation({
    seed,
    ...(values.mix === undefined ? {} : { mix: values.mix as DriverFaultMix }),
    ...(values.validators === undefined ? {} : { validators: Number(values.validators) }),
  });
  const ok = result.violations.length === 0;
  if (!ok) failed++;
  process.stdout.write(
    `${ok ? 'ok  ' : 'FAIL'} seed ${seed} ${result.mix} n=${result.validators} heights ${Math.min(...result.heights)}-${Math.max(...result.heights)} crashes ${result.crashes} wipes ${result.wipes} partitions ${result.partitions} forged ${result.forgedAnswers}/${result.rejectedBlocks} dropped equivocations ${result.equivocations}/${result.evidence} proven signed ${result.signedMessages} trace ${result.trace.slice(0, 12)}${ok ? '' : `\n     ${result.violations.join('\n     ')}\n     replay: node packages/node/dist/src/simulation/soak.js --seeds ${seed} --mix ${result.mix}${values.validators === undefined ? '' : ` --validators ${values.validators}`}`}\n`,
  );
}
process.stdout.write(
  `${to - from + 1} runs in ${((Date.now() - started) / 1000).toFixed(0)} s: ${failed === 0 ? 'no violation' : `${failed} with violations`}\n`,
);
process.exitCode = failed === 0 ? 0 : 1;
