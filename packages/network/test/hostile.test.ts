/** Peers and networks that misbehave: tampering, oversized and undecodable frames, floods, slow handshakes. */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { describe, it } from 'node:test';
import { ed25519Sha256, type SigningKey } from '@hanglian/core';
import { listenBelowEphemeral, listenOn } from '@hanglian/testkit';
import type { DisconnectReason, Network } from '../src/index.js';
import { chainIdHash, defaultChannels, defaultScoringOptions, FrameType, Link } from '../src/index.js';
import { addressOf, CHAIN_ID, createMembership, sleep, stopAll, testNetwork, waitFor } from './harness.js';

interface RawLink {
  readonly link: Link;
  readonly socket: Socket;
  readonly closed: Promise<DisconnectReason>;
}

/** A bare link (no network) that completes the handshake as `nodeKey`, so a test can then misbehave on it. */
async function openRawLink(port: number, nodeKey: SigningKey): Promise<RawLink> {
  const socket = connect({ host: '127.0.0.1', port });
  let resolveClosed!: (reason: DisconnectReason) => void;
  const closed = new Promise<DisconnectReason>((resolve) => {
    resolveClosed = resolve;
  });
  const opened = new Promise<void>((resolve, reject) => {
    const link = new Link({
      socket,
      direction: 'outbound',
      chainHash: chainIdHash(CHAIN_ID),
      nodeKey,
      maxFrameBytes: 1 << 20,
      handshakeTimeoutMs: 2000,
      pingIntervalMs: 60_000,
      idleTimeoutMs: 60_000,
      authorize: async () => null,
      onOpen: () => resolve(),
      onFrame: () => {},
      onClose: (_link, reason, wasOpen) => {
        resolveClosed(reason);
        if (!wasOpen)
          reject(new Error(`raw link refused: ${reason} (${rawLinks.get(socket)?.remoteReason})`));
      },
      onDrain: () => {},
    });
    rawLinks.set(socket, link);
  });
  await opened;
  return { link: rawLinks.get(socket)!, socket, closed };
}
const rawLinks = new Map<Socket, Link>();

function messageFrame(channelId: number, payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(FrameType.message, channelId), payload]);
}

