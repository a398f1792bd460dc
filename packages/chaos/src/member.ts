/**
 * A network identity of the runner's own (the wire observer, the forging member, the member in the middle
 * of a state sync, the equivocator): a genuine member key of the manifest that listens on nothing and dials
 * the given nodes directly, around the runner's proxies. Every channel starts with a handler that takes
 * what arrives and does nothing; the caller replaces the ones it listens to, then starts the network.
 */
import { hexToBytes, type SigningKey } from '@hanglian/core';
import { createNetwork, type Network } from '@hanglian/network';
import { CHAOS_CHAIN_ID } from './cluster.js';

export interface RunnerPeer {
  readonly publicKey: string;
  readonly p2pPort: number;
}

export function runnerMemberNetwork(
  key: SigningKey,
  nodes: readonly RunnerPeer[],
  /** Longest wait between two dials of a lost link. */
  maxRedialMs: number,
): Network {
  const network = createNetwork({
    chainId: CHAOS_CHAIN_ID,
    nodeKey: key,
    isMember: () => true,
    listen: null,
    peers: nodes.map((n) => ({ host: '127.0.0.1', port: n.p2pPort, publicKey: hexToBytes(n.publicKey) })),
    reconnect: { initialDelayMs: 100, maxDelayMs: maxRedialMs },
  });
  for (const channel of ['consensus', 'sync', 'tx'] as const) network.handle(channel, () => true);
  return network;
}
