/** Helpers for tests with real sockets on 127.0.0.1: member keys, fast timings, waiting for conditions. */
import type { SigningKey } from '@hanglian/core';
import { bytesToHex, ed25519Sha256 } from '@hanglian/core';
import { listenBelowEphemeral } from '@hanglian/testkit';
import type { Network, NetworkInit } from '../src/index.js';
import { createNetwork } from '../src/index.js';

export const CHAIN_ID = 'hanglian-test-1';

/** Timings small enough for a test to see reconnects and timeouts within a second. */
export const fastTimings = {
  handshakeTimeoutMs: 1000,
  reconnect: { initialDelayMs: 30, maxDelayMs: 200, jitter: 0.1 },
} satisfies Partial<NetworkInit>;

export interface Membership {
  readonly keys: SigningKey[];
  isMember(publicKey: Uint8Array): boolean;
}

export function createMembership(count: number): Membership {
  const keys = Array.from({ length: count }, () => ed25519Sha256.generateSigningKey());
  const members = new Set(keys.map((key) => bytesToHex(key.publicKey)));
  return { keys, isMember: (publicKey) => members.has(bytesToHex(publicKey)) };
}

/**
 * A network on 127.0.0.1 whose `start()` listens on a random port below the ephemeral range, and on
 * another if that one is taken (testkit's listenBelowEphemeral); `overrides.listen` fixes the address
 * instead.
 */
export function testNetwork(
  nodeKey: SigningKey,
  membership: Membership,
  overrides: Partial<NetworkInit> = {},
): Network {
  // The network reads its listen address when it starts, so the port can be chosen there (tests create a
  // network first, register handlers on it, then start it), and chosen again if that start finds it taken.
  let chosenPort: number | undefined;
  const listen = {
    host: '127.0.0.1',
    get port(): number {
      if (chosenPort === undefined)
        throw new Error('the test network reads its port before start() chose it');
      return chosenPort;
    },
  };
  const network = createNetwork({
    chainId: CHAIN_ID,
    nodeKey,
    isMember: membership.isMember,
    listen,
    ...fastTimings,
    ...overrides,
  });
  if (overrides.listen !== undefined) return network;
  const start = network.start.bind(network);
  network.start = () => {
    if (network.isRunning) return start();
    return listenBelowEphemeral((port) => {
      chosenPort = port;
      return start();
    });
  };
  return network;
}

/** Polls `condition` every 10 ms; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Address of a started network, with the key it must prove. */
export function addressOf(network: Network): { host: string; port: number; publicKey: Uint8Array } {
  const address = network.listenAddress();
  if (address === null) throw new Error('network is not listening');
  return { host: '127.0.0.1', port: address.port, publicKey: network.publicKey };
}

export async function stopAll(networks: Network[]): Promise<void> {
  await Promise.all(networks.map((network) => network.stop()));
}

export const hex = bytesToHex;
