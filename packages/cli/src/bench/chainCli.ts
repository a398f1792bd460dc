/**
 * `npm run bench`: prints the machine's limits and the chain's figures measured in the same run.
 * Flags: --json (one JSON object), --seconds N (load duration), --quick (short runs, for CI smoke); the
 * network part's flags are described where they are read below.
 */
import { cpus, loadavg } from 'node:os';
import { runMicroBench } from '@hanglian/node';
import { runStorageBench } from '@hanglian/storage';
import { numberFlag, ratesFlag } from './flags.js';
import { runSoloChainBench } from './soloChain.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const secondsFlag = args.indexOf('--seconds');
const seconds = secondsFlag >= 0 ? Number(args[secondsFlag + 1]) : quick ? 3 : 15;
// `--profile <dir>`: each validator of the network part writes a V8 CPU profile there; a breakdown by
// component is printed after the network figures.
const profileFlag = args.indexOf('--profile');
const profileDir = profileFlag >= 0 ? args[profileFlag + 1] : undefined;
// `--step-seconds N` and `--rates a,b,c`: the network part's step length and offered rates (a step must be
// longer than the commit latency for its rate to mean the chain's throughput); `--network-only` runs only
// the primitives (the bound) and the network part.
const stepSeconds = numberFlag(args, '--step-seconds', quick ? 3 : 6, 1);
const rates = ratesFlag(args, quick ? [100, 400] : [100, 200, 400, 800, 1600, 3200], 'transfers');
const networkOnly = args.includes('--network-only');
// `--warmup-seconds N`: unmeasured load at the first rate before the measured steps. Default 20 s: just
// started, validators compile their hot paths for about that long (2026-12-07, 5-s windows at 100/s from
// the start: p50 2.2 s, then 185, 149, 140, 106, 118, 99 ms; each step of a height shrank alike). Quick
// mode keeps 2 s to stay under its 5 minutes, so its network figures are those of a young chain.
const warmupSeconds = numberFlag(args, '--warmup-seconds', quick ? 2 : 20, 0);
// `--node-flags "<flags>"`: extra Node flags for each validator process (e.g. `--max-semi-space-size=32`),
// to measure a runtime setting beside the same run's bound.
// `--past-factor F`: the past-saturation step offers F times the rate where commits stopped keeping up
// (default 2; on a loaded machine saturation comes early, and twice it may still be near the maximum).
const pastFactorFlag = args.indexOf('--past-factor');
const pastFactor = pastFactorFlag >= 0 ? Number(args[pastFactorFlag + 1]) : 2;
// `--naive-clients`: each transfer goes on its own schedule and is resent on its own when refused (by
// default a sender's transfers go one at a time, each once the one before was admitted, as a wallet does).
const naiveClients = args.includes('--naive-clients');
// `--batch-ms N`: clients gather what they submit to a node within N ms into one `POST /v1/txs/batch`
// (default 20, as a gateway would); 0 sends one `POST /v1/txs` per transfer.
const batchMs = numberFlag(args, '--batch-ms', 20, 0);
const nodeFlagsFlag = args.indexOf('--node-flags');
const extraNodeFlags = nodeFlagsFlag >= 0 ? (args[nodeFlagsFlag + 1] ?? '').split(' ').filter(Boolean) : [];
const log = (line: string) => {
  if (!json) process.stdout.write(`${line}\n`);
};

