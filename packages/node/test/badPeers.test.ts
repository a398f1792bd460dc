// Bad peers against a network of real node processes (4 validators): a non-member key and a raw socket
// speaking garbage are refused; a member sends garbage (its score drops until it is banned), replays the
// consensus messages it overheard and forges conflicting ones; a holder of a validator key (its node
// stopped) equivocates, and the double vote is recorded on chain. Throughout, the honest nodes keep
// committing transfers and agree on every header. HANGLIAN_BADPEERS_SEED replays the random choices.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ConsensusMessage } from '@hanglian/consensus';
import { addressFromPublicKey, bytesToHex, ed25519Sha256, type SigningKey } from '@hanglian/core';
import { createNetwork, type Network, type NetworkEvents } from '@hanglian/network';
import { Ed25519ConsensusSigner } from '../src/consensus/ed25519Signer.js';
import { decodeConsensusMessage, encodeConsensusMessage, syncWireCodec } from '../src/consensus/wire.js';
import { CHAIN_ID, Checker, Cluster, httpJson, Load, sleep } from './cluster.js';
import { seededRandom } from './processes.js';

const SEED = Number(process.env.HANGLIAN_BADPEERS_SEED ?? Date.now() % 1_000_000);
const random = seededRandom(SEED);

/** A test process speaking the node protocol with `key`, dialling the given nodes (no listener). */
async function attacker(
  cluster: Cluster,
  key: SigningKey,
  targets: string[],
): Promise<{
  network: Network;
  events: Array<{ type: string; data: any }>;
  overheard: Uint8Array[];
}> {
  const events: Array<{ type: string; data: any }> = [];
  const overheard: Uint8Array[] = [];
  const network = createNetwork({
    chainId: CHAIN_ID,
    nodeKey: key,
    isMember: () => true,
    listen: null,
    peers: cluster.net.manifest.nodes
      .filter((n) => targets.includes(n.name))
      .map((n) => ({ host: n.host, port: n.p2pPort, publicKey: Buffer.from(n.publicKey, 'hex') })),
    reconnect: { initialDelayMs: 200, maxDelayMs: 500 },
  });
  for (const type of ['peer:connected', 'peer:disconnected', 'peer:refused'] as const)
    network.on(type, (data: NetworkEvents[typeof type]) => events.push({ type, data }));
  network.handle('consensus', (_peer, payload) => {
    overheard.push(payload);
    return true;
  });
  network.handle('sync', () => true);
  network.handle('tx', () => true);
  await network.start();
  return { network, events, overheard };
}

