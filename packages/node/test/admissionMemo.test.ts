// The mempool remembers submitters' membership for one committed height (issue 14) and forgets it when
// the height moves: an identity revoked by a block is refused by the next admission, not admitted from a
// stale memo.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addressFromPublicKey, type HanglianError } from '@hanglian/core';
import type { HanglianNode } from '../src/index.js';
import { createTestNetwork, makeTx, startTestNode, submitHex, type TestNetwork } from './helpers.js';

describe('admission memo in the mempool', () => {
  let net: TestNetwork;
  let node: HanglianNode;
  before(async () => {
    net = createTestNetwork();
    node = await startTestNode(net);
  });
  after(async () => {
    await node.stop();
    net.remove();
  });

  it('reads membership once per height, and refuses an identity revoked by the last block', async () => {
    const key = net.key('bookstore/ops');
    const self = addressFromPublicKey(key.publicKey);
    const transfer = (nonce: number) =>
      makeTx(key, {
        module: 'settlement',
        command: 'transfer',
        params: { to: addressFromPublicKey(net.key('bookpress/ops').publicKey), amount: 1 },
        nonce,
      });
    const { misses } = node.mempool.memo;
    node.submit(transfer(0));
    node.submit(transfer(1));
    assert.equal(node.mempool.memo.misses, misses + 1, 'the second transaction found the first one’s answer');
    assert.ok(node.mempool.memo.hits >= 1);

    const revoke = makeTx(key, {
      module: 'identity',
      command: 'revokeIdentity',
      params: { address: self },
      nonce: 2,
    });
    const answer = await submitHex(node.apiUrl, revoke);
    assert.equal(answer.body.status, 'committed', JSON.stringify(answer.body));
    assert.equal(answer.body.result.code, 'OK', JSON.stringify(answer.body));
    assert.throws(
      () => node.submit(transfer(3)),
      (error: HanglianError) => error.code === 'TX_NOT_MEMBER',
    );
  });
});