const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
log(`Hanglian benchmark — ${machine.cores} cores (${machine.cpu}), Node ${machine.node}`);
log('machines here are shared and noisy: compare ratios and medians, not single figures');
log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (1, 5, 15 min)\n`,
);

log('primitives (one core):');
const micro = runMicroBench(quick ? 150 : 500);
const fmt = (n: number) => n.toLocaleString('en-US');
log(`  transaction encode        ${fmt(micro.txEncodesPerSecond)}/s`);
log(`  transaction decode+check  ${fmt(micro.txDecodesPerSecond)}/s`);
log(`  SHA-256 (256 B)           ${fmt(micro.sha256PerSecond256B)}/s`);
log(`  Ed25519 sign              ${fmt(micro.ed25519SignsPerSecond)}/s`);
log(`  Ed25519 verify            ${fmt(micro.ed25519VerifiesPerSecond)}/s`);
log(`  schema check (typebox)    ${fmt(micro.schemaChecksPerSecond)}/s`);
log(`  guarded vote sign (fsync) ${fmt(micro.guardedVoteSignsPerSecond)}/s`);

if (!networkOnly) {
  log('\nstate store (LMDB + sparse Merkle tree):');
  const storage = await runStorageBench(quick ? { keys: 10_000 } : {});
  log(
    `  LMDB batched puts / reads   ${fmt(Math.round(storage.batchedPutsPerSecond))}/s / ${fmt(Math.round(storage.readsPerSecond))}/s`,
  );
  log(
    `  tree keys, ${fmt(storage.batchSize)}-key commits  ${fmt(Math.round(storage.treeKeysPerSecond))}/s (${fmt(storage.keys)} keys)`,
  );
  // Beside the hash rate of this run: how many SHA-256s of CPU one state key costs.
  const cpuMicrosPerKey = 1e6 / storage.treeBlockKeysPerCpuSecond;
  log(
    `  tree keys, ${storage.blockKeys}-key commits   ${fmt(Math.round(storage.treeBlockKeysPerSecond))}/s; ${cpuMicrosPerKey.toFixed(0)} µs CPU per key = ${((cpuMicrosPerKey * micro.sha256PerSecond256B) / 1e6).toFixed(0)} SHA-256s at the rate above; ${storage.nodeWritesPerKey.toFixed(1)} node records per key`,
  );

  log(`\nsolo chain, closed loop over HTTP (${seconds} s):`);
  const solo = await runSoloChainBench({
    seconds,
    onProgress: log,
    ...(quick ? { clients: 8, window: 8 } : {}),
  });
  const bound = micro.ed25519VerifiesPerSecond;
  log(
    `  committed transfers       ${fmt(solo.transfersPerSecond)}/s (${fmt(solo.committed)} in ${solo.seconds} s, ${solo.rejected} rejected)`,
  );
  log(`  commit latency            p50 ${solo.commitLatencyMs.p50} ms, p99 ${solo.commitLatencyMs.p99} ms`);
  log(
    `  blocks                    ${solo.blocks}, ${solo.averageTxsPerBlock} transfers per block on average`,
  );
  log(`  signature-verify bound    ${fmt(bound)}/s on one core (measured above)`);
  log(`  ratio to the bound        ${(solo.transfersPerSecond / bound).toFixed(2)}`);

  if (json)
    process.stdout.write(
      `${JSON.stringify({ machine, micro, storage, solo, verifyBoundPerSecond: bound })}\n`,
    );

  // Contract calls through the registry beside the same logic as kernel code (docs/decisions/0005).
  log('\ncontract calls through the registry module:');
  const { benchmarkRegistryCalls } = await import('@hanglian/state-machine');
  for (const figure of await benchmarkRegistryCalls(quick ? 50 : 200)) {
    const gas = figure.gas === undefined ? '' : `, gas ${fmt(figure.gas)}`;
    log(
      `  ${figure.label.padEnd(58)} ${figure.microsPerCall.toFixed(1)} µs (${fmt(Math.round(figure.callsPerSecond))}/s${gas})`,
    );
  }
}

// ---- a 4-validator network of processes under open-loop load (skipped with --no-network) ----
if (!args.includes('--no-network')) {
  const { listCounts, runNetworkBench, sumOf, VALIDATOR_NODE_FLAGS } = await import('./chainNetwork.js');
  const validators = 4;
  log(
    `\n${validators}-validator network (processes, node ${[...VALIDATOR_NODE_FLAGS, ...extraNodeFlags].join(' ')}), open-loop transfers at rising offered rates, ${batchMs > 0 ? `submitted in batches gathered over ${batchMs} ms` : 'one request each'}:`,
  );
  const network = await runNetworkBench({
    validators,
    stepSeconds,
    warmupSeconds,
    pastSaturationFactor: pastFactor,
    naiveClients,
    batchMs,
    rates,
    onProgress: log,
    nodeFlags: [
      ...extraNodeFlags,
      ...(profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]),
    ],
  });
  // Every node verifies every transfer's signature once, and the nodes share the machine's cores.
  const networkBound = Math.round((machine.cores * micro.ed25519VerifiesPerSecond) / validators);
  const best = network.steps.reduce(
    (a, b) => (b.committedPerSecond > a.committedPerSecond ? b : a),
    network.steps[0]!,
  );
  log(
    `  max committed             ${fmt(network.maxCommittedPerSecond)}/s (offered ${fmt(best.offeredPerSecond)}/s)`,
  );
  log(
    `  signature-verify bound    ${fmt(networkBound)}/s = ${machine.cores} cores x ${fmt(micro.ed25519VerifiesPerSecond)} verifies/s / ${validators} validators`,
  );
  log(`  ratio to the bound        ${(network.maxCommittedPerSecond / networkBound).toFixed(2)}`);
  log(
    `  disk (node0's LMDB file)  ${fmt(network.diskBytesPerBlock)} bytes per block, ${fmt(network.diskBytesPerTransfer)} per committed transfer`,
  );
  const past = network.steps.find((step) => step.pastSaturation);
  if (past !== undefined) {
    // Against the best step before it too: when saturation came at the first step, the past-saturation
    // step may itself be the maximum, and the ratio to the maximum then says nothing.
    const before = Math.max(
      0,
      ...network.steps.filter((s) => !s.pastSaturation).map((s) => s.committedPerSecond),
    );
    log(
      `  past saturation vs before  ${(past.committedPerSecond / Math.max(1, before)).toFixed(2)} of the best step before it (${fmt(before)}/s)`,
    );
    log(
      `  past saturation           ${fmt(past.committedPerSecond)}/s committed at ${fmt(past.offeredPerSecond)}/s offered = ${(past.committedPerSecond / Math.max(1, network.maxCommittedPerSecond)).toFixed(2)} of the max (${fmt(sumOf(past.refusedByCode))} busy refusals, resent after the hint: ${listCounts(past.refusedByCode)})`,
    );
  }
  if (json)
    process.stdout.write(`${JSON.stringify({ network, networkVerifyBoundPerSecond: networkBound })}\n`);
  if (profileDir !== undefined) {
    const { breakdownsIn } = await import('./profileBreakdown.js');
    log(`\nwhere each validator's CPU went (whole run, start-up included; profiles in ${profileDir}):`);
    for (const breakdown of breakdownsIn(profileDir)) {
      log(
        `  ${breakdown.file} (${fmt(breakdown.busyMs)} ms busy): ${breakdown.shares.map((s) => `${s.component} ${s.percent}%`).join(', ')}`,
      );
    }
  }
}
