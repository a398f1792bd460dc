// A node that prunes its state: recent heights and snapshots stay provable over the API, older heights
// answer 404 STATE_PRUNED (never a missing-node error), and blocks stay.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyStateProof } from '@hanglian/core';
import type { HanglianNode } from '../src/index.js';
import { createTestNetwork, http, startTestNode, type TestNetwork } from './helpers.js';

describe('node with pruning (--keep-recent 3 --snapshot-every 4)', () => {
  let net: TestNetwork;
  let node: HanglianNode;
  const path = `/v1/state/proof?path=${encodeURIComponent('identity/orgs/bookstore')}`;
  before(async () => {
    net = createTestNetwork();
    node = await startTestNode(net, { pruning: { keepRecent: 3, snapshotEvery: 4 } });
    // Empty blocks come every 200 ms here.
    while (node.chain.height < 10) await new Promise((resolve) => setTimeout(resolve, 100));
  });
  after(async () => {
    await node.stop();
    net.remove();
  });

  it('refuses a pruned height with 404 STATE_PRUNED', async () => {
    const { status, body } = await http(node.apiUrl, `${path}&height=2`);
    assert.equal(status, 404, JSON.stringify(body));
    assert.equal(body.code, 'STATE_PRUNED');
  });

  it('proves the latest height and a snapshot height', async () => {
    for (const height of [node.chain.height, 4, 8]) {
      const { status, body } = await http(node.apiUrl, `${path}&height=${height}`);
      assert.equal(status, 200, `height ${height}: ${JSON.stringify(body)}`);
      assert.equal(body.height, height);
      assert.ok(body.value !== null);
      const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
      const proof = {
        siblings: body.proof.siblings.map(bytes),
        leaf:
          body.proof.leaf === null
            ? null
            : { keyHash: bytes(body.proof.leaf.keyHash), valueHash: bytes(body.proof.leaf.valueHash) },
      };
      assert.equal(verifyStateProof(bytes(body.root), bytes(body.key), bytes(body.value), proof), true);
    }
  });

  it('keeps every block', async () => {
    const { status } = await http(node.apiUrl, '/v1/headers/2');
    assert.equal(status, 200);
  });
});
