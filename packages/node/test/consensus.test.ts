// Four validators in one process, linked by the loopback hub: they agree on every block, keep committing
// with one of them cut off (f = 1), and the cut node catches up by block sync once its links return.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { addressFromPublicKey, bytesToHex } from '@hanglian/core';
import { type HanglianNode, LoopbackHub, networkPaths } from '../src/index.js';
import {
  createTestNetwork,
  makeTx,
  startNodeBelowEphemeral,
  submitHex,
  type TestNetwork,
} from './helpers.js';

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function assertSameChain(nodes: HanglianNode[], upTo: number): void {
  for (let h = 1; h <= upTo; h++) {
    const hashes = new Set(
      nodes.map((n) => bytesToHex(n.chain.getBlock(h) ? n.chain.getCommit(h)!.blockHash : new Uint8Array())),
    );
    assert.equal(hashes.size, 1, `nodes disagree at height ${h}`);
  }
}

describe('BFT consensus among 4 validators (loopback)', () => {
  let net: TestNetwork;
  const hub = new LoopbackHub();
  const nodes: HanglianNode[] = [];

  async function startNode(name: string, stateSync = false): Promise<HanglianNode> {
    const key = net.key(name);
    return startNodeBelowEphemeral({
      name,
      dataDir: networkPaths.nodeData(net.dir, name),
      walPath: networkPaths.nodeWal(net.dir, name),
      genesis: net.genesis,
      validatorKey: key,
      logLevel: 'silent',
      transport: hub.connect(bytesToHex(key.publicKey)),
      blockTiming: { minBlockIntervalMs: 10, emptyBlockIntervalMs: 200 },
      timeouts: { proposeBaseMs: 400, prevoteBaseMs: 200, precommitBaseMs: 200 },
      stateSync,
    });
  }

  before(async () => {
    net = createTestNetwork({ validators: 4 });
    for (const entry of net.manifest.nodes) nodes.push(await startNode(entry.name));
  });

  after(async () => {
    for (const node of nodes) await node.stop();
    net.remove();
  });

  it('commits transactions submitted to any node, and all nodes agree on every block', async () => {
    const to = addressFromPublicKey(net.key('bookpress/ops').publicKey);
    const key = net.key('bookstore/ops');
    for (let nonce = 0; nonce < 6; nonce++) {
      const node = nodes[nonce % nodes.length]!;
      const response = await submitHex(
        node.apiUrl,
        makeTx(key, { module: 'settlement', command: 'transfer', params: { to, amount: 5 }, nonce }),
      );
      assert.equal(response.body.status, 'committed', JSON.stringify(response.body));
    }
    const target = Math.max(...nodes.map((n) => n.chain.height));
    await waitFor(
      () => nodes.every((n) => n.chain.height >= target),
      10_000,
      'all nodes to reach the same height',
    );
    assertSameChain(nodes, target);
    const commit = nodes[0]!.chain.getCommit(target)!;
    assert.ok(commit.signatures.length >= 3, 'a commit carries more than 2/3 of the signatures');
  });

  it('keeps committing with one validator cut off, which then catches up', async () => {
    const cut = nodes[3]!;
    const failedRounds = async () => (await nodes[0]!.metrics.failedRounds.get()).values[0]?.value ?? 0;
    const failedBefore = await failedRounds();
    hub.setCut(bytesToHex(net.key('node3').publicKey), true);
    const start = nodes[0]!.chain.height;
    await waitFor(() => nodes[0]!.chain.height >= start + 5, 15_000, 'three validators to commit 5 blocks');
    // Its turns to propose came in those blocks: each ended without a decision, and the metric says so.
    assert.ok((await failedRounds()) > failedBefore, 'the cut proposer’s rounds are counted as failed');
    const cutHeight = cut.chain.height;
    assert.ok(cutHeight < nodes[0]!.chain.height, 'the cut node fell behind');
    hub.setCut(bytesToHex(net.key('node3').publicKey), false);
    await waitFor(
      () => cut.chain.height >= nodes[0]!.chain.height - 1 && cut.chain.height > cutHeight + 4,
      15_000,
      'the cut node to catch up',
    );
    assertSameChain(nodes, Math.min(...nodes.map((n) => n.chain.height)));
  });

  it('lets a wiped validator rejoin by state sync, verified from the genesis, without old blocks', async () => {
    const old = nodes[2]!;
    await old.stop();
    rmSync(networkPaths.nodeData(net.dir, 'node2'), { recursive: true, force: true });
    const others = [nodes[0]!, nodes[1]!, nodes[3]!];
    const before = others[0]!.chain.height;
    await waitFor(
      () => others.every((n) => n.chain.height >= before + 2),
      15_000,
      'three validators to go on',
    );
    const synced = await startNode('node2', true);
    nodes[2] = synced;
    const joinedAt = synced.chain.height;
    assert.ok(joinedAt >= before, `state sync brought the node to height ${joinedAt}`);
    assert.equal(synced.chain.getBlock(1), undefined, 'no history below the snapshot');
    await waitFor(() => synced.chain.height >= joinedAt + 3, 15_000, 'the synced node to follow new blocks');
    for (let h = joinedAt; h <= synced.chain.height; h++) {
      assert.equal(
        bytesToHex(synced.chain.getCommit(h)!.blockHash),
        bytesToHex(others[0]!.chain.getCommit(h)?.blockHash ?? new Uint8Array()),
        `height ${h}`,
      );
    }
    assert.equal(
      bytesToHex(synced.chain.stateRoot),
      bytesToHex(others[0]!.chain.storage.state.rootAt(synced.chain.height)!),
    );
  });
});
