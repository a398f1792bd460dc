// Crash safety with real processes: the node is SIGKILLed at random moments while clients stream
// transfers, many times. After each restart, every transaction whose commit was acknowledged must be in
// the chain; at the end the stored state root must equal a fresh replay of the stored blocks, and the
// node must go on committing. The schedule comes from a printed seed (HANGLIAN_CRASH_SEED replays it);
// HANGLIAN_CRASH_ROUNDS sets how many kills (default 8).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { addressFromPublicKey, ed25519Sha256, type SigningKey } from '@hanglian/core';
import { Chain, createApplication, networkPaths, replayChain } from '../src/index.js';
import { createTestNetwork, http, makeTx, submitHex } from './helpers.js';
import { type NodeProcess, seededRandom, startNodeProcess } from './processes.js';

const ROUNDS = Number(process.env.HANGLIAN_CRASH_ROUNDS ?? 8);
const SEED = Number(process.env.HANGLIAN_CRASH_SEED ?? Date.now() % 1_000_000);

/** One client: transfers in a loop, each waiting for its commit, until the node stops answering. */
async function streamTransfers(
  url: string,
  key: SigningKey,
  to: string,
  acked: string[],
  stop: { now: boolean },
): Promise<void> {
  const address = addressFromPublicKey(key.publicKey);
  try {
    let nonce = (await http(url, `/v1/accounts/${address}`)).body.nextNonce as number;
    while (!stop.now) {
      const tx = makeTx(key, { module: 'settlement', command: 'transfer', params: { to, amount: 1 }, nonce });
      const response = await submitHex(url, tx);
      if (response.status === 200 && response.body.status === 'committed') {
        assert.equal(response.body.result.code, 'OK');
        acked.push(response.body.txId);
        nonce++;
      } else {
        // Refused (e.g. a nonce raced a restart): learn the nonce again.
        nonce = (await http(url, `/v1/accounts/${address}`)).body.nextNonce as number;
      }
    }
  } catch {
    // The node was killed under us: that is the point of the test.
  }
}

describe('crash safety (real processes, SIGKILL)', () => {
  it(`keeps every acknowledged transaction across ${ROUNDS} kills (seed ${SEED})`, {
    timeout: 240_000,
  }, async (t) => {
    const net = createTestNetwork();
    const random = seededRandom(SEED);
    const senders = ['bookstore/ops', 'bookpress/ops', 'platform-a/ops', 'carrier-a/ops'].map((l) =>
      net.key(l),
    );
    const sink = addressFromPublicKey(net.key('host-a/ops').publicKey);
    const acked: string[] = [];
    let node: NodeProcess | undefined;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        node = await startNodeProcess(net.dir);
        // Everything acknowledged before this restart must have survived the kills so far.
        for (const id of acked) {
          const status = await http(node.url, `/v1/txs/${id}`);
          assert.equal(
            status.body.status,
            'committed',
            `acknowledged ${id} lost after round ${round} (seed ${SEED})`,
          );
        }
        const stop = { now: false };
        const clients = senders.map((key) => streamTransfers(node!.url, key, sink, acked, stop));
        // Each life commits something before its kill: on a loaded machine a restarted node can take
        // longer than the kill window to replay and commit, and lives that acknowledge nothing prove
        // nothing (a run failed with "too few acknowledged: 5"). Then the kill comes at a random moment.
        const ackedBefore = acked.length;
        for (let waited = 0; acked.length === ackedBefore && waited < 60_000; waited += 50) {
          await new Promise((r) => setTimeout(r, 50));
        }
        await new Promise((r) => setTimeout(r, 150 + Math.floor(random() * 600)));
        node.child.kill('SIGKILL');
        stop.now = true;
        const { signal } = await node.exited;
        assert.equal(signal, 'SIGKILL');
        await Promise.all(clients);
      }
      assert.ok(
        acked.length > ROUNDS,
        `too few transactions acknowledged to prove anything: ${acked.length}`,
      );

      // The chain goes on after the last kill, and shuts down cleanly on SIGTERM.
      node = await startNodeProcess(net.dir);
      for (const id of acked) assert.equal((await http(node.url, `/v1/txs/${id}`)).body.status, 'committed');
      const before = (await http(node.url, '/v1/status')).body.height as number;
      const key = senders[0]!;
      // The restarted node may still be finishing the height its WAL held (a block with this sender's last
      // transfer): a nonce read just before that commit is stale and refused, so learn it again, as the
      // clients above do. Every refusal is kept for the message.
      const refusals: unknown[] = [];
      let last = { status: 0, body: {} as any };
      for (let attempt = 0; attempt < 5; attempt++) {
        const nonce = (await http(node.url, `/v1/accounts/${addressFromPublicKey(key.publicKey)}`)).body
          .nextNonce;
        last = await submitHex(
          node.url,
          makeTx(key, { module: 'settlement', command: 'transfer', params: { to: sink, amount: 1 }, nonce }),
        );
        if (last.body.status === 'committed') break;
        refusals.push(last.body);
        await new Promise((r) => setTimeout(r, 200));
      }
      if (last.body.status !== 'committed') {
        const id = (refusals.at(-1) as { details?: { txId?: string } } | undefined)?.details?.txId;
        const fate = id === undefined ? null : (await http(node.url, `/v1/txs/${id}`)).body;
        const status = (await http(node.url, '/v1/status')).body;
        assert.fail(
          `not committed after restart (seed ${SEED}): ${JSON.stringify({ refusals, fate, before, status })}\n${node.stderr().slice(-4000)}`,
        );
      }
      assert.ok(last.body.height > before);
      node.child.kill('SIGTERM');
      assert.equal((await node.exited).code, 0, node.stderr());
      node = undefined;

      // What is on disk replays, block by block from the genesis, to the same state root.
      const app = createApplication({ chainId: net.genesis.chainId, suite: ed25519Sha256 });
      const chain = Chain.open({
        dataDir: networkPaths.nodeData(net.dir, 'node0'),
        genesis: net.genesis,
        stateMachine: app.stateMachine,
        suite: ed25519Sha256,
        validators: app.validators,
      });
      const replayDir = mkdtempSync(join(tmpdir(), 'hanglian-replay-'));
      try {
        const report = replayChain({ source: chain, targetDir: replayDir });
        t.diagnostic(
          `seed ${SEED}: ${acked.length} acknowledged transfers over ${ROUNDS} kills; replayed ${report.height} blocks`,
        );
        assert.equal(report.height, chain.height);
        assert.equal(report.stateRoot, Buffer.from(chain.stateRoot).toString('hex'));
      } finally {
        await chain.close();
        rmSync(replayDir, { recursive: true, force: true });
      }
    } finally {
      node?.child.kill('SIGKILL');
      net.remove();
    }
  });
});
