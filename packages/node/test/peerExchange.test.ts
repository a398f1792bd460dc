/**
 * Peer exchange on real sockets: member nodes told of only one other come to link with every member (as a
 * joining company's node, given only its inviter's address, must reach every validator: consensus messages
 * are not relayed); a non-member's key is never dialled; a malformed message is refused and scores its
 * sender down; with the exchange off nothing is learned.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { bytesToHex, ed25519Sha256, type SigningKey, utf8 } from '@hanglian/core';
import { createNetwork, type Network } from '@hanglian/network';
import { freePortRange } from '@hanglian/testkit';
import {
  decodePeerMessage,
  encodePeerMessage,
  PEER_EXCHANGE_MAX_ENTRIES,
  PeerExchange,
} from '../src/consensus/peerExchange.js';

const CHAIN = 'hanglian-pex-test';

async function waitFor(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface TestNode {
  readonly key: SigningKey;
  readonly port: number;
  readonly network: Network;
  readonly exchange: PeerExchange | undefined;
}

describe('peer exchange', () => {
  const started: Network[] = [];
  after(async () => {
    await Promise.all(started.map((n) => n.stop()));
  });

  /** Starts `count` member nodes; node i dials only the nodes `dials[i]` names. */
  async function startNodes(
    count: number,
    dials: number[][],
    options: { exchange?: boolean; members?: (key: Uint8Array) => boolean } = {},
  ): Promise<TestNode[]> {
    const keys = Array.from({ length: count }, () => ed25519Sha256.generateSigningKey());
    const memberKeys = new Set(keys.map((k) => bytesToHex(k.publicKey)));
    const isMember = options.members ?? ((key: Uint8Array) => memberKeys.has(bytesToHex(key)));
    const base = await freePortRange(count);
    const nodes: TestNode[] = [];
    for (let i = 0; i < count; i++) {
      const network = createNetwork({
        chainId: CHAIN,
        nodeKey: keys[i]!,
        isMember: (key) => memberKeys.has(bytesToHex(key)),
        listen: { host: '127.0.0.1', port: base + i },
        peers: (dials[i] ?? []).map((j) => ({
          host: '127.0.0.1',
          port: base + j,
          publicKey: keys[j]!.publicKey,
        })),
        handshakeTimeoutMs: 1_000,
        reconnect: { initialDelayMs: 30, maxDelayMs: 300, jitter: 0.1 },
      });
      const exchange =
        options.exchange === false
          ? undefined
          : new PeerExchange({
              network,
              ownKey: bytesToHex(keys[i]!.publicKey),
              advertise: `127.0.0.1:${base + i}`,
              isMemberNode: isMember,
            });
      nodes.push({ key: keys[i]!, port: base + i, network, exchange });
      started.push(network);
    }
    await Promise.all(nodes.map((n) => n.network.start()));
    return nodes;
  }

  const linkedTo = (node: TestNode) => new Set(node.network.peers().map((p) => bytesToHex(p.publicKey)));
  const fullMesh = (nodes: TestNode[]) => nodes.every((n) => linkedTo(n).size === nodes.length - 1);

  it('links every member when each knew only one other', async () => {
    // Four founders in a ring of single dials, and a fifth that knows only node 0 (its inviter).
    const nodes = await startNodes(5, [[1], [2], [3], [0], [0]]);
    await waitFor('a full mesh of five', () => fullMesh(nodes));
    for (const node of nodes) assert.equal(linkedTo(node).size, 4);
    // Every node learns where each other listens, from the node itself once they are linked.
    const newcomer = nodes[4]!;
    await waitFor(
      'node 2 to know where the newcomer listens',
      () => nodes[2]!.exchange!.book.get(bytesToHex(newcomer.key.publicKey)) === `127.0.0.1:${newcomer.port}`,
    );
  });

  it('never dials a key that is not a member node, and refuses malformed messages', async () => {
    // The links accept every member, but the exchanges take no key for a member node's: nodes 1 and 2
    // hear of each other through node 0 and dial nothing.
    const nodes = await startNodes(3, [[1, 2], [], []], { members: () => false });
    await waitFor('node 0 linked to both', () => linkedTo(nodes[0]!).size === 2);
    await waitFor('the addresses passed on', () => nodes[1]!.exchange!.counts.received >= 2);
    assert.equal(linkedTo(nodes[1]!).has(bytesToHex(nodes[2]!.key.publicKey)), false);
    assert.equal(nodes[1]!.exchange!.counts.dialled + nodes[2]!.exchange!.counts.dialled, 0);

    const before = nodes[1]!.network.score(nodes[0]!.key.publicKey);
    nodes[0]!.network.send(nodes[1]!.key.publicKey, 'peers', utf8('{"v":1,"known":[{"key":"zz"}]}'));
    await waitFor('the malformed message refused', () => nodes[1]!.exchange!.counts.refused === 1);
    assert.ok(nodes[1]!.network.score(nodes[0]!.key.publicKey) < before, 'the sender scored down');
  });

  it('learns nothing with the exchange off', async () => {
    const nodes = await startNodes(3, [[1], [2], []], { exchange: false });
    await waitFor('the dialled links', () => linkedTo(nodes[1]!).size === 2);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(linkedTo(nodes[0]!).size, 1);
    assert.equal(linkedTo(nodes[2]!).size, 1);
  });

  it('decodes only well-formed messages of bounded size', () => {
    const key = 'ab'.repeat(32);
    const good = { v: 1 as const, self: '127.0.0.9:26656', known: [{ key, address: 'node.example:26656' }] };
    assert.deepEqual(decodePeerMessage(encodePeerMessage(good)), good);
    for (const bad of [
      'not json',
      '{"v":2,"known":[]}',
      '{"v":1,"known":[{"key":"ab","address":"127.0.0.1:1"}]}',
      `{"v":1,"known":[{"key":"${key}","address":"127.0.0.1:0"}]}`,
      `{"v":1,"known":[{"key":"${key}","address":"${key}@127.0.0.1:5"}]}`,
      '{"v":1,"self":"0.0.0.0:26656","known":[]}',
      `{"v":1,"known":${JSON.stringify(Array.from({ length: PEER_EXCHANGE_MAX_ENTRIES + 1 }, () => ({ key, address: 'h:1' })))}}`,
    ])
      assert.equal(decodePeerMessage(utf8(bad)), undefined, bad);
  });
});

