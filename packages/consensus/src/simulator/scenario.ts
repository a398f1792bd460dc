import type { TimeoutOptions } from '../options.js';
import type { Height } from '../types.js';
import type { Validator } from '../validators.js';
import { Prng } from './prng.js';

/** How a Byzantine node deviates; its consensus code is honest, the wire is not. */
export type ByzantineBehaviour =
  /** Sends one signed proposal to some peers and a different one (sometimes invalid) to the others. */
  | 'equivocating-proposer'
  /** Sends, beside each vote, a conflicting signed vote to half its peers. */
  | 'equivocating-voter'
  /** Proposes only blocks the application rule rejects. */
  | 'invalid-proposer'
  /** Sends nothing at all. */
  | 'silent'
  /**
   * Honest in consensus, lies in block sync: answers every sync request, and pushes answers nobody asked
   * for, with genuine commit certificates paired with tampered block bytes.
   */
  | 'lying-syncer';

export interface NetworkConfig {
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly dropRate: number;
  readonly duplicateRate: number;
}

export interface ScenarioConfig {
  readonly seed: number;
  readonly mix: FaultMix;
  /** Validators at genesis: node i holds key `v{i}`. */
  readonly genesis: readonly Validator[];
  /** Extra nodes holding keys that are not (yet) validators: `v{genesis.length + j}`. */
  readonly fullNodes: number;
  /** Keys run by two nodes at once ("twins"); each emulates one equivocating validator. */
  readonly twins: readonly string[];
  readonly byzantine: ReadonlyArray<{ readonly key: string; readonly behaviour: ByzantineBehaviour }>;
  readonly validatorChanges: ReadonlyArray<{
    readonly height: Height;
    readonly changes: readonly Validator[];
  }>;
  readonly network: NetworkConfig;
  /** Random partitions during the fault phase. */
  readonly partitions: boolean;
  /** A fixed partition for the whole fault phase: groups of node indexes. */
  readonly fixedPartition?: readonly (readonly number[])[];
  /** Random crashes (with WAL recovery) during the fault phase. */
  readonly crashes: boolean;
  /** Once in the fault phase, every node crashes at once (more than f), then each restarts from its WAL. */
  readonly crashAll: boolean;
  /**
   * The chance, per output a node carries out, that it dies right there (default 0.001): its WAL's unsynced
   * tail is lost while its key's guard remembers every signature the step gave.
   */
  readonly midStepCrashRate?: number;
  readonly faultPhaseMs: number;
  /** After healing, every correct node must commit `progressHeights` new heights within this time. */
  readonly livenessWindowMs: number;
  readonly progressHeights: number;
  readonly gossipIntervalMs: number;
  /**
   * For this long after a restart, a node hears nothing (its links are up before its consensus handler, or
   * its peers are gone): whatever step it resumed at, only its own timers can move it on meanwhile.
   */
  readonly restartDeafMs?: number;
  readonly timeouts: TimeoutOptions;
}

export const FAULT_MIXES = [
  'clean',
  'lossy',
  'partitions',
  'crashes',
  'twins',
  'byzantine',
  'validator-changes',
  'chaos',
  'crash-all',
  'lying-sync',
  'crash-all-deaf',
  'lone-validator',
] as const;
export type FaultMix = (typeof FAULT_MIXES)[number] | 'twins-beyond-f';

export const SIM_TIMEOUTS: TimeoutOptions = {
  proposeBaseMs: 300,
  proposeDeltaMs: 100,
  prevoteBaseMs: 150,
  prevoteDeltaMs: 100,
  precommitBaseMs: 150,
  precommitDeltaMs: 100,
};

/** The largest number of faulty validators n = 3f+1 tolerates, counted by nodes for equal powers. */
export function maxFaulty(validatorCount: number): number {
  return Math.floor((validatorCount - 1) / 3);
}

/**
 * A scenario is a pure function of its seed (and, optionally, a forced mix): every parameter, every fault and
 * every message delay come from generators seeded by it.
 */
