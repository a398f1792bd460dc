// The CPU breakdown of `hanglian bench --profile`: each sample goes to the first component on its stack.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { breakdownOf } from '../src/bench/profileBreakdown.js';

const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
  id,
  callFrame: { functionName, url },
  children,
});

test('profile breakdown: samples are shared by component, idle is not busy, the rest is other', () => {
  const profile = {
    nodes: [
      frame(1, '(root)', '', [9, 5, 7, 8]),
      frame(9, 'handler', 'file:///x/node/dist/src/api/server.js', [2]),
      frame(2, 'add', 'file:///x/node/dist/src/mempool/mempool.js', [3]),
      frame(3, 'checkTx', 'file:///x/state-machine/dist/src/execution/stateMachine.js', [4]),
      frame(4, 'verifyOneShot', 'node:internal/crypto/sig'),
      frame(5, 'commitChanges', 'file:///x/storage/dist/src/state/stateStore.js', [6]),
      frame(6, 'update', 'file:///x/storage/dist/src/state/tree.js'),
      frame(7, '(idle)', ''),
      frame(8, 'somethingElse', 'file:///x/y.js'),
    ],
    // µs: verify 300 (inside checkTx: the verify wins, it comes first), tree 500, idle 1000, other 200,
    // and 100 in the mempool's own code under the API's handler: the mempool's, not the API's.
    samples: [4, 4, 6, 7, 8, 2, 3],
    timeDeltas: [100, 200, 500, 1000, 200, 100, 0],
  };
  const breakdown = breakdownOf(profile, 'p.cpuprofile');
  assert.equal(breakdown.busyMs, 1);
  assert.deepEqual(breakdown.shares, [
    { component: 'state tree update', percent: 45.5 },
    { component: 'signature verify', percent: 27.3 },
    { component: 'other', percent: 18.2 },
    { component: 'mempool (admission, reaping, updates)', percent: 9.1 },
  ]);
});
