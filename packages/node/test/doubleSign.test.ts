// No double-signing after a wipe (issue 12), on the node's real driver, file WAL and signer state: a
// validator (the only one, so whatever it signs is decided) and a full node it syncs from, linked by the
// loopback hub. Every consensus message the validator sends, in all its lives, is recorded and checked for
// two different messages at one height, round and step.
// 1. Ledger wiped, WAL kept, holding a prevote of the height it was in: it catches up by block sync and,
//    at that height, resumes from the WAL instead of signing a second prevote (the WAL was handed to the
//    machine only for the first height a process started); its next restart does not find a corrupt WAL.
// 2. Ledger and WAL wiped, signer state kept: the signer refuses to sign the heights it already signed,
//    so the node does not decide a second block 1 on its own, and follows the chain it had made.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { ConsensusMessage } from '@hanglian/consensus';
import { bytesToHex } from '@hanglian/core';
import { Ed25519ConsensusSigner } from '../src/consensus/ed25519Signer.js';
import { FileWal } from '../src/consensus/fileWal.js';
import type { PeerTransport } from '../src/consensus/transport.js';
import { decodeConsensusMessage } from '../src/consensus/wire.js';
import { type HanglianNode, LoopbackHub, networkPaths } from '../src/index.js';
import { createTestNetwork, startNodeBelowEphemeral, type TestNetwork } from './helpers.js';

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Two different messages signed for one (height, round, step), among everything given. */
function conflicts(messages: readonly ConsensusMessage[]): string[] {
  const seen = new Map<string, string>();
  const found: string[] = [];
  for (const m of messages) {
    const [key, value] =
      m.kind === 'vote'
        ? [`${m.vote.height}/${m.vote.round}/${m.vote.type}`, String(m.vote.blockHash)]
        : [
            `${m.proposal.height}/${m.proposal.round}/proposal`,
            `${m.proposal.blockHash}/${m.proposal.polRound}`,
          ];
    const before = seen.get(key);
    if (before === undefined) seen.set(key, value);
    else if (before !== value) found.push(`${key}: ${before.slice(0, 12)} then ${value.slice(0, 12)}`);
  }
  return found;
}

