/**
 * `hanglian bench --api` (and a part of `npm run bench`): the nodes' HTTP API under open-loop load from
 * outside, on a 4-validator network with the book story, beside the limits measured in the same run: one
 * core's Ed25519 verifies per second and the machine's HTTP ceiling (a bare fastify under the same load
 * generator). Flags: --json (one JSON object), --seconds N (per query rate step; submission steps are twice as long), --quick (short steps: two for the ceiling, one for each query kind at 400/s and one for submissions at
 * 100/s, so that `npm run bench -- --quick` stays under 5 minutes).
 */
import { cpus, loadavg } from 'node:os';
import { runMicroBench } from '@hanglian/node';
import { QUERY_KINDS, runApiLoadBench, saturated } from './apiLoad.js';
import type { OpenLoopFigures } from './openLoop.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const secondsFlag = args.indexOf('--seconds');
const stepSeconds = secondsFlag >= 0 ? Number(args[secondsFlag + 1]) : quick ? 2 : 4;
const log = (line: string) => {
  if (!json) process.stdout.write(`${line}\n`);
};
const fmt = (n: number) => n.toLocaleString('en-US');

const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  loadAverage: Math.round(loadavg()[0]! * 100) / 100,
};
const validators = 4;
log(
  `\napi: the HTTP API of a ${validators}-validator network (processes) under open-loop load from outside, at rising rates`,
);
log(
  '  latency is measured from when a request was due (a late generator counts against the server); 429s are counted apart',
);
// Measured before the network starts, on quiet cores.
const micro = runMicroBench(quick ? 150 : 400);
log(`  Ed25519 verify            ${fmt(micro.ed25519VerifiesPerSecond)}/s on one core`);
const figures = await runApiLoadBench({
  validators,
  stepSeconds,
  ...(quick ? { ceilingRates: [1_000, 4_000], queryRates: [400], submitRates: [100] } : {}),
  onProgress: log,
});
// Every validator verifies every transfer's signature once, and the validators share the cores.
const verifyBound = Math.round((machine.cores * micro.ed25519VerifiesPerSecond) / validators);
const ceiling = figures.ceiling.maxOkPerSecond;
// Latency is quoted at the highest offered rate that still kept up; "≥" marks a series that never
// stopped keeping up (its best rate is a lower bound).
const atBest = (steps: readonly OpenLoopFigures[]) => steps.filter((s) => !saturated(s)).at(-1);
const lat = (p: { p50: number; p90: number; p99: number }) => `${p.p50}/${p.p90}/${p.p99} ms`;

log('\n  summary: best achieved rate; latency p50/p90/p99 at the highest offered rate that kept up');
log(
  `  HTTP ceiling (bare fastify)  ${figures.ceiling.saturated ? ' ' : '≥'}${fmt(ceiling).padStart(7)}/s (the generator and the server share the machine)`,
);
for (const kind of QUERY_KINDS) {
  const series = figures.queries[kind];
  const kept = atBest(series.steps);
  log(
    `  query ${kind.padEnd(8)}              ${series.saturated ? ' ' : '≥'}${fmt(series.maxOkPerSecond).padStart(7)}/s = ${(series.maxOkPerSecond / Math.max(1, ceiling)).toFixed(2)} of the ceiling; ${kept === undefined ? 'no rate kept up' : `at ${fmt(kept.offeredPerSecond)}/s ${lat(kept.total.latencyMs)}`}`,
  );
}
const kept = figures.submission.steps.filter((s) => s.keptUp).at(-1);
const lastSubmit = figures.submission.steps.at(-1);
log(
  `  transfers committed          ${lastSubmit !== undefined && !lastSubmit.keptUp ? ' ' : '≥'}${fmt(figures.submission.maxCommittedPerSecond).padStart(7)}/s; ${kept === undefined ? 'no rate kept up' : `at ${fmt(kept.offeredPerSecond)}/s accept ${lat(kept.acceptMs)}, commit ${lat(kept.commitMs)}`}`,
);
log(
  `  signature-verify bound      ${fmt(verifyBound)}/s = ${machine.cores} cores x ${fmt(micro.ed25519VerifiesPerSecond)} verifies/s / ${validators} validators; reached ${(figures.submission.maxCommittedPerSecond / verifyBound).toFixed(2)}`,
);
log(
  `  node API rate limit         ${fmt(figures.rateLimit.maxPerWindow)} requests per ${figures.rateLimit.windowMs / 1000} s per client address, loopback not exempt; 429 answers in this run: ${figures.rateLimit.rateLimited}`,
);
if (json)
  process.stdout.write(
    `${JSON.stringify({ machine, api: figures, ed25519VerifiesPerSecond: micro.ed25519VerifiesPerSecond, transferVerifyBoundPerSecond: verifyBound })}\n`,
  );