describe('tampering on the path', () => {
  it('a flipped byte in an encrypted frame closes the link and the message is not delivered', async () => {
    const membership = createMembership(2);
    const a = testNetwork(membership.keys[0]!, membership);
    const b = testNetwork(membership.keys[1]!, membership);
    const delivered: string[] = [];
    const closedAtB: string[] = [];
    b.handle('tx', (_from, payload) => {
      delivered.push(Buffer.from(payload).toString());
      return undefined;
    });
    b.on('peer:disconnected', (event) => closedAtB.push(event.reason));
    let tamperNextChunk = false;
    const proxySockets = new Set<Socket>();
    const proxy = createServer((client) => {
      const upstream = connect({ host: '127.0.0.1', port: addressOf(b).port });
      proxySockets.add(client).add(upstream);
      client.on('data', (chunk: Buffer) => {
        if (tamperNextChunk) {
          tamperNextChunk = false;
          const copy = Buffer.from(chunk);
          copy[copy.length - 1]! ^= 0x01; // inside the last frame's tag
          upstream.write(copy);
          return;
        }
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => client.write(chunk));
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('close', end).on('error', end);
      upstream.on('close', end).on('error', end);
    });
    try {
      await a.start();
      await b.start();
      const proxyPort = await listenBelowEphemeral((port) => listenOn(proxy, port));
      a.dial({ host: '127.0.0.1', port: proxyPort, publicKey: b.publicKey });
      await waitFor('link through the proxy', () => b.isConnected(a.publicKey) && a.isConnected(b.publicKey));
      a.broadcast('tx', Buffer.from('clean'));
      await waitFor('clean message', () => delivered.length === 1);

      tamperNextChunk = true;
      a.broadcast('tx', Buffer.from('tampered'));
      await waitFor('tampered link closed', () => closedAtB.length > 0);
      assert.equal(closedAtB[0], 'decrypt-failed');
      assert.deepEqual(delivered, ['clean']);
      // Tampering is the path's fault, not the peer's: its score is untouched.
      assert.equal(b.score(a.publicKey), 0);
    } finally {
      await stopAll([a, b]);
      for (const socket of proxySockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});

describe('bad data from a member', () => {
  it('a frame over the size cap closes the link before its body is read, and lowers the score', async () => {
    const membership = createMembership(2);
    const channels = Object.fromEntries(
      Object.entries(defaultChannels).map(([name, channel]) => [name, { ...channel, maxPayloadBytes: 1024 }]),
    );
    const node = testNetwork(membership.keys[0]!, membership, { maxFrameBytes: 64 * 1024, channels });
    const penalties: string[] = [];
    node.on('peer:penalised', (event) => penalties.push(event.reason));
    try {
      await node.start();
      const raw = await openRawLink(addressOf(node).port, membership.keys[1]!);
      await waitFor('peer linked', () => node.isConnected(membership.keys[1]!.publicKey));
      const header = Buffer.alloc(4);
      header.writeUInt32BE(64 * 1024 + 17 + 1);
      raw.socket.write(header); // only the header: the node must not wait for the body
      await waitFor('link closed', () => !node.isConnected(membership.keys[1]!.publicKey));
      assert.deepEqual(penalties, ['frame-too-large']);
      const score = node.score(membership.keys[1]!.publicKey);
      const penalty = defaultScoringOptions.penalties['frame-too-large'];
      assert.ok(score <= -penalty + 1 && score >= -penalty, `score ${score} (recovers slowly over time)`);
      await raw.closed;
    } finally {
      await node.stop();
    }
  });

  it('oversized payloads and unknown channels are dropped and scored, and enough of them ban the peer', async () => {
    const membership = createMembership(2);
    const node = testNetwork(membership.keys[0]!, membership);
    const bannedKeys: Uint8Array[] = [];
    const penalties: string[] = [];
    let handled = 0;
    node.handle('tx', () => {
      handled += 1;
      return undefined;
    });
    node.on('peer:penalised', (event) => penalties.push(event.reason));
    node.on('peer:banned', (event) => bannedKeys.push(event.publicKey));
    const peerKey = membership.keys[1]!;
    try {
      await node.start();
      const raw = await openRawLink(addressOf(node).port, peerKey);
      await waitFor('peer linked', () => node.isConnected(peerKey.publicKey));
      const txCap = defaultChannels.tx!.maxPayloadBytes;
      raw.link.send(messageFrame(defaultChannels.tx!.id, new Uint8Array(txCap + 1)));
      raw.link.send(messageFrame(99, Buffer.from('no such channel')));
      raw.link.send(Buffer.of(0x7f, 1, 2)); // no such frame type
      await waitFor('three penalties', () => penalties.length === 3);
      assert.deepEqual(penalties, ['payload-too-large', 'malformed', 'malformed']);
      assert.equal(handled, 0);
      assert.equal(node.isConnected(peerKey.publicKey), true, 'still linked above the threshold');
      assert.equal(node.counters().channels.tx!.droppedOversized, 1);

      for (let i = 0; i < 3; i++) raw.link.send(messageFrame(99, Buffer.from('more garbage')));
      await waitFor('ban', () => bannedKeys.length === 1);
      assert.deepEqual(bannedKeys[0], peerKey.publicKey);
      assert.equal(await raw.closed, 'remote-goodbye');
      assert.equal(raw.link.remoteReason, 'banned');
      await assert.rejects(openRawLink(addressOf(node).port, peerKey), /banned/);
    } finally {
      await node.stop();
    }
  });

  it('a flood over the rate limit is dropped, scored, and ends in a ban that refuses redials', async () => {
    const membership = createMembership(2);
    const channels = {
      ...defaultChannels,
      tx: {
        ...defaultChannels.tx!,
        rateLimit: { messagesPerSecond: 20, burstMessages: 20, bytesPerSecond: 1 << 20, burstBytes: 1 << 20 },
      },
    };
    const receiver = testNetwork(membership.keys[0]!, membership, { channels });
    const flooder = testNetwork(membership.keys[1]!, membership);
    let handled = 0;
    receiver.handle('tx', () => {
      handled += 1;
      return undefined;
    });
    const refusedAtFlooder: string[] = [];
    flooder.on('peer:refused', (event) => refusedAtFlooder.push(event.reason));
    try {
      await receiver.start();
      await flooder.start();
      flooder.dial(addressOf(receiver));
      await waitFor(
        'link',
        () => flooder.isConnected(receiver.publicKey) && receiver.isConnected(flooder.publicKey),
      );
      for (let i = 0; i < 200; i++) flooder.broadcast('tx', Buffer.from(`tx ${i}`));
      await waitFor('ban', () => receiver.bannedUntil(flooder.publicKey) > Date.now());
      const counters = receiver.counters().channels.tx!;
      assert.ok(handled >= 20 && handled < 30, `about the burst got through (${handled})`);
      assert.ok(
        counters.droppedRateLimited >= 20,
        `over-rate messages dropped (${counters.droppedRateLimited})`,
      );
      assert.equal(receiver.counters().bans, 1);
      await waitFor('flooder redials and is refused', () => refusedAtFlooder.includes('banned'));
      assert.equal(receiver.isConnected(flooder.publicKey), false);
    } finally {
      await stopAll([receiver, flooder]);
    }
  });
});

describe('what a stranger learns from a handshake', () => {
  // Found from outside (issue 16): anyone who reached a node's port completed the key exchange and read
  // the node's signed auth frame, learning which member runs it. The answering side now proves itself only
  // to a dialler it has admitted.
  it("a non-member who dials a node is refused without learning the node's key", async () => {
    const membership = createMembership(2);
    const node = testNetwork(membership.keys[0]!, membership);
    try {
      const { port } = (await node.start())!;
      const stranger = ed25519Sha256.generateSigningKey();
      const refused = await openRawLink(port, stranger).then(
        () => assert.fail('a stranger opened a link'),
        (error: Error) => error,
      );
      assert.match(refused.message, /raw link refused/);
      const link = [...rawLinks.values()].at(-1)!;
      assert.equal(link.remotePublicKey, null, 'the stranger learned the node key');
      assert.equal(link.remoteReason, 'not-member');
    } finally {
      await stopAll([node]);
    }
  });

  it('members still link, each proving its key', async () => {
    const membership = createMembership(2);
    const node = testNetwork(membership.keys[0]!, membership);
    try {
      const { port } = (await node.start())!;
      const raw = await openRawLink(port, membership.keys[1]!);
      assert.deepEqual(raw.link.remotePublicKey, membership.keys[0]!.publicKey);
      raw.socket.destroy();
    } finally {
      await stopAll([node]);
    }
  });
});

describe('bad handshakes', () => {
  async function rawSocketClosedWithin(network: Network, send: Buffer | null): Promise<number> {
    const socket = connect(addressOf(network).port, '127.0.0.1');
    socket.on('error', () => {});
    socket.resume(); // read (and drop) the node's hello, so its close is seen
    const started = Date.now();
    if (send !== null) socket.write(send);
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    return Date.now() - started;
  }

  it('closes a connection that sends nothing after the handshake timeout, one that sends garbage at once', async () => {
    const membership = createMembership(1);
    const node = testNetwork(membership.keys[0]!, membership, { handshakeTimeoutMs: 300 });
    const refused: string[] = [];
    node.on('peer:refused', (event) => refused.push(event.reason));
    try {
      await node.start();
      const silentMs = await rawSocketClosedWithin(node, null);
      assert.ok(silentMs >= 250 && silentMs < 2000, `closed after ${silentMs} ms`);
      assert.deepEqual(refused, ['handshake-timeout']);

      const garbageMs = await rawSocketClosedWithin(node, Buffer.alloc(100_000, 0x41));
      assert.ok(garbageMs < 250, `garbage closed at once (${garbageMs} ms)`);
      assert.equal(refused[1], 'malformed-handshake');
      assert.equal(node.peers().length, 0);
    } finally {
      await node.stop();
    }
  });

  it('bounds connections still in their handshake', async () => {
    const membership = createMembership(1);
    const node = testNetwork(membership.keys[0]!, membership, { maxPendingHandshakes: 2 });
    const sockets: Socket[] = [];
    try {
      await node.start();
      const closedEarly: number[] = [];
      for (let i = 0; i < 4; i++) {
        const socket = connect(addressOf(node).port, '127.0.0.1');
        socket.on('error', () => {});
        socket.on('close', () => closedEarly.push(i));
        sockets.push(socket);
        await sleep(30);
      }
      await waitFor('excess closed', () => closedEarly.length === 2);
      assert.deepEqual(closedEarly.sort(), [2, 3]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await node.stop();
    }
  });
});
