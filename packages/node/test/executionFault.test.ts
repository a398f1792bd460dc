/**
 * A node whose contract worker fails to answer in time stops itself: issue 11, "a result must never depend
 * on a clock". The worker's safety timeout is set to 1 ms here, so the first contract call of the node
 * (the conformance vectors of a registration, while the worker is still starting) hits it. Before, that
 * call was committed with TX_FAILED on this node while a node with a longer timeout committed OK; now
 * nothing is committed, the node reports the fault and stops executing and voting.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { bytesToHex, decodeTx } from '@hanglian/core';
import type { HanglianNode, NodeOptions } from '../src/index.js';
import { createTestNetwork, http, makeTx, startTestNode, submitHex, type TestNetwork } from './helpers.js';

const SPIN = 'var contract = { spin(n) { let i = 0; while (i < n) i++; return i; } };';
const SPIN_STANDARD = {
  id: 'test.spin/1',
  title: 'Spins',
  behaviour: 'spin(n) counts to n and returns n.',
  methods: [
    {
      name: 'spin',
      summary: 'Counts to n.',
      params: [{ name: 'n', schema: { type: 'integer', minimum: 0 } }],
      output: { type: 'integer' },
      readOnly: true,
    },
  ],
  events: [],
  vectors: [{ name: 'counts', method: 'spin', args: [3], expect: { ok: true, value: 3 } }],
  implementerRoles: [],
};

describe('a local execution fault stops the node instead of becoming a result', () => {
  let net: TestNetwork;
  let node: HanglianNode;
  before(async () => {
    net = createTestNetwork({ registry: { standards: [SPIN_STANDARD] } });
    const options: Partial<NodeOptions> = {
      blockTiming: { minBlockIntervalMs: 5, emptyBlockIntervalMs: 10 },
      contractReplyTimeoutMs: 1,
    };
    node = await startTestNode(net, options);
  });
  after(async () => {
    await node?.stop();
    net?.remove();
  });

  it('registration times out on this node: nothing is committed, the node stops and says so', async () => {
    const admin = net.key('bookstore/admin');
    const deployed = await submitHex(
      node.apiUrl,
      makeTx(admin, { module: 'registry', command: 'deployCode', params: { source: SPIN }, nonce: 0 }),
    );
    assert.equal(deployed.body.result?.code, 'OK', JSON.stringify(deployed.body));
    const fault = once(node.events, 'fault');
    const register = makeTx(admin, {
      module: 'registry',
      command: 'registerImplementation',
      params: {
        id: 'test.spin.v1',
        standard: 'test.spin/1',
        codeHash: createHash('sha256').update(SPIN).digest('hex'),
        displayName: 'spin',
      },
      nonce: 1,
    });
    const accepted = await submitHex(node.apiUrl, register, false);
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    const txId = bytesToHex(decodeTx(register).id);
    // Whichever comes first: the node's fault, or the transaction recorded with some result.
    const outcome = await Promise.race([
      fault.then(() => 'fault'),
      node
        .waitForTx(txId, 30_000)
        .then((s) => (s.status === 'committed' ? `recorded ${s.result.code}` : s.status))
        .catch(() => 'not recorded'),
    ]);
    assert.equal(outcome, 'fault');
    const [error] = (await fault) as [Error];
    assert.match(error.message, /did not answer within 1 ms/);
    assert.equal(node.fault, error);
    const heightAtFault = node.chain.height;
    // The registration was not recorded as any result on this node.
    assert.notEqual(node.txStatus(txId).status, 'committed');
    const status = await http(node.apiUrl, '/v1/ready');
    assert.equal(status.status, 503);
    assert.match(JSON.stringify(status.body), /stopped on a local fault/);
    // The driver is stopped: over 30 empty-block intervals (10 ms each) a running node would have
    // committed about 30 blocks; this one commits none.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(node.chain.height, heightAtFault);
  });
});
