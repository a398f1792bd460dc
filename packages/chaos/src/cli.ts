/**
 * `npm run chaos -- --minutes N --seed S`: runs a fault campaign on a real network of node processes,
 * printing each fault and each check as it happens, then a summary table. Exit code 1 on a violation.
 *
 *   --minutes <n>       no new fault after n minutes (default 10)
 *   --seed <s>          the schedule's seed (default: from the clock, printed)
 *   --validators <n>    validators (default: drawn from the seed, 4 to 7); --full-nodes <n> (default: from
 *                       the seed, 0 to 2); --clients <n> (default 4)
 *   --order-clients <n> clients running whole order lifecycles beside the transfers (default 2; 0: none)
 *   --max-faults <n>    stop after n faults (a replay stops after the failing one)
 *   --kinds a,b=3       only these fault kinds, each with an optional weight (kill, pause, crash-all,
 *                       crash-all-pause, partition, delay, wipe, forge-sync, crash-all-start-pause,
 *                       validator-change, clock-skew, equivocate, power-loss, disk-full)
 *   --keep              keep the network directory and logs even when nothing failed
 * Ctrl-C (or SIGTERM) once: no new fault, the summary after the current fault's checks; twice: stop now.
 *   --json              print the summary as JSON as well
 */
import { parseArgs } from 'node:util';
import { formatSummary, runCampaign } from './campaign.js';
import { type FaultKind, parseKinds } from './schedule.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    seed: { type: 'string' },
    validators: { type: 'string' },
    'full-nodes': { type: 'string' },
    clients: { type: 'string' },
    'order-clients': { type: 'string' },
    'max-faults': { type: 'string' },
    kinds: { type: 'string' },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    'usage: npm run chaos -- [--minutes N] [--seed S] [--validators N] [--full-nodes N] [--clients N] [--order-clients N] [--max-faults N] [--kinds a,b=3] [--keep] [--json]\n',
  );
  process.exit(0);
}

function whole(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`--${name} must be a whole number ≥ ${min}, got ${text}\n`);
    process.exit(2);
  }
  return n;
}

const minutes = Number(values.minutes);
if (!(minutes > 0)) {
  process.stderr.write(`--minutes must be positive, got ${values.minutes}\n`);
  process.exit(2);
}
let weights: Partial<Record<FaultKind, number>> | undefined;
if (values.kinds !== undefined) {
  try {
    weights = parseKinds(values.kinds) as Partial<Record<FaultKind, number>>;
  } catch (error) {
    process.stderr.write(`--kinds: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
const seed = whole('seed', values.seed, 0) ?? Date.now() % 1_000_000;
const validators = whole('validators', values.validators, 1);
const fullNodes = whole('full-nodes', values['full-nodes'], 0);
const clients = whole('clients', values.clients, 2);
const orderClients = whole('order-clients', values['order-clients'], 0);
const maxFaults = whole('max-faults', values['max-faults'], 1);

let stopRequested = false;
const summary = await runCampaign({
  seed,
  minutes,
  ...(validators === undefined ? {} : { validators }),
  ...(fullNodes === undefined ? {} : { fullNodes }),
  ...(clients === undefined ? {} : { clients }),
  ...(orderClients === undefined ? {} : { orderClients }),
  ...(maxFaults === undefined ? {} : { maxFaults }),
  ...(weights === undefined ? {} : { weights }),
  keep: values.keep,
  stopRequested: () => stopRequested,
  onCluster: (cluster) => {
    // The first Ctrl-C or SIGTERM ends the schedule after the fault in progress, its checks and the final
    // checks, and prints the summary (minutes of faults are not thrown away); the second stops every node
    // at once (no node process may outlive the runner).
    const stop = (signal: NodeJS.Signals) => {
      if (!stopRequested) {
        stopRequested = true;
        process.stderr.write(
          `\n${signal}: no new fault; the summary follows the current fault's checks (${signal} again: stop now)\n`,
        );
        return;
      }
      process.stderr.write(`\n${signal}: stopping every node of ${cluster.dir}\n`);
      void cluster.shutdown().then(() => process.exit(130));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  },
});
process.stdout.write(`\n${formatSummary(summary)}\n`);
if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exit(summary.violation === null ? 0 : 1);
