// Block sync that no peer can poison (issue 12), on the node's real driver and ledger, linked by the
// loopback hub: a validator, an honest full node, a lying member, and a new node catching up. The liar
// claims to be far ahead and answers with genuine commit certificates (they are public) paired with
// tampered blocks, and also sends such blocks unasked. The new node must take only what it asked for,
// refuse the tampered blocks before its consensus machine decides anything, ask another peer, and catch
// up to the same chain (before the fix it decided on the unasked block, failed to verify it and halted).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { blockCodec, bytesToHex, commitCodec } from '@hanglian/core';
import { type HanglianNode, LoopbackHub } from '../src/index.js';
import { syncWireCodec } from '../src/sync/wire.js';
import { createTestNetwork, startNodeBelowEphemeral, type TestNetwork } from './helpers.js';

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('block sync takes only what it asked for, checked against the certificate (loopback)', () => {
  let net: TestNetwork;
  const hub = new LoopbackHub();
  const nodes: HanglianNode[] = [];
  let validator: HanglianNode;

  /** Block `height` of the real chain with a transaction added: same header (so same hash), other body. */
  function tampered(height: number): { block: Uint8Array; commit: Uint8Array } {
    const block = blockCodec.decode(validator.chain.storage.blocks.getBlock(height)!);
    const forged = { ...block, txs: [...block.txs, new Uint8Array([1, 2, 3])] };
    return {
      block: blockCodec.encode(forged),
      commit: commitCodec.encode(validator.chain.getCommit(height)!),
    };
  }

  function start(name: string, id: string, key?: ReturnType<TestNetwork['key']>): Promise<HanglianNode> {
    return startNodeBelowEphemeral({
      name,
      dataDir: `${net.dir}/${name}-data`,
      walPath: `${net.dir}/${name}.wal`,
      genesis: net.genesis,
      ...(key === undefined ? {} : { validatorKey: key }),
      logLevel: 'silent',
      transport: hub.connect(id),
      blockTiming: { minBlockIntervalMs: 5, emptyBlockIntervalMs: 30 },
    });
  }

  before(async () => {
    net = createTestNetwork({ validators: 1 });
    validator = await start('node0', bytesToHex(net.key('node0').publicKey), net.key('node0'));
    nodes.push(validator);
    nodes.push(await start('honest', 'honest'));
  });

  after(async () => {
    for (const node of nodes) await node.stop();
    net?.remove();
  });

  it('refuses tampered and unasked blocks, asks another peer, and catches up', async () => {
    await waitFor(() => validator.chain.height >= 45, 30_000, 'the validator to make 45 blocks');

    // The liar: a member that claims to be far ahead and answers every request with tampered blocks.
    const liar = hub.connect('liar');
    let asked = 0;
    liar.onMessage('sync', (peer, payload) => {
      const message = syncWireCodec.decode(payload);
      if (message.kind !== 'blocks-request') return true;
      asked++;
      const items = [];
      for (let h = message.from; h < message.from + message.count; h++)
        items.push(tampered(Math.min(h, validator.chain.height)));
      liar.send(peer, 'sync', syncWireCodec.encode({ kind: 'blocks', items }));
      return true;
    });
    liar.onMessage('consensus', () => true);
    liar.onMessage('tx', () => true);

    const joiner = await start('joiner', 'joiner');
    nodes.push(joiner);
    // Unasked: a genuine certificate for block 1 with other transactions, at once, before any request.
    liar.send('joiner', 'sync', syncWireCodec.encode({ kind: 'blocks', items: [tampered(1), tampered(2)] }));
    liar.broadcast('sync', syncWireCodec.encode({ kind: 'status', height: validator.chain.height + 500 }));

    await waitFor(
      () => joiner.chain.height >= validator.chain.height - 1 && joiner.chain.height >= 45,
      30_000,
      'the joiner to catch up',
    );
    for (let h = 1; h <= joiner.chain.height; h++) {
      assert.equal(
        bytesToHex(joiner.chain.getCommit(h)!.blockHash),
        bytesToHex(validator.chain.getCommit(h)!.blockHash),
        `block ${h}`,
      );
    }
    const stats = joiner.blockSyncStats;
    assert.ok(stats.unsolicited >= 1, `the unasked answer was dropped: ${JSON.stringify(stats)}`);
    assert.ok(asked >= 1, 'the liar was asked (it claimed the highest height)');
    assert.ok(stats.rejectedAnswers >= 1, `the tampered answers were refused: ${JSON.stringify(stats)}`);
    assert.equal(joiner.readiness().reasons.filter((r) => r.includes('fault')).length, 0);
    // It goes on following the chain.
    const at = joiner.chain.height;
    await waitFor(() => joiner.chain.height >= at + 3, 10_000, 'the joiner to follow new blocks');
  });
});
