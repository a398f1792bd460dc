// The schedule generator is a pure function of the seed and the network's shape: the same seed gives the
// same faults (kinds, victims, durations), another seed another schedule, and every fault respects the
// shape (victims exist, a quorum-losing pause stops f + 1 validators, a partition's sides cover the nodes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { campaignShape, isCatchingUp, replayCommand, roundsDurationMs } from '../src/campaign.js';
import { SeededRandom } from '../src/random.js';
import { describeFault, FAULT_KINDS, generateSchedule, maxFaulty, parseKinds } from '../src/schedule.js';

const shape = { validators: ['node0', 'node1', 'node2', 'node3'], fullNodes: ['node4'] };

describe('seeded random', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const seqA = Array.from({ length: 50 }, () => a.next());
    assert.deepEqual(
      seqA,
      Array.from({ length: 50 }, () => b.next()),
    );
    assert.notDeepEqual(
      seqA,
      Array.from({ length: 50 }, () => c.next()),
    );
    for (const x of seqA) assert.ok(x >= 0 && x < 1);
  });

  it('refuses a seed that is not a 32-bit whole number', () => {
    assert.throws(() => new SeededRandom(-1), RangeError);
    assert.throws(() => new SeededRandom(1.5), RangeError);
    assert.throws(() => new SeededRandom(2 ** 32), RangeError);
  });

  it('int stays in its bounds and reaches both ends; sample draws distinct items', () => {
    const r = new SeededRandom(7);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const x = r.int(3, 6);
      assert.ok(x >= 3 && x <= 6);
      seen.add(x);
    }
    assert.deepEqual([...seen].sort(), [3, 4, 5, 6]);
    const picked = r.sample(['a', 'b', 'c', 'd'], 3);
    assert.equal(new Set(picked).size, 3);
  });
});

