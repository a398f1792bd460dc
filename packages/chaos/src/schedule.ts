/**
 * The fault schedule: a pure function of the seed and the network's shape. Each fault says what is done
 * to which nodes and for how long; the runner applies them one after another, each followed by the
 * invariant checks once it has healed. Same seed and shape, same schedule, on any machine.
 */
import { SeededRandom } from './random.js';

export const FAULT_KINDS = [
  /** SIGKILL one validator, restart it after a while. */
  'kill',
  /** SIGSTOP one validator (longer than the consensus timeouts), then SIGCONT. */
  'pause',
  /** SIGKILL every node at once, restart them all. */
  'crash-all',
  /** SIGKILL every node, restart them all, then at once SIGSTOP enough validators to lose the quorum. */
  'crash-all-pause',
  /** Cut the links between two groups of nodes (through the runner's proxies), then heal. */
  'partition',
  /** Add latency to a set of links, then remove it. */
  'delay',
  /** SIGKILL a validator, delete its ledger (keep its WAL and key), restart it by block or state sync. */
  'wipe',
  /** A member sends a catching-up node unsolicited sync answers: genuine certificates, garbage blocks. */
  'forge-sync',
  /**
   * SIGKILL every node, restart them all, and SIGSTOP f + 1 validators while they are still starting
   * (before their API listens): peers reach them while their consensus is not yet running.
   */
  'crash-all-start-pause',
  /**
   * Governance removes one validator from the set (a proposal, votes, the set changes at its height) while
   * the load goes on, then adds it back at its power: the set changes twice, live.
   */
  'validator-change',
  /**
   * Restart one validator with its clock skewed (the block times it proposes and judges), within the
   * 10 s drift a proposal may be ahead or beyond it, ahead or behind; then restart it with the right clock.
   */
  'clock-skew',
  /**
   * One validator turns Byzantine: the runner, holding its key, sends half of the nodes a second vote for
   * an invented block in each slot it votes in (and the other half a third), while its process runs on.
   */
  'equivocate',
  /**
   * Power cut: SIGKILL one validator, or every node, and drop every write its disk had not fsynced (the
   * node's data directory is on the runner's lossy file system), then restart.
   */
  'power-loss',
  /** One validator's disk fills up (writes that need space fail with ENOSPC); then space is freed. */
  'disk-full',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Parses `--kinds`: fault kinds separated by commas, each with an optional whole weight (`power-loss=3`:
 * drawn three times as often as a kind of weight 1). Weights let a campaign aim at the kinds that have run
 * least; the same list (weights included) draws the same schedule from the same seed.
 */
export function parseKinds(text: string): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const item of text.split(',')) {
    const [kind = '', weightText, ...rest] = item.trim().split('=');
    if (!(FAULT_KINDS as readonly string[]).includes(kind))
      throw new RangeError(`unknown fault kind ${JSON.stringify(kind)} (kinds: ${FAULT_KINDS.join(', ')})`);
    const weight = weightText === undefined ? 1 : Number(weightText);
    if (rest.length > 0 || !Number.isInteger(weight) || weight < 1 || weight > 1000)
      throw new RangeError(`the weight of ${kind} must be a whole number from 1 to 1000, got ${item.trim()}`);
    if (kind in weights) throw new RangeError(`fault kind ${kind} is named twice`);
    weights[kind] = weight;
  }
  return weights;
}

export interface Fault {
  /** Position in the schedule, from 0. */
  readonly index: number;
  readonly kind: FaultKind;
  /** The nodes the fault is done to (for a partition: the smaller side). */
  readonly targets: readonly string[];
  /** How long the fault lasts before it heals (a kill: time down; a pause: time stopped). */
  readonly durationMs: number;
  /** partition: the two sides. */
  readonly groups?: readonly (readonly string[])[];
  /** delay: the directed links slowed (`from>to`) and the latency added to each. */
  readonly links?: readonly string[];
  readonly latencyMs?: number;
  /** crash-all-start-pause: how long after its process was spawned each stopped validator is stopped. */
  readonly startPauseAfterMs?: number;
  /** clock-skew: how far the victim's clock runs ahead (negative: behind), in ms. */
  readonly clockOffsetMs?: number;
  /** wipe: come back by state sync (true) or by replaying every block from peers (false). */
  readonly stateSync?: boolean;
  /** Load and calm time before the fault starts. */
  readonly settleMs: number;
}

export interface ScheduleShape {
  /** Validator node names, e.g. node0..node3. */
  readonly validators: readonly string[];
  /** Non-voting full nodes that run throughout (they may be partitioned and delayed, never killed). */
  readonly fullNodes?: readonly string[];
  /** Kinds to draw from (default: all) and their weights (default: equal). */
  readonly weights?: Partial<Record<FaultKind, number>>;
}

/** Kinds done to one validator, and the range of how long each lasts (ms). */
const ONE_VALIDATOR_DURATION_MS = {
  kill: [1_000, 8_000],
  'validator-change': [2_000, 10_000],
  'forge-sync': [3_000, 8_000],
  equivocate: [3_000, 10_000],
  'disk-full': [3_000, 15_000],
} as const;

/** The largest number of validators that may be faulty while the rest keep a > 2/3 quorum (equal power). */
export function maxFaulty(validators: number): number {
  return Math.floor((validators - 1) / 3);
}

function linkName(from: string, to: string): string {
  return `${from}>${to}`;
}

