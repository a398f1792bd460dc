import { type CheckInput, checkInputFrom, checkRun, type Violation } from './checker.js';
import { type FaultMix, type ScenarioConfig, scenarioFromSeed } from './scenario.js';
import { Simulation } from './simulation.js';

export interface ScenarioOutcome {
  readonly seed: number;
  readonly mix: FaultMix;
  readonly validators: number;
  readonly nodes: number;
  readonly violations: readonly Violation[];
  /** Lowest committed height among correct nodes at the end. */
  readonly minHeight: number;
  readonly maxHeight: number;
  readonly heightAtHeal: number;
  readonly virtualMs: number;
  readonly events: number;
  readonly crashes: number;
  readonly evidence: number;
  /** Sync answers refused by honest nodes: unasked, or blocks that do not hash to their certificate. */
  readonly syncRefused: number;
  /** Messages restarted nodes did not hear in their deaf window (mix `crash-all-deaf`). */
  readonly deafDropped: number;
  readonly traceDigest: string;
  readonly traceLength: number;
  readonly checkInput: CheckInput;
}

/** Runs one scenario and checks it. The seed (and mix, if forced) is all it takes to replay it exactly. */
export function runScenario(
  config: ScenarioConfig,
  options: { keepTrace?: boolean } = {},
): ScenarioOutcome & {
  readonly simulation: Simulation;
} {
  const sim = new Simulation(config, options);
  sim.run();
  const checkInput = checkInputFrom(sim);
  const heights = sim.correctNodes.map((n) => n.app.lastHeight);
  return {
    seed: config.seed,
    mix: config.mix,
    validators: config.genesis.length,
    nodes: sim.nodes.length,
    violations: checkRun(checkInput),
    minHeight: Math.min(...heights),
    maxHeight: Math.max(...heights),
    heightAtHeal: sim.heightAtHeal,
    virtualMs: sim.now,
    events: sim.eventCount,
    crashes: sim.nodes.reduce((sum, n) => sum + n.crashes, 0),
    evidence: sim.nodes.reduce((sum, n) => sum + n.evidence.length, 0),
    syncRefused: sim.nodes.reduce((sum, n) => sum + n.syncRefused, 0),
    deafDropped: sim.nodes.reduce((sum, n) => sum + n.deafDropped, 0),
    traceDigest: sim.traceDigest,
    traceLength: sim.traceLength,
    checkInput,
    simulation: sim,
  };
}

export function runSeed(seed: number, mix?: FaultMix, options: { keepTrace?: boolean } = {}) {
  return runScenario(scenarioFromSeed(seed, mix), options);
}

/** The command that replays a seed, printed with every failure. */
export function replayCommand(seed: number, mix: FaultMix): string {
  return `node packages/consensus/dist/src/simulator/soak.js --replay ${seed} --mix ${mix}`;
}
