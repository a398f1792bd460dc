// A node reads its state tree's upper levels into memory after it starts, in steps between other work:
// after a restart, blocks then read no tree node record from disk for a state this size.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addressFromPublicKey } from '@hanglian/core';
import type { HanglianNode } from '../src/index.js';
import { createTestNetwork, makeTx, startTestNode, submitHex, type TestNetwork } from './helpers.js';

describe('state tree warm-up at start', () => {
  let net: TestNetwork;
  let node: HanglianNode | undefined;
  before(async () => {
    net = createTestNetwork();
    const first = await startTestNode(net);
    while (first.chain.height < 3) await new Promise((resolve) => setTimeout(resolve, 50));
    await first.stop();
  });
  after(async () => {
    await node?.stop();
    net.remove();
  });

  it('pins the upper levels after a restart, and the next blocks read no tree record from disk', async () => {
    node = await startTestNode(net);
    const warmed = await node.stateTreeWarmed;
    assert.ok(warmed !== undefined && warmed.nodes > 0 && warmed.bytes > 0, JSON.stringify(warmed));
    const state = node.chain.storage.state;
    const readsBefore = state.treeRecordsRead();
    const heightBefore = node.chain.height;
    const alice = net.key('bookstore/ops');
    const bob = addressFromPublicKey(net.key('bookpress/ops').publicKey);
    const tx = makeTx(alice, {
      module: 'settlement',
      command: 'transfer',
      params: { to: bob, amount: 5 },
      nonce: 0,
    });
    const submitted = await submitHex(node.apiUrl, tx);
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    assert.equal(submitted.body.status, 'committed', JSON.stringify(submitted.body));
    assert.ok(node.chain.height > heightBefore);
    assert.equal(state.treeRecordsRead() - readsBefore, 0, 'tree records read by the blocks after warm-up');
  });
});