async function until(what: string, timeoutMs: number, test: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe(`bad peers against real processes (seed ${SEED})`, () => {
  let cluster: Cluster;
  let load: Load;
  let checker: Checker;
  const networks: Network[] = [];

  before(async () => {
    // node4 is a full node identity that never runs: the member test process speaks with its key.
    cluster = await Cluster.create({ validators: 4, fullNodes: 1, random });
    await Promise.all(cluster.validators.map((v) => cluster.start(v.name)));
    await cluster.waitForHeight(2, 30_000);
    const orgs = cluster.net.manifest.organisations.map((o) => o.id);
    load = new Load(
      cluster,
      orgs.slice(0, 3).map((org) => cluster.key(`${org}/ops`)),
      addressFromPublicKey(cluster.key(`${orgs.at(-1)}/ops`).publicKey),
    );
    checker = new Checker(cluster);
    load.start();
  });

  after(async () => {
    await load?.stop();
    await Promise.all(networks.map((n) => n.stop()));
    await cluster?.killAll();
    cluster?.remove();
  });

  /** The honest nodes commit `blocks` more blocks and transfers, agree on every header, and lose no ack. */
  async function honestKeepCommitting(blocks: number): Promise<void> {
    const acked = load.acked.length;
    const top = Math.max(...Object.values(await cluster.heights()));
    await cluster.waitForHeight(top + blocks, 30_000);
    await until('a transfer to commit', 20_000, () => load.acked.length > acked);
    await checker.agreement();
    await checker.acked(load);
  }

  it('refuses a non-member key and a raw socket speaking garbage', { timeout: 60_000 }, async () => {
    // One stranger per node: a node answers a dialler it did not admit with a goodbye and never proves its
    // own key (issue 16), so a refusal names no key and only a stranger of its own tells which node refused.
    const reasons: string[] = [];
    for (const name of ['node0', 'node1']) {
      const stranger = await attacker(cluster, ed25519Sha256.generateSigningKey(), [name]);
      networks.push(stranger.network);
      await until(`${name} to refuse the stranger`, 10_000, () =>
        stranger.events.some((e) => e.type === 'peer:refused' || e.type === 'peer:disconnected'),
      );
      assert.equal(stranger.network.peers().length, 0, `a non-member holds a link to ${name}`);
      assert.ok(!stranger.events.some((e) => e.type === 'peer:connected'), `${name} admitted a non-member`);
      const refusals = stranger.events.filter((e) => e.type === 'peer:refused');
      assert.ok(refusals.length > 0, `${name} dropped the stranger without refusing it`);
      for (const e of refusals) assert.equal(e.data.publicKey, null, `${name} told a stranger its node key`);
      reasons.push(...stranger.events.map((e) => `${name}: ${e.data.reason}`));
      await stranger.network.stop();
    }

    // A raw TCP client writing random bytes: the node closes the socket (malformed or timed-out handshake).
    const garbage = randomBytes(4096 + Math.floor(random() * 4096));
    const closedMs = await new Promise<number>((resolve, reject) => {
      const t0 = Date.now();
      const socket = connect(cluster.net.manifest.nodes[2]!.p2pPort, '127.0.0.1', () =>
        socket.write(garbage),
      );
      socket.on('error', () => {});
      socket.on('data', () => {});
      socket.on('close', () => resolve(Date.now() - t0));
      setTimeout(() => reject(new Error('the node kept a garbage socket open for 10 s')), 10_000).unref();
    });
    process.stdout.write(
      `# stranger refused (${reasons.join(', ')}); garbage socket closed after ${closedMs} ms\n`,
    );
    await honestKeepCommitting(3);
  });

  it('a member sending garbage, replays and forged votes: honest nodes go on, its score drops to a ban', {
    timeout: 90_000,
  }, async () => {
    const member = await attacker(cluster, cluster.key('node4'), ['node0', 'node1']);
    networks.push(member.network);
    await until('the member to link with node0 and node1', 10_000, () => member.network.peers().length === 2);
    // Overhear real consensus traffic, then replay it to both nodes, many times over.
    await until('consensus messages to overhear', 10_000, () => member.overheard.length >= 10);
    const node0 = Buffer.from(cluster.node('node0').publicKey, 'hex');
    const node1 = Buffer.from(cluster.node('node1').publicKey, 'hex');
    for (let i = 0; i < 3; i++)
      for (const payload of member.overheard) member.network.broadcast('consensus', payload);
    // Conflicting votes in the name of a validator: a real vote with another block hash (the signature no
    // longer matches), sent to node1 only.
    const votes = member.overheard
      .map((p) => decodeConsensusMessage(p))
      .filter((m): m is Extract<ConsensusMessage, { kind: 'vote' }> => m.kind === 'vote');
    assert.ok(votes.length > 0, 'no vote overheard');
    for (const message of votes.slice(0, 20)) {
      const forged = { ...message, vote: { ...message.vote, blockHash: bytesToHex(randomBytes(32)) } };
      member.network.send(node1, 'consensus', encodeConsensusMessage(forged as ConsensusMessage));
    }
    // Well-formed sync requests for absurd ranges and a status claiming a far height are harmless.
    member.network.send(
      node1,
      'sync',
      syncWireCodec.encode({ kind: 'blocks-request', from: 10 ** 9, count: 20 }),
    );
    member.network.send(node1, 'sync', syncWireCodec.encode({ kind: 'status', height: 10 ** 9 }));
    await honestKeepCommitting(3);
    assert.equal(member.network.peers().length, 2, 'replays and forged votes cost the member its links');

    // Garbage to node0 on the consensus and sync channels: each undecodable message lowers its score.
    const disconnectedBefore = member.events.filter((e) => e.type === 'peer:disconnected').length;
    const sent = { consensus: 0, sync: 0 };
    for (let i = 0; i < 12 && member.network.isConnected(node0); i++) {
      const channel = i % 2 === 0 ? 'consensus' : 'sync';
      member.network.send(node0, channel, randomBytes(16 + Math.floor(random() * 512)));
      sent[channel]++;
      await sleep(50);
    }
    await until('node0 to ban the garbage sender', 10_000, () =>
      member.events
        .slice(disconnectedBefore)
        .some((e) => e.type === 'peer:disconnected' && bytesToHex(e.data.publicKey) === bytesToHex(node0)),
    );
    // Banned: its redials are refused for as long as the ban lasts, while node1 keeps its link.
    await sleep(2_000);
    assert.ok(!member.network.isConnected(node0), 'node0 let the banned member back in');
    assert.ok(member.network.isConnected(node1), 'node1 (sent no garbage) dropped the member');
    const refusals = member.events.filter(
      (e) =>
        e.type !== 'peer:connected' &&
        e.data.publicKey !== null &&
        bytesToHex(e.data.publicKey) === bytesToHex(node0),
    );
    process.stdout.write(
      `# member garbage: ${sent.consensus} consensus + ${sent.sync} sync messages; node0 closed/refused it ${refusals.length} times (${[...new Set(refusals.map((e) => e.data.reason))].join(', ')})\n`,
    );
    await member.network.stop();
    await honestKeepCommitting(3);
  });

  it('a validator key equivocates (its node down): honest nodes go on and record the double vote', {
    timeout: 90_000,
  }, async () => {
    const victim = 'node3';
    await cluster.signal(victim, 'SIGTERM');
    const key = cluster.key(victim);
    const twin = await attacker(cluster, key, ['node0', 'node1', 'node2']);
    networks.push(twin.network);
    await until(
      'the twin to link with the three honest validators',
      10_000,
      () => twin.network.peers().length === 3,
    );
    const signer = new Ed25519ConsensusSigner(CHAIN_ID, key);
    const validator = bytesToHex(key.publicKey);
    // For the next few heights, two signed prevotes (and precommits) for different random blocks.
    let equivocations = 0;
    for (let i = 0; i < 5; i++) {
      const status = await cluster.status('node0');
      const height = status.consensus.height ?? status.height + 1;
      const round = status.consensus.round ?? 0;
      for (const type of ['prevote', 'precommit'] as const) {
        for (let j = 0; j < 2; j++) {
          const vote = { type, height, round, blockHash: bytesToHex(randomBytes(32)), validator };
          const message = { kind: 'vote', vote, signature: signer.signVote(vote) } as ConsensusMessage;
          twin.network.broadcast('consensus', encodeConsensusMessage(message));
        }
      }
      equivocations++;
      await sleep(300);
    }
    await honestKeepCommitting(3);
    // The double votes are proven by their signatures: some honest node puts the evidence on chain.
    let records: unknown[] = [];
    await until('the equivocation to be recorded on chain', 30_000, async () => {
      const response = await httpJson(`${cluster.node('node0').url}/v1/query/evidence/equivocations`);
      const body = response.body;
      records = Array.isArray(body) ? body : Array.isArray(body?.result) ? body.result : [];
      return records.length > 0;
    });
    process.stdout.write(
      `# twin: ${equivocations} heights of double votes; ${records.length} equivocation(s) on chain\n`,
    );
    await twin.network.stop();
    await cluster.start(victim);
    checker.forget(victim);
    await honestKeepCommitting(3);
  });
});
