// State sync that no peer can steer (issue 12), on the node's real state sync and ledger, linked by the
// loopback hub: a validator, an honest full node, and a liar that holds the genesis validator's key (an
// "old key": leaked, or of a set since replaced; in this one-validator network it is also the current
// key, and the running nodes refuse its forged blocks because they do not extend their chain) and claims
// to be far ahead. The liar serves a forged header chain signed with that key, so it verifies from the
// genesis, and a state that does not match.
// - With a trusted checkpoint, the new node refuses the liar's header at the checkpoint, asks the others
//   and joins the real chain (before the fix it believed the highest announced height, took the liar's
//   forged chain and failed; it had no checkpoint, no fallback to another peer).
// - A checkpoint that no peer serves fails with STATE_SYNC_MISMATCH; an old one with
//   STATE_SYNC_ANCHOR_EXPIRED.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type BlockHeader,
  blockCodec,
  blockHash,
  blockHeaderCodec,
  bytesToHex,
  type Commit,
  commitCodec,
  sha256,
  signVote,
  VOTE_PRECOMMIT,
  validatorSetCodec,
} from '@hanglian/core';
import { genesisHashOf, type HanglianNode, LoopbackHub } from '../src/index.js';
import { syncWireCodec } from '../src/sync/wire.js';
import { createTestNetwork, startNodeBelowEphemeral, type TestNetwork } from './helpers.js';

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('state sync from a trusted checkpoint, past lying peers (loopback)', () => {
  let net: TestNetwork;
  const hub = new LoopbackHub();
  const nodes: HanglianNode[] = [];
  let validator: HanglianNode;
  let liarTimer: NodeJS.Timeout | undefined;
  const liarAsked: string[] = [];

  function start(name: string, options: { key?: boolean; stateSync?: unknown } = {}): Promise<HanglianNode> {
    const id = options.key ? bytesToHex(net.key('node0').publicKey) : name;
    return startNodeBelowEphemeral({
      name,
      dataDir: `${net.dir}/${name}-data`,
      walPath: `${net.dir}/${name}.wal`,
      genesis: net.genesis,
      ...(options.key ? { validatorKey: net.key('node0') } : {}),
      logLevel: 'silent',
      transport: hub.connect(id),
      blockTiming: { minBlockIntervalMs: 5, emptyBlockIntervalMs: 30 },
      ...(options.stateSync === undefined ? {} : { stateSync: options.stateSync as never }),
    });
  }

  /** The liar's chain: the real headers with another state root, each commit signed by the genesis key. */
  const forged = new Map<number, { header: BlockHeader; commit: Commit }>();
  function forgedAt(height: number): { header: BlockHeader; commit: Commit } {
    const known = forged.get(height);
    if (known !== undefined) return known;
    const previous = height === 1 ? genesisHashOf(net.genesis) : blockHash(forgedAt(height - 1).header);
    const template = validator.chain.getBlock(Math.min(height, validator.chain.height))!.header;
    const header: BlockHeader = {
      ...template,
      height,
      previousBlockHash: previous,
      stateRoot: sha256(new Uint8Array([height, 7])),
    };
    const hash = blockHash(header);
    const key = net.key('node0');
    const signature = signVote(
      { chainId: net.genesis.chainId, type: VOTE_PRECOMMIT, height, round: 0, blockHash: hash },
      key,
    );
    const commit: Commit = {
      height,
      round: 0,
      blockHash: hash,
      signatures: [{ validator: key.publicKey, signature }],
    };
    forged.set(height, { header, commit });
    return { header, commit };
  }

  before(async () => {
    net = createTestNetwork({ validators: 1 });
    validator = await start('node0', { key: true });
    nodes.push(validator);
    nodes.push(await start('honest'));
    await waitFor(() => validator.chain.height >= 30, 30_000, 'the validator to make 30 blocks');

    const liar = hub.connect('liar');
    liar.onMessage('consensus', () => true);
    liar.onMessage('tx', () => true);
    liar.onMessage('sync', (peer, payload) => {
      const message = syncWireCodec.decode(payload);
      const real = validator.chain.height;
      liarAsked.push(message.kind);
      if (message.kind === 'headers-request') {
        const items = [];
        for (let h = message.from; h < message.from + message.count && h <= real + 1_000; h++) {
          const { header, commit } = forgedAt(h);
          items.push({
            header: blockHeaderCodec.encode(header),
            commit: commitCodec.encode(commit),
            validators: validatorSetCodec.encode(validator.chain.validatorsAt(1)!),
          });
        }
        liar.send(peer, 'sync', syncWireCodec.encode({ kind: 'headers', items }));
      } else if (message.kind === 'blocks-request') {
        const template = validator.chain.getBlock(Math.min(message.from, real))!;
        const block = { ...template, header: forgedAt(message.from).header };
        const results = validator.chain.storage.blocks.getResults(Math.min(message.from, real))!;
        liar.send(
          peer,
          'sync',
          syncWireCodec.encode({
            kind: 'blocks',
            items: [
              {
                block: blockCodec.encode(block),
                commit: commitCodec.encode(forgedAt(message.from).commit),
                results,
              },
            ],
          }),
        );
      } else if (message.kind === 'snapshot-request') {
        const { entries, proof } = validator.chain.storage.state.snapshotRange(
          real,
          message.after,
          message.limit,
          message.until,
        );
        liar.send(
          peer,
          'sync',
          syncWireCodec.encode({
            kind: 'snapshot-chunk',
            height: message.height,
            entries: entries.map((e) => ({ key: e.key, value: e.value })),
            proof,
          }),
        );
      }
      return true;
    });
    // It claims to be far ahead, often.
    liarTimer = setInterval(
      () =>
        liar.broadcast(
          'sync',
          syncWireCodec.encode({ kind: 'status', height: validator.chain.height + 1_000 }),
        ),
      100,
    );
  });

  after(async () => {
    clearInterval(liarTimer);
    for (const node of nodes) await node.stop();
    net?.remove();
  });

  it('joins the real chain from a checkpoint, dropping the liar', async () => {
    const trustHeight = validator.chain.height - 5;
    const trustHash = bytesToHex(validator.chain.getCommit(trustHeight)!.blockHash);
    const joiner = await start('joiner', { stateSync: { trustHeight, trustHash } });
    nodes.push(joiner);
    const joinedAt = joiner.chain.height;
    assert.ok(joinedAt >= trustHeight, `state sync brought the node to height ${joinedAt}`);
    assert.equal(joiner.chain.getBlock(1), undefined, 'no history below the snapshot');
    assert.equal(
      bytesToHex(joiner.chain.getCommit(joinedAt)!.blockHash),
      bytesToHex(validator.chain.getCommit(joinedAt)!.blockHash),
      'the real block',
    );
    assert.ok(
      liarAsked.includes('headers-request'),
      'the liar, claiming the highest height, was asked first',
    );
    await waitFor(() => joiner.chain.height >= joinedAt + 3, 15_000, 'the joined node to follow new blocks');
    assert.equal(
      bytesToHex(joiner.chain.stateRoot),
      bytesToHex(validator.chain.storage.state.rootAt(joiner.chain.height)!),
    );
  });

  it('refuses a checkpoint no peer serves, and one past its trusting period', async () => {
    const trustHeight = validator.chain.height - 2;
    await assert.rejects(start('wrong', { stateSync: { trustHeight, trustHash: 'ab'.repeat(32) } }), {
      code: 'STATE_SYNC_MISMATCH',
    });
    const trustHash = bytesToHex(validator.chain.getCommit(trustHeight)!.blockHash);
    await assert.rejects(start('expired', { stateSync: { trustHeight, trustHash, trustingPeriodMs: 1 } }), {
      code: 'STATE_SYNC_ANCHOR_EXPIRED',
    });
  });
});