/** The first `count` faults of the schedule of `seed` for this shape. */
export function generateSchedule(seed: number, shape: ScheduleShape, count: number): Fault[] {
  const random = new SeededRandom(seed);
  const validators = [...shape.validators];
  const all = [...validators, ...(shape.fullNodes ?? [])];
  const f = maxFaulty(validators.length);
  const weights: Partial<Record<FaultKind, number>> = {};
  for (const kind of FAULT_KINDS) {
    const w = shape.weights === undefined ? 1 : (shape.weights[kind] ?? 0);
    if (w > 0) weights[kind] = w;
  }
  if (Object.keys(weights).length === 0) throw new RangeError('no fault kind has a positive weight');
  const faults: Fault[] = [];
  for (let index = 0; index < count; index++) {
    const kind = random.weighted(weights as Record<FaultKind, number>);
    const settleMs = random.int(500, 3_000);
    switch (kind) {
      case 'kill':
      case 'validator-change':
      case 'forge-sync':
      case 'equivocate':
      case 'disk-full': {
        // One validator, for a time drawn from the kind's range (validator-change: out of the set).
        const [lo, hi] = ONE_VALIDATOR_DURATION_MS[kind];
        faults.push({
          index,
          kind,
          targets: [random.pick(validators)],
          durationMs: random.int(lo, hi),
          settleMs,
        });
        break;
      }
      case 'pause':
        // Longer than a round's timeouts (propose 3 s, prevote and precommit 1 s) most of the time.
        faults.push({
          index,
          kind,
          targets: random.sample(validators, random.int(1, Math.max(1, f))),
          durationMs: random.int(2_000, 10_000),
          settleMs,
        });
        break;
      case 'crash-all':
        faults.push({ index, kind, targets: all, durationMs: random.int(500, 4_000), settleMs });
        break;
      case 'crash-all-pause':
        // f + 1 validators stopped: the rest cannot commit until they come back.
        faults.push({
          index,
          kind,
          targets: random.sample(validators, f + 1),
          durationMs: random.int(3_000, 10_000),
          settleMs,
        });
        break;
      case 'partition': {
        // Either a minority cut off (the majority goes on) or a split in which no side has a quorum.
        const shuffled = random.shuffle(all);
        const side = random.chance(0.5) ? random.int(1, Math.max(1, f)) : Math.ceil(all.length / 2);
        const small = shuffled.slice(0, side);
        const large = shuffled.slice(side);
        faults.push({
          index,
          kind,
          targets: small,
          groups: [small, large],
          durationMs: random.int(2_000, 10_000),
          settleMs,
        });
        break;
      }
      case 'delay': {
        const links: string[] = [];
        for (const from of all)
          for (const to of all) if (from !== to && random.chance(0.4)) links.push(linkName(from, to));
        if (links.length === 0) links.push(linkName(all[0]!, all[1]!));
        const targets = [...new Set(links.flatMap((l) => l.split('>')))].sort();
        faults.push({
          index,
          kind,
          targets,
          links,
          latencyMs: random.int(20, 600),
          durationMs: random.int(3_000, 12_000),
          settleMs,
        });
        break;
      }
      case 'wipe':
        faults.push({
          index,
          kind,
          targets: [random.pick(validators)],
          durationMs: random.int(1_000, 5_000),
          stateSync: random.chance(0.5),
          settleMs,
        });
        break;
      case 'crash-all-start-pause':
        faults.push({
          index,
          kind,
          targets: random.sample(validators, f + 1),
          startPauseAfterMs: random.int(200, 2_500),
          durationMs: random.int(3_000, 10_000),
          settleMs,
        });
        break;
      case 'power-loss':
        // Most often one machine; sometimes the whole consortium at once (more than f: a data-centre outage).
        faults.push({
          index,
          kind,
          targets: random.chance(0.7) ? [random.pick(validators)] : all,
          durationMs: random.int(500, 5_000),
          settleMs,
        });
        break;
      case 'clock-skew': {
        const beyondDrift = random.chance(0.5);
        const magnitude = beyondDrift ? random.int(12_000, 40_000) : random.int(1_000, 8_000);
        faults.push({
          index,
          kind,
          targets: [random.pick(validators)],
          clockOffsetMs: random.chance(0.5) ? magnitude : -magnitude,
          durationMs: random.int(5_000, 15_000),
          settleMs,
        });
        break;
      }
    }
  }
  return faults;
}

/** One line per fault, for the log and for comparing schedules. */
export function describeFault(fault: Fault): string {
  const base = `#${fault.index} ${fault.kind} ${fault.targets.join(',')} for ${fault.durationMs} ms`;
  switch (fault.kind) {
    case 'partition':
      return `${base}: ${fault.groups!.map((g) => `{${g.join(',')}}`).join(' | ')}`;
    case 'delay':
      return `${base}: +${fault.latencyMs} ms on ${fault.links!.length} links (${fault.links!.join(' ')})`;
    case 'wipe':
      return `${base}: ledger deleted, WAL and key kept, back by ${fault.stateSync ? 'state sync' : 'block sync'}`;
    case 'crash-all-pause':
      return `${base}: every node SIGKILLed and restarted, then ${fault.targets.join(',')} SIGSTOPped`;
    case 'crash-all-start-pause':
      return `${base}: every node SIGKILLed and restarted, ${fault.targets.join(',')} SIGSTOPped ${fault.startPauseAfterMs} ms into their start-up`;
    case 'validator-change':
      return `${base}: removed from the validator set by governance, then added back at its power`;
    case 'equivocate':
      return `${base}: Byzantine, double votes for invented blocks sent to half the nodes`;
    case 'power-loss':
      return `${base}: power cut (SIGKILL, every write not fsynced dropped), then restarted`;
    case 'disk-full':
      return `${base}: its disk full (ENOSPC), then space freed`;
    case 'clock-skew':
      return `${base}: restarted with its clock ${Math.abs(fault.clockOffsetMs!)} ms ${fault.clockOffsetMs! > 0 ? 'ahead' : 'behind'} (the allowed drift is 10 s), then with the right clock`;
    default:
      return base;
  }
}
