// Back-pressure at admission: past a backlog of a few blocks' worth, a client's transaction is refused with
// 503 MEMPOOL_BACKLOG (retryable, with a retry hint), while transactions relayed by peers are still taken.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HanglianNode } from '../src/index.js';
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
    node = await startTestNode(net, { mempool: { backlogFloor: 5, backlogBlocks: 4 } });
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
});
