// The node end to end in one process: status, transfers committed through the API, queries, and a state
// proof checked the way a light client checks it (proof -> header state root -> commit signatures).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  addressFromPublicKey,
  blockHash,
  bytesEqual,
  ed25519Sha256,
  hexToBytes,
  READ_REQUEST_HEADER,
  utf8,
  verifyCommit,
  verifyStateProof,
} from '@hanglian/core';
import type { HanglianNode } from '../src/index.js';
import {
  createTestNetwork,
  http,
  makeTx,
  readerHeader,
  startTestNode,
  submitHex,
  type TestNetwork,
} from './helpers.js';

describe('node API', () => {
  /** A member identity's signed reads (bookstore's operations key). */
  const member = () => ({ key: net.key('bookstore/ops'), chainId: 'hanglian-test' });
  let net: TestNetwork;
  let node: HanglianNode;
  before(async () => {
    net = createTestNetwork();
    node = await startTestNode(net, { adminToken: 'test-admin-token' });
  });
  after(async () => {
    await node.stop();
    net.remove();
  });

  it('reports its status', async () => {
    const { status, body } = await http(node.apiUrl, '/v1/status');
    assert.equal(status, 200);
    // The only validator: no other to link to.
    assert.deepEqual(body.consensus.unlinkedValidators, []);
    assert.equal(body.chainId, 'hanglian-test');
    assert.equal(typeof body.height, 'number');
    assert.match(body.latestBlockHash, /^[0-9a-f]{64}$/);
  });

  it('commits a transfer and shows it in balances, blocks and results', async () => {
    const alice = net.key('bookstore/ops');
    const bob = net.key('bookpress/ops');
    const bobAddress = addressFromPublicKey(bob.publicKey);
    const before = await http(
      node.apiUrl,
      `/v1/query/settlement/balance?params=${encodeURIComponent(JSON.stringify({ address: bobAddress }))}`,
      { reader: member() },
    );
    assert.equal(before.status, 200, JSON.stringify(before.body));
    const tx = makeTx(alice, {
      module: 'settlement',
      command: 'transfer',
      params: { to: bobAddress, amount: 1234 },
      nonce: 0,
    });
    const submitted = await submitHex(node.apiUrl, tx);
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    assert.equal(submitted.body.status, 'committed');
    assert.equal(submitted.body.result.code, 'OK');
    const afterQuery = await http(
      node.apiUrl,
      `/v1/query/settlement/balance?params=${encodeURIComponent(JSON.stringify({ address: bobAddress }))}`,
      { reader: member() },
    );
    assert.equal(
      JSON.stringify(afterQuery.body.result).includes('100001234'),
      true,
      JSON.stringify(afterQuery.body),
    );

    const status = await http(node.apiUrl, `/v1/txs/${submitted.body.txId}`);
    assert.equal(status.body.status, 'committed');
    const block = await http(node.apiUrl, `/v1/blocks/${submitted.body.height}`, { reader: member() });
    assert.equal(block.status, 200);
    assert.equal(block.body.txs.length, block.body.header.txCount);
    const results = await http(node.apiUrl, `/v1/blocks/${submitted.body.height}/results`, {
      reader: member(),
    });
    assert.equal(results.body.txResults[submitted.body.index].txId, submitted.body.txId);
    const account = await http(node.apiUrl, `/v1/accounts/${addressFromPublicKey(alice.publicKey)}`);
    assert.equal(account.body.nextNonce, 1);
  });

  it('serves a state value with a proof that checks against a signed header', async () => {
    const address = addressFromPublicKey(net.key('bookpress/ops').publicKey);
    const path = `settlement/balances/${address}`;
    const { status, body } = await http(node.apiUrl, `/v1/state/proof?path=${encodeURIComponent(path)}`, {
      reader: member(),
    });
    assert.equal(status, 200, JSON.stringify(body));
    const proof = {
      siblings: body.proof.siblings.map(hexToBytes),
      leaf:
        body.proof.leaf === null
          ? null
          : {
              keyHash: hexToBytes(body.proof.leaf.keyHash),
              valueHash: hexToBytes(body.proof.leaf.valueHash),
            },
    };
    const root = hexToBytes(body.root);
    assert.ok(verifyStateProof(root, utf8(path), hexToBytes(body.value), proof));
    assert.ok(!verifyStateProof(root, utf8(path), utf8('forged'), proof));
    // The root is the state root of the header at that height, and the header is signed by the validators.
    const header = {
      ...body.header,
      previousBlockHash: hexToBytes(body.header.previousBlockHash),
      txRoot: hexToBytes(body.header.txRoot),
      stateRoot: hexToBytes(body.header.stateRoot),
      resultsRoot: hexToBytes(body.header.resultsRoot),
      validatorSetHash: hexToBytes(body.header.validatorSetHash),
      nextValidatorSetHash: hexToBytes(body.header.nextValidatorSetHash),
      lastCommitHash: hexToBytes(body.header.lastCommitHash),
    };
    assert.ok(bytesEqual(header.stateRoot, root));
    const commit = {
      height: body.commit.height,
      round: body.commit.round,
      blockHash: hexToBytes(body.commit.blockHash),
      signatures: body.commit.signatures.map((s: { validator: string; signature: string }) => ({
        validator: hexToBytes(s.validator),
        signature: hexToBytes(s.signature),
      })),
    };
    const validators = [{ publicKey: net.key('node0').publicKey, power: 10, org: 'regulator' }];
    const check = verifyCommit(commit, 'hanglian-test', blockHash(header), validators, ed25519Sha256);
    assert.ok(check.ok, check.reason);
  });

  it('proves absence of a key that was never written', async () => {
    const path = 'settlement/balances/hl0000000000000000000000000000000000000000';
    const { body } = await http(node.apiUrl, `/v1/state/proof?path=${encodeURIComponent(path)}`, {
      reader: member(),
    });
    assert.equal(body.value, null);
    const proof = {
      siblings: body.proof.siblings.map(hexToBytes),
      leaf:
        body.proof.leaf === null
          ? null
          : {
              keyHash: hexToBytes(body.proof.leaf.keyHash),
              valueHash: hexToBytes(body.proof.leaf.valueHash),
            },
    };
    assert.ok(verifyStateProof(hexToBytes(body.root), utf8(path), null, proof));
  });

  it('answers unknown routes, blocks and queries with typed errors', async () => {
    assert.equal((await http(node.apiUrl, '/v1/nothing')).body.code, 'NOT_FOUND');
    assert.equal((await http(node.apiUrl, '/v1/blocks/999999999', { reader: member() })).status, 404);
    assert.equal((await http(node.apiUrl, '/v1/blocks/abc')).body.code, 'BAD_REQUEST');
    const q = await http(node.apiUrl, '/v1/query/settlement/nope');
    assert.equal(q.status, 404);
    assert.equal(q.body.code, 'QUERY_UNKNOWN');
    const bad = await http(
      node.apiUrl,
      `/v1/query/settlement/balance?params=${encodeURIComponent('{"address": 5}')}`,
    );
    // Bad params fail as such before any question of who asks.
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'QUERY_BAD_PARAMS');
    const errors = await http(node.apiUrl, '/v1/errors');
    assert.ok(errors.body.errors.some((e: { code: string }) => e.code === 'TX_NONCE_TOO_LOW'));
  });

  it('serves members-only data only to signed reads of active member identities', async () => {
    const height = (await http(node.apiUrl, '/v1/status')).body.height as number;
    const blockPath = `/v1/blocks/${height}`;
    // Public: status, headers, the catalogue, item verification, public state.
    const header = await http(node.apiUrl, `/v1/headers/${height}`);
    assert.equal(header.status, 200, JSON.stringify(header.body));
    assert.equal(header.body.header.height, height);
    assert.equal(header.body.txs, undefined, 'a header carries no transactions');
    const verify = await http(node.apiUrl, '/v1/query/items/verify', {
      json: { params: { code: 'sku:b:1' } },
    });
    assert.equal(verify.status, 200, JSON.stringify(verify.body));
    const org = await http(
      node.apiUrl,
      `/v1/state/proof?path=${encodeURIComponent('identity/orgs/bookstore')}`,
    );
    assert.equal(org.status, 200, JSON.stringify(org.body));
    // Members only: unsigned, malformed, stale, moved to another path, or signed by a stranger.
    const unsigned = await http(node.apiUrl, blockPath);
    assert.deepEqual([unsigned.status, unsigned.body.code], [401, 'READ_AUTH_REQUIRED']);
    const garbage = await fetch(node.apiUrl + blockPath, { headers: { [READ_REQUEST_HEADER]: 'nope' } });
    assert.deepEqual(
      [garbage.status, ((await garbage.json()) as { code: string }).code],
      [401, 'READ_AUTH_INVALID'],
    );
    const stale = await http(node.apiUrl, blockPath, {
      reader: { ...member(), time: Date.now() - 10 * 60_000 },
    });
    assert.deepEqual([stale.status, stale.body.code], [401, 'READ_AUTH_INVALID']);
    const signedForAnother = readerHeader(member(), 'GET', '/v1/blocks/1');
    const moved = await fetch(node.apiUrl + blockPath, {
      headers: { [READ_REQUEST_HEADER]: signedForAnother },
    });
    assert.equal(moved.status, 401);
    const stranger = ed25519Sha256.generateSigningKey();
    const foreign = await http(node.apiUrl, blockPath, {
      reader: { key: stranger, chainId: 'hanglian-test' },
    });
    assert.deepEqual([foreign.status, foreign.body.code], [403, 'READ_NOT_MEMBER']);
    const otherChain = await http(node.apiUrl, blockPath, {
      reader: { ...member(), chainId: 'another-chain' },
    });
    assert.equal(otherChain.status, 401);
    // The body is signed too: a signed query cannot be replayed with other parameters.
    const query = '/v1/query/settlement/balance';
    const body = JSON.stringify({
      params: { address: addressFromPublicKey(net.key('bookpress/ops').publicKey) },
    });
    const forBody = readerHeader(member(), 'POST', query, body);
    const swapped = await fetch(node.apiUrl + query, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [READ_REQUEST_HEADER]: forBody },
      body: JSON.stringify({ params: { address: addressFromPublicKey(net.key('node0').publicKey) } }),
    });
    assert.equal(swapped.status, 401);
    const same = await fetch(node.apiUrl + query, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [READ_REQUEST_HEADER]: forBody },
      body,
    });
    assert.equal(same.status, 200);
    const balances = await http(
      node.apiUrl,
      `/v1/state/proof?path=${encodeURIComponent('settlement/balances/hl0000000000000000000000000000000000000000')}`,
    );
    assert.equal(balances.status, 401);
    const signed = await http(node.apiUrl, blockPath, { reader: member() });
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    // The event stream: blocks are public, chain events are members'.
    const events = await fetch(`${node.apiUrl}/v1/subscribe?module=settlement`);
    assert.equal(events.status, 401);
  });

  it('is live and ready; readiness fails with its reasons when blocks stop or peers are missing', async () => {
    assert.deepEqual((await http(node.apiUrl, '/v1/health')).body, { status: 'ok' });
    const ready = await http(node.apiUrl, '/v1/ready');
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
    assert.equal(ready.body.status, 'ready');
    // A minute with no commit: not ready, and the reason says so.
    const stale = node.readiness(Date.now() + 60_000);
    assert.equal(stale.ready, false);
    assert.match(stale.reasons.join(), /no block committed/);
    // One validator of four, alone: alive but not ready (no peers, no blocks).
    const four = createTestNetwork({ validators: 4 });
    const lonely = await startTestNode(four);
    try {
      assert.equal((await http(lonely.apiUrl, '/v1/health')).status, 200);
      const refused = await http(lonely.apiUrl, '/v1/ready');
      assert.equal(refused.status, 503);
      assert.equal(refused.body.code, 'NODE_NOT_READY');
      assert.ok(refused.body.details.reasons.includes('no peers'), JSON.stringify(refused.body));
      // It names the three validators it cannot reach, in its status and its metrics.
      const status = await http(lonely.apiUrl, '/v1/status');
      const unlinked = status.body.consensus.unlinkedValidators as Array<{ org: string; publicKey: string }>;
      assert.equal(unlinked.length, 3, JSON.stringify(status.body.consensus));
      const others = four.manifest.nodes.filter((n) => n.validator).slice(1);
      assert.deepEqual(unlinked.map((v) => v.publicKey).sort(), others.map((n) => n.publicKey).sort());
      const metrics = await fetch(`${lonely.apiUrl}/metrics`);
      assert.match(await metrics.text(), /^hanglian_unlinked_validators\{[^}]*\} 3$/m);
    } finally {
      await lonely.stop();
      four.remove();
    }
  });

  it('guards the operator endpoints with the admin token', async () => {
    const isolate = (token?: string) =>
      fetch(`${node.apiUrl}/v1/admin/network/isolate`, {
        method: 'POST',
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
    const none = await isolate();
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as { code: string }).code, 'ADMIN_UNAUTHORIZED');
    assert.equal((await isolate('wrong-token-of-same-len')).status, 401);
    const ok = await isolate('test-admin-token');
    assert.equal(ok.status, 200);
    const restored = await fetch(`${node.apiUrl}/v1/admin/network/restore`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-token' },
    });
    assert.equal(restored.status, 200);
    const status = await http(node.apiUrl, '/v1/status');
    assert.deepEqual(status.body.consensus.peers, []);
  });
});
