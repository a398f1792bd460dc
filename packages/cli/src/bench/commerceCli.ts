/**
 * `hanglian bench --commerce` (and the last part of `npm run bench`): order lifecycles per second on a
 * 4-validator network beside the signature bound measured in the same run.
 * Flags: --json (one JSON object), --seconds N (per rate step), --rates a,b,c (offered lifecycles per second,
 * rising), --past-factor F (the step past saturation offers F times the rate that saturated; 1: none),
 * --quick (two short steps).
 */
import { cpus } from 'node:os';
import { runMicroBench } from '@hanglian/node';
import { runCommerceBench, SIGNATURES_PER_LIFECYCLE } from './commerce.js';
import { numberFlag, ratesFlag } from './flags.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const stepSeconds = numberFlag(args, '--seconds', quick ? 5 : 15, 1);
const rates = ratesFlag(args, quick ? [2, 8] : [2, 4, 8, 16, 32, 64], 'lifecycles');
// Once completions stop keeping up, one step at this many times that rate (1: none; the quick mode's
// rates stay below saturation, so it runs none).
const pastFactor = numberFlag(args, '--past-factor', quick ? 1 : 2, 1);
const log = (line: string) => {
  if (!json) process.stdout.write(`${line}\n`);
};
const fmt = (n: number) => n.toLocaleString('en-US');

const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
const validators = 4;
log(
  `\ncommerce: order lifecycles on a ${validators}-validator network (processes), open loop at rising rates`,
);
log(
  `  each lifecycle = create, confirmPayment, ship, deliver, confirm (5 transactions, ${SIGNATURES_PER_LIFECYCLE} signatures)`,
);
const micro = runMicroBench(quick ? 150 : 400);
const figures = await runCommerceBench({
  validators,
  stepSeconds,
  rates,
  pastSaturationFactor: pastFactor,
  onProgress: log,
});
// Every validator verifies every signature of every lifecycle, and the validators share the cores.
const bound =
  Math.round(
    ((machine.cores * micro.ed25519VerifiesPerSecond) / validators / SIGNATURES_PER_LIFECYCLE) * 10,
  ) / 10;
log(
  `  max completed lifecycles  ${fmt(figures.maxCompletedPerSecond)}/s (${fmt(figures.maxCompletedPerSecond * 5)} transactions/s)`,
);
log(
  `  signature-verify bound    ${fmt(bound)} lifecycles/s = ${machine.cores} cores x ${fmt(micro.ed25519VerifiesPerSecond)} verifies/s / ${validators} validators / ${SIGNATURES_PER_LIFECYCLE} signatures`,
);
log(`  ratio to the bound        ${(figures.maxCompletedPerSecond / bound).toFixed(2)}`);
const past = figures.steps.find((step) => step.pastSaturation);
if (past !== undefined)
  log(
    `  past saturation           ${past.completedOverallPerSecond}/s completed at ${past.offeredPerSecond}/s offered, from its first start to its last completion = ${figures.pastSaturationRatio} of the best step before it measured so (target: at least 0.9)`,
  );
if (json)
  process.stdout.write(
    `${JSON.stringify({ machine, commerce: figures, lifecycleVerifyBoundPerSecond: bound })}\n`,
  );
