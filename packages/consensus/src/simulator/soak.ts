// Runs many seeded scenarios and prints a summary; a failing seed is printed with the command replaying it.
// Usage: node dist/src/simulator/soak.js [--scenarios N] [--seed S] [--mix MIX] [--replay SEED [--trace]]
import { parseArgs } from 'node:util';
import { replayCommand, runSeed, type ScenarioOutcome } from './run.js';
import { FAULT_MIXES, type FaultMix } from './scenario.js';

const { values } = parseArgs({
  options: {
    scenarios: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    mix: { type: 'string' },
    replay: { type: 'string' },
    trace: { type: 'boolean', default: false },
  },
});

const allMixes: readonly string[] = [...FAULT_MIXES, 'twins-beyond-f'];
if (values.mix !== undefined && !allMixes.includes(values.mix)) {
  console.error(`unknown mix ${values.mix}; one of ${allMixes.join(', ')}`);
  process.exit(2);
}
const mix = values.mix as FaultMix | undefined;

function describeOutcome(o: ScenarioOutcome): string {
  return (
    `seed ${o.seed} ${o.mix}: ${o.validators} validators, ${o.nodes} nodes, heights ${o.minHeight}..${o.maxHeight} ` +
    `(healed at ${o.heightAtHeal}), ${o.events} events, ${o.crashes} crashes, ${o.evidence} evidence, ` +
    `${(o.virtualMs / 1000).toFixed(1)} s virtual, trace ${o.traceDigest.slice(0, 16)}`
  );
}

if (values.replay !== undefined) {
  const outcome = runSeed(Number(values.replay), mix, { keepTrace: values.trace });
  if (values.trace) for (const line of outcome.simulation.traceText) console.log(line);
  console.log(describeOutcome(outcome));
  for (const v of outcome.violations) console.log(`  VIOLATION ${v.property}: ${v.message}`);
  process.exit(outcome.violations.length === 0 ? 0 : 1);
}

const count = Number(values.scenarios);
const firstSeed = Number(values.seed);
if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(firstSeed)) {
  console.error('--scenarios and --seed take integers');
  process.exit(2);
}

interface MixTotals {
  runs: number;
  failures: number;
  heights: number;
  events: number;
  crashes: number;
  evidence: number;
  ms: number;
}
const totals = new Map<string, MixTotals>();
const failures: ScenarioOutcome[] = [];
const started = performance.now();
const progressEvery = Math.max(1, Math.floor(count / 20));
for (let i = 0; i < count; i++) {
  const seed = firstSeed + i;
  const t0 = performance.now();
  const outcome = runSeed(seed, mix);
  const ms = performance.now() - t0;
  const t = totals.get(outcome.mix) ?? {
    runs: 0,
    failures: 0,
    heights: 0,
    events: 0,
    crashes: 0,
    evidence: 0,
    ms: 0,
  };
  t.runs++;
  t.heights += outcome.minHeight;
  t.events += outcome.events;
  t.crashes += outcome.crashes;
  t.evidence += outcome.evidence;
  t.ms += ms;
  totals.set(outcome.mix, t);
  if (outcome.violations.length > 0) {
    t.failures++;
    failures.push(outcome);
    console.log(`FAIL ${describeOutcome(outcome)}`);
    for (const v of outcome.violations.slice(0, 5)) console.log(`  ${v.property}: ${v.message}`);
    console.log(`  replay: ${replayCommand(seed, outcome.mix)}`);
  }
  if ((i + 1) % progressEvery === 0 || i + 1 === count) {
    const elapsed = (performance.now() - started) / 1000;
    console.log(`[soak] ${i + 1}/${count} scenarios, ${failures.length} failing, ${elapsed.toFixed(1)} s`);
  }
}

const elapsed = (performance.now() - started) / 1000;
console.log('\nmix                 runs  fail  avg-height  avg-events  crashes  evidence  avg-ms');
for (const [name, t] of [...totals].sort()) {
  console.log(
    `${name.padEnd(18)} ${String(t.runs).padStart(5)} ${String(t.failures).padStart(5)} ` +
      `${(t.heights / t.runs).toFixed(1).padStart(11)} ${(t.events / t.runs).toFixed(0).padStart(11)} ` +
      `${String(t.crashes).padStart(8)} ${String(t.evidence).padStart(9)} ${(t.ms / t.runs).toFixed(1).padStart(7)}`,
  );
}
console.log(
  `\n${count} scenarios from seed ${firstSeed} in ${elapsed.toFixed(1)} s (${(count / elapsed).toFixed(1)}/s): ` +
    `${failures.length} failing${failures.length > 0 ? `: seeds ${failures.map((f) => f.seed).join(', ')}` : ''}`,
);
process.exit(failures.length === 0 ? 0 : 1);