describe('a wiped validator does not sign twice (loopback, real files)', () => {
  let net: TestNetwork;
  const hub = new LoopbackHub();
  /** Everything the validator sent on the consensus channel, across its restarts. */
  const sent: ConsensusMessage[] = [];
  let validator: HanglianNode | undefined;
  let follower: HanglianNode;
  let validatorId: string;

  function recording(transport: PeerTransport): PeerTransport {
    return {
      ...transport,
      broadcast: (channel, payload) => {
        if (channel === 'consensus') sent.push(decodeConsensusMessage(payload));
        transport.broadcast(channel, payload);
      },
      send: (peer, channel, payload) => {
        if (channel === 'consensus') sent.push(decodeConsensusMessage(payload));
        transport.send(peer, channel, payload);
      },
    };
  }

  async function startValidator(): Promise<HanglianNode> {
    validator = await startNodeBelowEphemeral({
      name: 'node0',
      dataDir: networkPaths.nodeData(net.dir, 'node0'),
      walPath: networkPaths.nodeWal(net.dir, 'node0'),
      signerStatePath: networkPaths.nodeSignerState(net.dir, 'node0'),
      genesis: net.genesis,
      validatorKey: net.key('node0'),
      logLevel: 'silent',
      transport: recording(hub.connect(validatorId)),
      blockTiming: { minBlockIntervalMs: 10, emptyBlockIntervalMs: 100 },
      timeouts: { proposeBaseMs: 300, prevoteBaseMs: 150, precommitBaseMs: 150 },
    });
    return validator;
  }

  async function stopValidator(): Promise<number> {
    const node = validator!;
    validator = undefined;
    await node.stop();
    return node.chain.height;
  }

  function assertSameChain(a: HanglianNode, b: HanglianNode): void {
    const top = Math.min(a.chain.height, b.chain.height);
    for (let h = 1; h <= top; h++) {
      assert.equal(
        bytesToHex(a.chain.getCommit(h)!.blockHash),
        bytesToHex(b.chain.getCommit(h)!.blockHash),
        `block ${h}`,
      );
    }
  }

  before(async () => {
    net = createTestNetwork({ validators: 1 });
    validatorId = bytesToHex(net.key('node0').publicKey);
    follower = await startNodeBelowEphemeral({
      name: 'follower',
      dataDir: `${net.dir}/follower-data`,
      walPath: `${net.dir}/follower.wal`,
      genesis: net.genesis,
      logLevel: 'silent',
      transport: hub.connect('follower'),
    });
    await startValidator();
  });

  after(async () => {
    await validator?.stop();
    await follower?.stop();
    net?.remove();
  });

  it('resumes from the kept WAL at the height it had voted in, after a wipe and block sync', async () => {
    await waitFor(() => follower.chain.height >= 4, 20_000, 'the follower to reach height 4');
    const stoppedAt = await stopValidator();
    await waitFor(() => follower.chain.height === stoppedAt, 10_000, 'the follower to hold every block');
    // The validator had prevoted at round 0 of the next height when it went down: that prevote is in
    // its WAL (and was sent). Its signer state is from before that vote, as a node upgraded from a
    // version without one would have: only the WAL can stop it from voting again.
    const target = stoppedAt + 1;
    const walPath = networkPaths.nodeWal(net.dir, 'node0');
    rmSync(walPath, { force: true });
    const vote = {
      type: 'prevote' as const,
      height: target,
      round: 0,
      blockHash: 'ab'.repeat(32),
      validator: validatorId,
    };
    const prevote: ConsensusMessage = {
      kind: 'vote',
      vote,
      signature: new Ed25519ConsensusSigner(net.genesis.chainId, net.key('node0')).signVote(vote),
    };
    const wal = new FileWal(walPath);
    wal.append({ kind: 'vote', height: target, message: prevote });
    wal.sync();
    wal.close();
    sent.push(prevote);
    rmSync(networkPaths.nodeData(net.dir, 'node0'), { recursive: true, force: true });

    const node = await startValidator();
    await waitFor(() => node.chain.height >= target + 2, 30_000, 'the wiped validator to pass the height');
    assert.deepEqual(conflicts(sent), [], 'no two different messages for one height, round and step');
    assert.ok(
      node.chain.getCommit(target)!.round >= 1,
      'the height was decided after round 0 (whose prevote was for a block nobody proposed)',
    );
    assertSameChain(node, follower);

    // The WAL it leaves behind is consistent: a plain restart goes on.
    const height = await stopValidator();
    const again = await startValidator();
    await waitFor(() => again.chain.height >= height + 2, 20_000, 'the restarted validator to commit');
    assert.deepEqual(conflicts(sent), []);
  });

  it('with ledger and WAL wiped, its signer state stops it from signing a second chain', async () => {
    const stoppedAt = await stopValidator();
    await waitFor(() => follower.chain.height === stoppedAt, 10_000, 'the follower to hold every block');
    rmSync(networkPaths.nodeWal(net.dir, 'node0'), { force: true });
    rmSync(networkPaths.nodeData(net.dir, 'node0'), { recursive: true, force: true });

    const node = await startValidator();
    await waitFor(() => node.chain.height >= stoppedAt + 3, 30_000, 'the wiped validator to go on');
    assert.deepEqual(conflicts(sent), [], 'no two different messages for one height, round and step');
    assertSameChain(node, follower);
    await waitFor(() => follower.chain.height >= stoppedAt + 3, 10_000, 'the follower to follow');
    assertSameChain(node, follower);
  });

  it('refuses a second process on the same signer state', async () => {
    await assert.rejects(
      startNodeBelowEphemeral({
        name: 'twin',
        dataDir: `${net.dir}/twin-data`,
        walPath: `${net.dir}/twin.wal`,
        signerStatePath: networkPaths.nodeSignerState(net.dir, 'node0'),
        genesis: net.genesis,
        validatorKey: net.key('node0'),
        logLevel: 'silent',
      }),
      (error: Error & { code?: string }) => error.code === 'SIGNER_IN_USE',
    );
  });
});
