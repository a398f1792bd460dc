// The node's own consensus driver, chain, WAL, guarded signer and block sync in the seeded simulation
// (src/simulation/driverSimulation.ts): a run is a pure function of its seed; each fault mix keeps
// agreement, no honest double-sign and progress after the heal; and the seed that catches a wiped
// validator re-signing a height it had voted in (the WAL handed to the machine only at the first height
// after a start, before the fix) stays clean.
//
// The nodes' ledgers, WALs and signer states go to a RAM file system (/dev/shm) where there is one: the
// simulation's crashes drop nothing that was written (the process goes on), so an fsync there checks
// nothing and only waits for the disk (each run took twice as long on a loaded disk); a run's trace is the
// same on either (seed 3 of wipe: e8ac2d8b4107… on /dev/shm and in the temporary directory).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  DRIVER_FAULT_MIXES,
  type DriverSimulationOptions,
  type DriverSimulationResult,
  runDriverSimulation,
} from '../src/simulation/driverSimulation.js';

function ramOrTmp(): string {
  try {
    if (statSync('/dev/shm').isDirectory()) return mkdtempSync('/dev/shm/hanglian-driver-sim-');
  } catch {
    // No /dev/shm (or not writable): the temporary directory.
  }
  return mkdtempSync(join(tmpdir(), 'hanglian-driver-sim-'));
}

const root = ramOrTmp();
let runs = 0;
after(() => rmSync(root, { recursive: true, force: true }));

/** One run in a directory of its own under `root`, removed when it ends. */
async function simulate(options: DriverSimulationOptions): Promise<DriverSimulationResult> {
  const dir = join(root, `run-${runs++}`);
  try {
    return await runDriverSimulation({ ...options, dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('driver simulation', () => {
  it('replays a seed exactly: the same commits in the same order', async () => {
    // 16 virtual seconds of faults, not the mixes' 40: seed 3 wipes a validator twice in them (and its
    // guard refuses a stale height), and the two runs are compared commit by commit all the same.
    const run = (seed: number) => simulate({ seed, mix: 'wipe', faultPhaseMs: 16_000 });
    const one = await run(3);
    const two = await run(3);
    assert.deepEqual(one.violations, []);
    assert.ok(one.wipes >= 2, `the replayed run wiped ${one.wipes} validator(s)`);
    assert.equal(one.trace, two.trace);
    assert.deepEqual(one.heights, two.heights);
    const other = await run(4);
    assert.notEqual(other.trace, one.trace);
  });

  it('a wiped validator back within the round it voted in resumes it from its WAL (seeds 54, 55)', async () => {
    // With the WAL replayed only for the first height after a start, node1 of each seed catches up by
    // block sync to the height it had voted in (22, 33) and its machine tries to propose there again: its
    // guard refuses, and the simulation reports the attempt.
    for (const seed of [54, 55]) {
      const result = await simulate({ seed, mix: 'wipe' });
      assert.deepEqual(result.violations, [], `seed ${seed}`);
      assert.ok(result.wipes > 0);
    }
  });

  it('an idle chain spaces its empty blocks out, and a transaction starts the next block at once', async () => {
    // Five virtual minutes without a transaction, then one 280 s in, when empty blocks are 30 s apart.
    // Without the idle back-off the same run makes a block every ~0.46 s (658 blocks); without the start
    // on admission the transfer waits for the next empty block (17.5 s in this run).
    const r = await simulate({
      seed: 5,
      mix: 'crashes',
      faults: false,
      validators: 4,
      faultPhaseMs: 300_000,
      healMs: 120_000,
      progressBlocks: 2,
      transactionAtMs: 280_000,
      timing: { idleAfterMs: 60_000, maxIdleBlockIntervalMs: 30_000 },
    });
    assert.deepEqual(r.violations, []);
    assert.ok(Math.max(...r.heights) < 250, `heights ${r.heights}`);
    assert.ok(r.longestBlockGapMs >= 25_000, `longest gap ${r.longestBlockGapMs} ms`);
    assert.ok(
      r.transactionCommittedAfterMs !== undefined && r.transactionCommittedAfterMs < 2_000,
      `the transfer was committed ${r.transactionCommittedAfterMs} ms after it arrived`,
    );
  });

  for (const mix of DRIVER_FAULT_MIXES) {
    it(`keeps agreement, no honest double-sign and progress under ${mix} (seeds 0-1)`, async () => {
      for (let seed = 0; seed < 2; seed++) {
        const r = await simulate({ seed, mix });
        const replay = `runDriverSimulation({ seed: ${seed}, mix: '${mix}' })`;
        assert.deepEqual(r.violations, [], replay);
        assert.ok(Math.min(...r.heights) > 10, `${replay}: heights ${r.heights}`);
        assert.ok(r.signedMessages > 0);
        switch (mix) {
          case 'crashes':
            assert.ok(r.crashes > 0, replay);
            break;
          case 'crash-all':
            assert.ok(r.crashes >= 2 * r.validators, `${replay}: ${r.crashes} crashes`);
            break;
          case 'wipe':
            assert.ok(r.wipes > 0, replay);
            break;
          case 'sync-liar':
            // Forged answers pushed unasked, and forged answers to requests block sync made of the liar.
            assert.ok(
              r.forgedAnswers > 0 && r.rejectedBlocks > 0,
              `${replay}: ${r.forgedAnswers} forged, ${r.rejectedBlocks} dropped`,
            );
            assert.ok(r.liesAsked > 0, `${replay}: block sync never asked the lying peer`);
            break;
          case 'equivocator':
            assert.ok(
              r.equivocations > 0 && r.evidence > 0,
              `${replay}: ${r.equivocations} slots, ${r.evidence} proven`,
            );
            break;
          case 'partitions':
            assert.ok(r.partitions > 0, replay);
            break;
        }
      }
    });
  }
});
