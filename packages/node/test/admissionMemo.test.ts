// The mempool remembers submitters' membership (issue 14) across blocks that write no identity or
// organisation record, and forgets it after one that does: an identity revoked by a block is refused by
// the next admission, not admitted from a stale memo.
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

  it('reads membership once, keeps it over blocks of transfers, refuses an identity revoked by the last block', async () => {
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

    // A block of transfers writes no identity or organisation record: the memo is kept.
    const committed = await submitHex(node.apiUrl, transfer(2));
    assert.equal(committed.body.status, 'committed', JSON.stringify(committed.body));
    const before = node.mempool.memo.misses;
    node.submit(transfer(3));
    assert.equal(node.mempool.memo.misses, before, 'kept across blocks that wrote no membership record');

    const revoke = makeTx(key, {
      module: 'identity',
      command: 'revokeIdentity',
      params: { address: self },
      nonce: 4,
    });
    const answer = await submitHex(node.apiUrl, revoke);
    assert.equal(answer.body.status, 'committed', JSON.stringify(answer.body));
    assert.equal(answer.body.result.code, 'OK', JSON.stringify(answer.body));
    assert.throws(
      () => node.submit(transfer(5)),
      (error: HanglianError) => error.code === 'TX_NOT_MEMBER',
    );
  });
});
