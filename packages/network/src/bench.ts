/**
 * Measures the network on this machine: handshake time, and encrypted throughput between two local nodes
 * for small (200 B, a transaction) and large (64 KiB, a block part) payloads. Returns figures; prints nothing.
 */
import { ed25519Sha256 } from '@hanglian/core';
import type { Network } from './network.js';
import { createNetwork } from './network.js';
import type { ChannelOptions, NetworkOptions } from './options.js';

export interface ThroughputResult {
  readonly payloadBytes: number;
  readonly messages: number;
  readonly seconds: number;
  readonly messagesPerSecond: number;
  readonly megabytesPerSecond: number;
}

export interface NetworkBenchResult {
  /** Mean time from dial to both ends linked, over `handshakes` fresh links. */
  readonly handshakeMs: number;
  readonly handshakes: number;
  readonly throughput: ThroughputResult[];
}

export interface NetworkBenchOptions {
  readonly handshakes?: number;
  /** Seconds of sending per payload size. */
  readonly secondsPerSize?: number;
  readonly payloadSizes?: readonly number[];
}

const benchChannel: ChannelOptions = {
  id: 200,
  maxPayloadBytes: 1024 * 1024,
  gossip: false,
  relay: false,
  rateLimit: null,
  maxQueuedMessages: 4096,
};

/** A node that only dials (`listen` null) or that listens where `listen` says. */
function benchNode(
  isMember: (key: Uint8Array) => boolean,
  listen: NetworkOptions['listen'],
  key = ed25519Sha256.generateSigningKey(),
): Network {
  return createNetwork({
    chainId: 'hanglian-bench',
    nodeKey: key,
    isMember,
    listen,
    channels: { bench: benchChannel },
    reconnect: { initialDelayMs: 10, maxDelayMs: 100 },
  });
}

/**
 * A started node listening on a random port in 10000-31999, below Linux's ephemeral range (32768-60999)
 * from which outgoing connections, the bench's own and those of anything else on the machine, take their
 * local ports; a port found taken is exchanged for another. (@hanglian/testkit's listenBelowEphemeral does
 * this for tests; this package may not depend on it outside its tests.)
 */
async function startListeningNode(isMember: (key: Uint8Array) => boolean): Promise<Network> {
  const tries = 20;
  for (let attempt = 0; attempt < tries; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * 22_000);
    const node = benchNode(isMember, { host: '127.0.0.1', port });
    try {
      await node.start();
      return node;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error(`the network bench found no free port between 10000 and 31999 in ${tries} tries`);
}

function waitUntil(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (condition() ? resolve() : setImmediate(poll));
    poll();
  });
}

async function measureHandshakes(count: number): Promise<number> {
  const server = await startListeningNode(() => true);
  const port = server.listenAddress()!.port;
  let totalMs = 0;
  try {
    for (let i = 0; i < count; i++) {
      const client = benchNode(() => true, null);
      await client.start();
      const started = performance.now();
      client.dial({ host: '127.0.0.1', port, publicKey: server.publicKey });
      await waitUntil(() => client.isConnected(server.publicKey) && server.isConnected(client.publicKey));
      totalMs += performance.now() - started;
      await client.stop();
      await waitUntil(() => !server.isConnected(client.publicKey));
    }
  } finally {
    await server.stop();
  }
  return totalMs / count;
}

async function measureThroughput(payloadBytes: number, seconds: number): Promise<ThroughputResult> {
  const sender = benchNode(() => true, null);
  const receiver = await startListeningNode(() => true);
  let received = 0;
  receiver.handle('bench', () => {
    received += 1;
    return undefined;
  });
  await sender.start();
  try {
    sender.dial({ host: '127.0.0.1', port: receiver.listenAddress()!.port, publicKey: receiver.publicKey });
    await waitUntil(() => sender.isConnected(receiver.publicKey) && receiver.isConnected(sender.publicKey));
    const payload = new Uint8Array(payloadBytes).fill(0x5a);
    let sent = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    // Open loop bounded by the send queue: fill it, yield to let the socket drain, repeat.
    while (performance.now() < deadline) {
      while (sender.send(receiver.publicKey, 'bench', payload)) sent += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitUntil(() => received >= sent);
    const elapsed = (performance.now() - started) / 1000;
    return {
      payloadBytes,
      messages: received,
      seconds: elapsed,
      messagesPerSecond: Math.round(received / elapsed),
      megabytesPerSecond: Math.round(((received * payloadBytes) / elapsed / 1e6) * 10) / 10,
    };
  } finally {
    await sender.stop();
    await receiver.stop();
  }
}

/** Runs the whole benchmark; a few seconds with the defaults. */
export async function runNetworkBench(options: NetworkBenchOptions = {}): Promise<NetworkBenchResult> {
  const handshakes = options.handshakes ?? 20;
  const handshakeMs = await measureHandshakes(handshakes);
  const throughput: ThroughputResult[] = [];
  for (const size of options.payloadSizes ?? [200, 64 * 1024]) {
    throughput.push(await measureThroughput(size, options.secondsPerSize ?? 2));
  }
  return { handshakeMs: Math.round(handshakeMs * 100) / 100, handshakes, throughput };
}