describe('peer exchange after a revocation', () => {
  it('forgets a member that is no longer one: its address is not redialled and is passed on to nobody', () => {
    const dialled: string[] = [];
    const forgotten: string[] = [];
    let handler: ((key: Uint8Array, payload: Uint8Array) => boolean | undefined) | undefined;
    // Only what the exchange calls: the network under it is not the point here.
    const network = {
      on: () => {},
      handle: (_channel: string, h: typeof handler) => {
        handler = h;
      },
      send: () => true,
      peers: () => [],
      dial: (where: { host: string; port: number }) => dialled.push(`${where.host}:${where.port}`),
      forget: (where: { host: string; port: number }) => forgotten.push(`${where.host}:${where.port}`),
    } as unknown as Network;
    const me = ed25519Sha256.generateSigningKey();
    const other = ed25519Sha256.generateSigningKey();
    const teller = ed25519Sha256.generateSigningKey();
    const revoked = new Set<string>();
    const exchange = new PeerExchange({
      network,
      ownKey: bytesToHex(me.publicKey),
      isMemberNode: (key) => !revoked.has(bytesToHex(key)),
    } as ConstructorParameters<typeof PeerExchange>[0]);
    try {
      const otherKey = bytesToHex(other.publicKey);
      handler!(
        teller.publicKey,
        encodePeerMessage({
          v: 1,
          self: '127.0.0.1:21001',
          known: [{ key: otherKey, address: '127.0.0.1:21002' }],
        }),
      );
      assert.deepEqual(dialled, ['127.0.0.1:21002']);
      assert.equal(exchange.revalidate(), 0, 'a member still a member was forgotten');
      revoked.add(otherKey);
      revoked.add(bytesToHex(teller.publicKey));
      assert.equal(exchange.revalidate(), 1);
      assert.deepEqual(forgotten, ['127.0.0.1:21002']);
      assert.equal(exchange.book.has(bytesToHex(teller.publicKey)), false, 'a revoked node kept in the book');
    } finally {
      exchange.stop();
    }
  });
});