export function scenarioFromSeed(seed: number, forcedMix?: FaultMix): ScenarioConfig {
  const random = new Prng(seed ^ 0x5eed);
  const mix: FaultMix = forcedMix ?? FAULT_MIXES[seed % FAULT_MIXES.length]!;
  const n = mix === 'twins-beyond-f' ? random.pick([4, 7]) : random.pick([4, 4, 5, 7]);
  const f = maxFaulty(n);
  const weighted = random.chance(0.3);
  const genesis = Array.from({ length: n }, (_, i) => ({
    address: `v${i}`,
    power: weighted ? random.range(1, 3) : 1,
  }));
  const lossy = { minDelayMs: 1, maxDelayMs: 150, dropRate: random.range(5, 25) / 100, duplicateRate: 0.05 };
  const calm = { minDelayMs: 1, maxDelayMs: 30, dropRate: 0, duplicateRate: 0 };
  const keys = random.shuffled(genesis.map((v) => v.address));
  const base: ScenarioConfig = {
    seed,
    mix,
    // Faulty nodes are counted, not weighed: keep powers equal where some validators misbehave.
    genesis: ['clean', 'lossy', 'partitions', 'crashes'].includes(mix)
      ? genesis
      : genesis.map((v) => ({ ...v, power: 1 })),
    fullNodes: 0,
    twins: [],
    byzantine: [],
    validatorChanges: [],
    network: calm,
    partitions: false,
    crashes: false,
    crashAll: false,
    faultPhaseMs: 3000,
    livenessWindowMs: 40_000,
    progressHeights: 3,
    gossipIntervalMs: 400,
    timeouts: SIM_TIMEOUTS,
  };
  const behaviours: ByzantineBehaviour[] = [
    'equivocating-proposer',
    'equivocating-voter',
    'invalid-proposer',
    'silent',
  ];
  switch (mix) {
    case 'clean':
      return { ...base, fullNodes: random.int(2) };
    case 'lossy':
      return { ...base, network: lossy };
    case 'partitions':
      return { ...base, network: { ...calm, maxDelayMs: 60 }, partitions: true, faultPhaseMs: 6000 };
    case 'crashes':
      return {
        ...base,
        network: { ...calm, maxDelayMs: 60, dropRate: 0.02 },
        crashes: true,
        faultPhaseMs: 6000,
      };
    case 'twins':
      return {
        ...base,
        twins: keys.slice(0, f),
        network: { ...calm, maxDelayMs: 80 },
        partitions: random.chance(0.5),
      };
    case 'byzantine':
      return {
        ...base,
        byzantine: keys.slice(0, f).map((key) => ({ key, behaviour: random.pick(behaviours) })),
        network: { ...calm, maxDelayMs: 80, dropRate: 0.02 },
      };
    case 'validator-changes': {
      // A full node joins at height 3; at height 6 one genesis validator leaves and another changes power.
      const joiner = `v${n}`;
      return {
        ...base,
        fullNodes: 1,
        network: { ...calm, maxDelayMs: 50, dropRate: 0.02 },
        validatorChanges: [
          { height: 3, changes: [{ address: joiner, power: random.range(1, 2) }] },
          {
            height: 6,
            changes: [
              { address: keys[0]!, power: 0 },
              { address: keys[1]!, power: 2 },
            ],
          },
        ],
        progressHeights: 6,
      };
    }
    case 'chaos': {
      // At most f faulty validators in total, mixing twins and Byzantine wires, over a lossy, partitioned,
      // crashing network.
      const faulty = keys.slice(0, f);
      const twinCount = random.int(faulty.length + 1);
      return {
        ...base,
        twins: faulty.slice(0, twinCount),
        byzantine: faulty.slice(twinCount).map((key) => ({ key, behaviour: random.pick(behaviours) })),
        network: lossy,
        partitions: true,
        crashes: true,
        faultPhaseMs: 6000,
      };
    }
    case 'crash-all':
      // Every node down at once (beyond any f), then back from its WAL; random single crashes around it.
      return {
        ...base,
        network: { ...calm, maxDelayMs: 60, dropRate: 0.02 },
        crashes: random.chance(0.5),
        crashAll: true,
        faultPhaseMs: 5000,
      };
    case 'crash-all-deaf':
      // Crash-all, every node back at the same moment and deaf for its first 2 s (five gossip intervals):
      // a node resumed at the prevote or precommit step must leave it by its own timer meanwhile.
      return {
        ...base,
        network: { ...calm, maxDelayMs: 60 },
        crashAll: true,
        restartDeafMs: 2000,
        faultPhaseMs: 5000,
      };
    case 'lone-validator':
      // One validator (and maybe full nodes following it) dying often in the middle of a step: after the
      // key signed its precommit and before the WAL got the votes. Nobody else's votes can move it on; its
      // own timers must (crash test seed 674433 stalled a real node so).
      return {
        ...base,
        genesis: [{ address: 'v0', power: 1 }],
        fullNodes: random.int(2),
        network: { ...calm, maxDelayMs: 40 },
        crashes: true,
        midStepCrashRate: 0.05,
        faultPhaseMs: 6000,
      };
    case 'lying-sync':
      // f members lie in every sync answer, while crashes and partitions make the others catch up by sync.
      return {
        ...base,
        byzantine: keys.slice(0, f).map((key) => ({ key, behaviour: 'lying-syncer' as const })),
        network: { ...calm, maxDelayMs: 60, dropRate: 0.02 },
        crashes: true,
        partitions: true,
        faultPhaseMs: 6000,
      };
    case 'twins-beyond-f': {
      // f+1 twins and a fixed partition that gives each side a copy of every twin key: each side then holds
      // more than 2/3 of the keys. Safety is not promised here; the checker must see the fork.
      const twins = keys.slice(0, f + 1);
      const honest = keys.slice(f + 1);
      const index = (key: string) => Number(key.slice(1));
      const sideA = [...twins.map(index), ...honest.slice(0, Math.ceil(honest.length / 2)).map(index)];
      const sideB = [
        ...twins.map((_, i) => n + i), // the twin copies are nodes n, n+1, ...
        ...honest.slice(Math.ceil(honest.length / 2)).map(index),
      ];
      return { ...base, twins, fixedPartition: [sideA, sideB], faultPhaseMs: 5000 };
    }
  }
}
