// Revoking a member node drops its links with the block that revokes it (issue 12): a validator on real
// TCP links (launchNode, @hanglian/network) and a full-node identity dialling it; its organisation's admin
// revokes it. Before the fix, links were re-checked only every 10 blocks (and never while the chain stalls),
// so the revoked node stayed linked for up to 9 more blocks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addressFromPublicKey } from '@hanglian/core';
import { createNetwork, type Network } from '@hanglian/network';
import { listenBelowEphemeral } from '@hanglian/testkit';
import { type HanglianNode, launchNode } from '../src/index.js';
import { createTestNetwork, makeTx, submitHex, type TestNetwork } from './helpers.js';

const BASE_PORT = 27_410;

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('revocation drops a member’s links at once (real TCP links)', () => {
  let net: TestNetwork;
  let node: HanglianNode;
  let member: Network;

  before(async () => {
    net = createTestNetwork({ validators: 1, fullNodes: 1, basePort: BASE_PORT });
    // Only the API port is chosen here: the peer port stays the manifest's, which the member below dials.
    node = await listenBelowEphemeral((apiPort) =>
      launchNode({ dir: net.dir, node: 'node0', passphrase: net.passphrase, apiPort, logLevel: 'silent' }),
    );
  });

  after(async () => {
    await member?.stop();
    await node?.stop();
    net?.remove();
  });

  it('closes the revoked node’s link with the revoking block', async () => {
    const node0 = net.manifest.nodes.find((n) => n.name === 'node0')!;
    const node1 = net.manifest.nodes.find((n) => n.name === 'node1')!;
    let disconnectedAt: number | undefined;
    member = createNetwork({
      chainId: net.genesis.chainId,
      nodeKey: net.key('node1'),
      isMember: () => true,
      listen: null,
      peers: [{ host: '127.0.0.1', port: node0.p2pPort, publicKey: Buffer.from(node0.publicKey, 'hex') }],
      reconnect: { initialDelayMs: 100, maxDelayMs: 300 },
    });
    member.handle('consensus', () => true);
    member.handle('sync', () => true);
    member.handle('tx', () => true);
    member.on('peer:disconnected', () => {
      disconnectedAt ??= node.chain.height;
    });
    await member.start();
    await waitFor(() => member.peers().length === 1, 10_000, 'the full node to be linked');

    // Revoke in a block whose height and the next are not multiples of 10 (where the old check ran).
    await waitFor(() => node.chain.height % 10 === 2, 15_000, 'a height ending in 2');
    const admin = net.key(`${node1.org}/admin`);
    const revoked = await submitHex(
      node.apiUrl,
      makeTx(admin, {
        module: 'identity',
        command: 'revokeIdentity',
        params: { address: addressFromPublicKey(net.key('node1').publicKey) },
        nonce: 0,
      }),
    );
    assert.equal(revoked.body.result?.code, 'OK', JSON.stringify(revoked.body));
    const height = revoked.body.height as number;
    await waitFor(() => disconnectedAt !== undefined, 10_000, 'the revoked node to be dropped');
    assert.ok(
      disconnectedAt! <= height + 1,
      `dropped at height ${disconnectedAt}, revoked at ${height}: within the revoking block's turn`,
    );
    // And it stays out: the node refuses its dials.
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(member.peers().length, 0);
  });
});
