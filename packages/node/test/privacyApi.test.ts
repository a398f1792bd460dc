// Privacy and input hygiene through a live node's API, as an outside member tried them (issue 16): no
// money flow reaches an unsigned read, and every refusal carries a stable code. One node in this process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addressFromPublicKey } from '@hanglian/core';
import type { HanglianNode } from '../src/index.js';
import { createTestNetwork, http, makeTx, startTestNode, submitHex, type TestNetwork } from './helpers.js';

describe('privacy through the node API', () => {
  const member = () => ({ key: net.key('bookstore/ops'), chainId: 'hanglian-test' });
  let net: TestNetwork;
  let node: HanglianNode;
  let transfer: { txId: string; height: number };
  before(async () => {
    net = createTestNetwork();
    node = await startTestNode(net);
    const to = addressFromPublicKey(net.key('bookpress/ops').publicKey);
    const tx = makeTx(net.key('bookstore/ops'), {
      module: 'settlement',
      command: 'transfer',
      params: { to, amount: 777 },
      nonce: 0,
    });
    const submitted = await submitHex(node.apiUrl, tx);
    assert.equal(submitted.body.result?.code, 'OK', JSON.stringify(submitted.body));
    // The submitter (who holds the signed bytes) sees its own transaction's events.
    assert.ok(submitted.body.result.events.length > 0);
    transfer = { txId: submitted.body.txId, height: submitted.body.height };
  });
  after(async () => {
    await node.stop();
    net.remove();
  });

  // Found from outside: anyone holding a transaction id read its settlement transfer (payer, payee,
  // amount) through GET /v1/txs/:id, while block results are members-only.
  it("a transaction's events reach only members' signed reads", async () => {
    const unsigned = await http(node.apiUrl, `/v1/txs/${transfer.txId}`);
    assert.equal(unsigned.status, 200);
    assert.equal(unsigned.body.status, 'committed');
    assert.equal(unsigned.body.result.code, 'OK');
    assert.deepEqual(unsigned.body.result.events, []);
    assert.equal(unsigned.body.eventsWithheld, true);
    assert.ok(!JSON.stringify(unsigned.body).includes('777'), JSON.stringify(unsigned.body));
    const signed = await http(node.apiUrl, `/v1/txs/${transfer.txId}`, { reader: member() });
    assert.equal(signed.status, 200);
    assert.ok(signed.body.result.events.length > 0);
    assert.equal(signed.body.eventsWithheld, undefined);
  });

  it("a transaction's fate streamed to the public carries no events either", async () => {
    const response = await fetch(`${node.apiUrl}/v1/subscribe?tx=${transfer.txId}`);
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('event: tx')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    const line = text.split('\n').find((l, i, all) => all[i - 1] === 'event: tx' && l.startsWith('data: '));
    assert.ok(line, text);
    const status = JSON.parse(line.slice('data: '.length));
    assert.deepEqual(status.result.events, []);
    assert.equal(status.eventsWithheld, true);
  });

  // Found from outside: the public escrow-totals query answered what the members-only totals store
  // refuses through a state proof.
  it('escrow totals are refused to the public, by query as by state proof', async () => {
    const query = await http(node.apiUrl, '/v1/query/orders/escrow');
    assert.deepEqual([query.status, query.body.code], [401, 'READ_AUTH_REQUIRED']);
    const proof = await http(node.apiUrl, `/v1/state/proof?path=${encodeURIComponent('orders/totals/all')}`);
    assert.deepEqual([proof.status, proof.body.code], [401, 'READ_AUTH_REQUIRED']);
    const signed = await http(node.apiUrl, '/v1/query/orders/escrow', { reader: member() });
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
  });

  it('a public read with a signature checks it: a wrong one is refused, not taken for the public', async () => {
    const stranger = { key: net.key('node0'), chainId: 'another-chain' };
    const wrong = await http(node.apiUrl, '/v1/query/identity/organisations', { reader: stranger });
    assert.equal(wrong.status, 401);
    const open = await http(node.apiUrl, '/v1/query/identity/organisations');
    assert.equal(open.status, 200);
  });
});
