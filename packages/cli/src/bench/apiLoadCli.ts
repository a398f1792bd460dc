/**
 * `hanglian bench --api` (and a part of `npm run bench`): the nodes' HTTP API under open-loop load from
 * outside, on a 4-validator network with the book story, beside the limits measured in the same run: one
 * core's Ed25519 verifies per second and the machine's HTTP ceiling (a bare fastify under the same load
 * generator). Flags: --json (one JSON object), --seconds N (per rate step), --quick (two short steps each).
 */
import { cpus, loadavg } from 'node:os';
import { runMicroBench } from '@hanglian/node';
import { type QueryKind, runApiLoadBench } from './apiLoad.js';
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
  ...(quick ? { ceilingRates: [1_000, 4_000], queryRates: [100, 400], submitRates: [25, 100] } : {}),
  onProgress: log,
});
// Every validator verifies every transfer's signature once, and the validators share the cores.
const verifyBound = Math.round((machine.cores * micro.ed25519VerifiesPerSecond) / validators);
const ceiling = figures.ceiling.maxOkPerSecond;
const best = (steps: readonly OpenLoopFigures[]) =>
  steps.reduce((a, b) => (b.total.okPerSecond > a.total.okPerSecond ? b : a), steps[0]!);

log('\n  summary (best step of each; latency p50/p90/p99 at that step):');
log(`  HTTP ceiling (bare fastify) ${fmt(ceiling)}/s`);
for (const [kind, series] of Object.entries(figures.queries) as Array<
  [QueryKind, (typeof figures.queries)[QueryKind]]
>) {
  const step = best(series.steps);
  const l = step.total.latencyMs;
  log(
    `  query ${kind.padEnd(8)}             ${fmt(series.maxOkPerSecond).padStart(7)}/s = ${(series.maxOkPerSecond / Math.max(1, ceiling)).toFixed(2)} of the ceiling; ${l.p50}/${l.p90}/${l.p99} ms`,
  );
}
const submit = figures.submission.steps.reduce(
  (a, b) => (b.committedPerSecond > a.committedPerSecond ? b : a),
  figures.submission.steps[0]!,
);
if (submit !== undefined) {
  log(
    `  transfers committed         ${fmt(figures.submission.maxCommittedPerSecond).padStart(7)}/s (offered ${submit.offeredPerSecond}/s); accept ${submit.acceptMs.p50}/${submit.acceptMs.p90}/${submit.acceptMs.p99} ms; commit ${submit.commitMs.p50}/${submit.commitMs.p90}/${submit.commitMs.p99} ms`,
  );
}
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
