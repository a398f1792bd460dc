// Back-pressure at admission: past a backlog of a few seconds of commits (at least a floor), a client's
// transaction is refused with 503 MEMPOOL_BACKLOG (retryable, with a retry hint), while transactions
// relayed by peers are still taken.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DecodedTx } from '@hanglian/core';
import { type HanglianNode, Mempool } from '../src/index.js';
import { createTestNetwork, makeTx, startTestNode, submitHex, type TestNetwork } from './helpers.js';

describe('mempool back-pressure (backlog floor 5)', () => {
  let net: TestNetwork;
  let node: HanglianNode;
  // Nonces ahead of the submitter's next one (0): admitted, but no block can take them, so they stay.
  const waiting = (nonce: number) =>
    makeTx(net.key('bookstore/ops'), {
      module: 'settlement',
      command: 'transfer',
      params: { to: 'hl0000000000000000000000000000000000000000', amount: 1 },
      nonce: 10 + nonce,
    });
  before(async () => {
    net = createTestNetwork();
    node = await startTestNode(net, { mempool: { backlogFloor: 5, backlogSeconds: 2 } });
  });
  after(async () => {
    await node.stop();
    net.remove();
  });

  it('admits up to the backlog, then refuses clients with 503 MEMPOOL_BACKLOG and a retry hint', async () => {
    for (let i = 0; i < 5; i++) {
      const { status, body } = await submitHex(node.apiUrl, waiting(i), false);
      assert.equal(status, 202, JSON.stringify(body));
    }
    assert.equal(node.mempool.size, 5);
    assert.equal(node.mempool.backlogLimit, 5, 'no block carried a transaction yet: the floor applies');
    const { status, body } = await submitHex(node.apiUrl, waiting(5), false);
    assert.equal(status, 503, JSON.stringify(body));
    assert.equal(body.code, 'MEMPOOL_BACKLOG');
    assert.equal(body.details.retryAfterMs, 1_000);
    assert.equal(node.mempool.size, 5, 'nothing was kept');
  });

  it('still takes a transaction relayed by a peer', () => {
    const next = { height: node.chain.height + 1, time: Date.now() };
    node.mempool.add(waiting(6), node.chain.reader(), next, 'peer');
    assert.equal(node.mempool.size, 6);
  });

  it('follows the commit rate: the limit is the last blocks’ transactions per second times backlogSeconds', () => {
    let now = 0;
    const mempool = new Mempool(node.stateMachine, node.chain.chainId, {
      backlogFloor: 5,
      backlogSeconds: 2,
      clock: () => now,
    });
    const state = node.chain.reader();
    // Blocks of 10 transactions a second (the transactions only need an id to be dropped).
    const block = () =>
      Array.from({ length: 10 }, () => ({ id: new Uint8Array(32) }) as unknown as DecodedTx);
    mempool.update(block(), state, 1);
    assert.equal(mempool.backlogLimit, 5, 'one block says no rate: the floor');
    now = 1_000;
    mempool.update(block(), state, 2);
    now = 2_000;
    mempool.update(block(), state, 3);
    assert.equal(mempool.committedPerSecond, 10);
    assert.equal(mempool.backlogLimit, 20);
    const next = { height: node.chain.height + 1, time: Date.now() };
    for (let i = 0; i < 20; i++) mempool.add(waiting(i), state, next);
    assert.throws(
      () => mempool.add(waiting(20), state, next),
      (error: { code: string; details: { committedPerSecond: number; limit: number } }) =>
        error.code === 'MEMPOOL_BACKLOG' &&
        error.details.committedPerSecond === 10 &&
        error.details.limit === 20,
    );
    mempool.add(waiting(21), state, next, 'peer');
    assert.equal(mempool.size, 21, 'a relayed transaction is still taken');
    // Twice the pace, twice the queue.
    for (let h = 4; h <= 11; h++) {
      now += 500;
      mempool.update(block(), state, h);
    }
    assert.equal(mempool.backlogLimit, 40);
  });
});
