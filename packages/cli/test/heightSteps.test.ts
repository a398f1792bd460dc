/** The network bench's height breakdown: read from the validators' metrics before and after a step. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  failedRoundsBetween,
  formatHeightSteps,
  heightReading,
  heightStepMeans,
  heightStepTotals,
} from '../src/bench/heightSteps.js';

const metrics = (
  node: string,
  commitSum: number,
  commitCount: number,
  waitSum: number,
  waitCount: number,
  failedRounds?: number,
) =>
  [
    '# HELP hanglian_height_step_seconds Time each step of a decided height took',
    '# TYPE hanglian_height_step_seconds histogram',
    `hanglian_height_step_seconds_bucket{le="0.001",step="commit",node="${node}",chainId="c"} 0`,
    `hanglian_height_step_seconds_sum{step="commit",node="${node}",chainId="c"} ${commitSum}`,
    `hanglian_height_step_seconds_count{step="commit",node="${node}",chainId="c"} ${commitCount}`,
    `hanglian_height_step_seconds_sum{step="wait",node="${node}",chainId="c"} ${waitSum}`,
    `hanglian_height_step_seconds_count{step="wait",node="${node}",chainId="c"} ${waitCount}`,
    `hanglian_tx_commit_latency_seconds_sum{node="${node}",chainId="c"} 99`,
    ...(failedRounds === undefined
      ? []
      : [`hanglian_consensus_failed_rounds_total{node="${node}",chainId="c"} ${failedRounds}`]),
  ].join('\n');

describe('height steps in the network bench', () => {
  it('reads each step’s sum and count from a node’s metrics, and nothing else', () => {
    assert.deepEqual(heightStepTotals(metrics('node0', 0.5, 10, 0.2, 10)), {
      commit: { sum: 0.5, count: 10 },
      wait: { sum: 0.2, count: 10 },
    });
    assert.deepEqual(heightStepTotals('hanglian_chain_height{node="n"} 5'), {});
  });

  it('gives the mean of each step over the heights decided between two readings, pooled over nodes', () => {
    const before = [metrics('node0', 1, 100, 2, 100), metrics('node1', 0, 0, 0, 0)].map(heightReading);
    // node0 decided 10 heights with commits of 30 ms; node1 30 heights with commits of 10 ms.
    const after = [metrics('node0', 1.3, 110, 2.2, 110), metrics('node1', 0.3, 30, 0.6, 30)].map(
      heightReading,
    );
    const means = heightStepMeans(before, after);
    assert.equal(means.commit, 15);
    assert.equal(means.wait, 20);
    assert.equal(means.proposal, undefined, 'a step no node reported has no mean');
    assert.equal(formatHeightSteps(means), 'wait 20.0, commit 15.0 = 35.0 ms');
  });

  it('counts the rounds that failed between two readings: the nodes’ mean, each node counting every height', () => {
    // A node that reports none yet reads 0.
    assert.equal(heightReading(metrics('node0', 0, 0, 0, 0)).failedRounds, 0);
    const before = [metrics('node0', 0, 0, 0, 0, 2), metrics('node1', 0, 0, 0, 0, 2)].map(heightReading);
    // Both saw the same 3 failed rounds.
    const after = [metrics('node0', 0, 0, 0, 0, 5), metrics('node1', 0, 0, 0, 0, 5)].map(heightReading);
    assert.equal(failedRoundsBetween(before, after), 3);
    assert.equal(failedRoundsBetween([], after), 5, 'no reading before: counted from zero');
    assert.equal(failedRoundsBetween([], []), 0);
  });
});