describe('fault schedule', () => {
  it('is the same for the same seed and shape', () => {
    const one = generateSchedule(1234, shape, 200);
    const two = generateSchedule(1234, shape, 200);
    assert.deepEqual(one, two);
    assert.deepEqual(one.map(describeFault), two.map(describeFault));
  });

  it('differs for another seed', () => {
    assert.notDeepEqual(generateSchedule(1234, shape, 50), generateSchedule(1235, shape, 50));
  });

  it('a longer schedule starts with the shorter one', () => {
    assert.deepEqual(generateSchedule(99, shape, 120).slice(0, 40), generateSchedule(99, shape, 40));
  });

  it('draws every kind over a long schedule, and only the kinds given weights', () => {
    const kinds = new Set(generateSchedule(5, shape, 400).map((f) => f.kind));
    assert.deepEqual([...kinds].sort(), [...FAULT_KINDS].sort());
    const only = generateSchedule(5, { ...shape, weights: { kill: 1, partition: 2 } }, 200);
    assert.deepEqual([...new Set(only.map((f) => f.kind))].sort(), ['kill', 'partition']);
    assert.throws(() => generateSchedule(5, { ...shape, weights: {} }, 1), RangeError);
  });

  it('every fault fits the network', () => {
    const all = [...shape.validators, ...shape.fullNodes];
    const f = maxFaulty(shape.validators.length);
    assert.equal(f, 1);
    for (const fault of generateSchedule(77, shape, 500)) {
      assert.ok(fault.durationMs > 0 && fault.settleMs > 0);
      for (const t of fault.targets) assert.ok(all.includes(t), `${t} is not a node`);
      if (fault.kind === 'clock-skew') {
        // Within the 10 s drift (1-8 s) or beyond it (12-40 s), ahead or behind.
        const off = Math.abs(fault.clockOffsetMs!);
        assert.ok(
          (off >= 1_000 && off <= 8_000) || (off >= 12_000 && off <= 40_000),
          `${fault.clockOffsetMs}`,
        );
      }
      switch (fault.kind) {
        case 'kill':
        case 'wipe':
        case 'forge-sync':
        case 'validator-change':
        case 'clock-skew':
          assert.equal(fault.targets.length, 1);
          assert.ok(shape.validators.includes(fault.targets[0]!));
          break;
        case 'pause':
          assert.ok(fault.targets.length >= 1 && fault.targets.length <= Math.max(1, f));
          break;
        case 'crash-all':
          assert.deepEqual([...fault.targets].sort(), all);
          break;
        case 'crash-all-pause':
          // More than f validators stopped: no quorum until they resume.
          assert.equal(fault.targets.length, f + 1);
          assert.ok(fault.targets.every((t) => shape.validators.includes(t)));
          break;
        case 'crash-all-start-pause':
          assert.equal(fault.targets.length, f + 1);
          assert.ok(fault.startPauseAfterMs! >= 200 && fault.startPauseAfterMs! <= 2_500);
          break;
        case 'partition': {
          const [a, b] = fault.groups!;
          assert.deepEqual([...a!, ...b!].sort(), all);
          assert.ok(a!.length > 0 && b!.length > 0);
          break;
        }
        case 'delay':
          assert.ok(fault.links!.length > 0 && fault.latencyMs! > 0);
          for (const link of fault.links!) {
            const [from, to] = link.split('>');
            assert.ok(all.includes(from!) && all.includes(to!) && from !== to);
          }
          break;
      }
    }
  });

  it('draws the network shape from the seed unless it is given: 4 to 7 validators, at most 10 nodes', () => {
    const shapes = new Set<string>();
    for (let seed = 0; seed < 400; seed++) {
      const { validators, fullNodes } = campaignShape({ seed });
      assert.ok(validators >= 4 && validators <= 7, `${validators} validators`);
      // Every node is one organisation's, and the forger and observer take two of the ten.
      assert.ok(fullNodes >= 0 && fullNodes <= 2 && validators + fullNodes + 2 <= 10);
      assert.deepEqual(campaignShape({ seed }), { validators, fullNodes }, 'the same seed, the same shape');
      shapes.add(`${validators}+${fullNodes}`);
    }
    // Every size from 4 to 7 validators occurs, with and without full nodes.
    for (const v of [4, 5, 6, 7])
      assert.ok(shapes.has(`${v}+0`) && shapes.has(`${v}+1`), [...shapes].join(' '));
    assert.deepEqual(campaignShape({ seed: 5, validators: 4, fullNodes: 1 }), {
      validators: 4,
      fullNodes: 1,
    });
  });

  it('the progress bound grows with the rounds and the replay command names the seed', () => {
    assert.equal(roundsDurationMs(1), 5_000);
    assert.equal(roundsDurationMs(2), 5_000 + 6_500);
    const command = replayCommand({ seed: 31, minutes: 2, validators: 4, weights: { kill: 1 } }, 3);
    assert.equal(
      command,
      'npm run chaos -- --seed 31 --minutes 2 --validators 4 --max-faults 3 --kinds kill',
    );
  });

  it('reads weighted kinds, draws them in proportion, and names the weights in the replay command', () => {
    assert.deepEqual(parseKinds('kill,power-loss=3'), { kill: 1, 'power-loss': 3 });
    assert.throws(() => parseKinds('kill,unplug'), /unknown fault kind "unplug"/);
    assert.throws(() => parseKinds('kill=0'), /weight of kill must be a whole number/);
    assert.throws(() => parseKinds('kill=1.5'), /weight of kill/);
    assert.throws(() => parseKinds('kill,kill=2'), /named twice/);
    const weights = parseKinds('kill,pause=4');
    const drawn = generateSchedule(3, { ...shape, weights }, 500);
    const pauses = drawn.filter((f) => f.kind === 'pause').length;
    assert.equal(pauses + drawn.filter((f) => f.kind === 'kill').length, 500);
    // Expected 400 of 500; a binomial spread of ±9 makes 340..460 a safe bound.
    assert.ok(pauses > 340 && pauses < 460, `pauses drawn ${pauses} of 500`);
    const command = replayCommand({ seed: 3, minutes: 5, weights });
    assert.match(command, / --kinds kill,pause=4$/);
    assert.deepEqual(parseKinds(command.split('--kinds ')[1]!), weights);
  });

  it('names the kinds even when the default ones ran, and that list draws the default schedule', () => {
    const command = replayCommand({ seed: 9, minutes: 5 });
    assert.match(command, new RegExp(`--kinds ${FAULT_KINDS.join(',')}$`));
    const all = Object.fromEntries(FAULT_KINDS.map((k) => [k, 1]));
    assert.deepEqual(generateSchedule(9, { ...shape, weights: all }, 300), generateSchedule(9, shape, 300));
  });

  it('tells a node replaying far behind from one a few blocks short, or one that does not answer', () => {
    const heights = { node0: 8_467, node1: 8_467, node2: 2_210, node3: 8_465 };
    assert.equal(isCatchingUp(heights, ['node2']), true, 'a wiped node replaying from genesis');
    assert.equal(isCatchingUp(heights, ['node3']), false, 'two blocks short: the network was slow');
    assert.equal(
      isCatchingUp({ ...heights, node2: 8_467 - 85 }, ['node2']),
      true,
      'a late joiner 85 blocks behind, syncing slowly (seed 1504)',
    );
    assert.equal(isCatchingUp({ ...heights, node2: 8_467 - 12 }, ['node2']), false);
    assert.equal(isCatchingUp(heights, ['node2', 'node3']), false);
    assert.equal(
      isCatchingUp({ ...heights, node2: -1 }, ['node2']),
      false,
      'a silent node is not catching up',
    );
    assert.equal(
      isCatchingUp({ ...heights, node2: -1 }, ['node2'], new Set(['node2'])),
      true,
      'a silent node rebuilding its ledger may be (seed 1506); the runner then watches its CPU time',
    );
    assert.equal(
      isCatchingUp({ ...heights, node2: -1, node3: 8_466 }, ['node2', 'node3'], new Set(['node2'])),
      false,
      'not when another node is only a block short',
    );
    assert.equal(isCatchingUp(heights, []), false);
  });
});
