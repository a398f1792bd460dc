/**
 * The node's links to other member nodes over @hanglian/network (authenticated, encrypted TCP). Only an
 * active node identity of an active organisation may connect: membership is read from the chain's
 * identity module (or from the genesis before the ledger exists, during state sync).
 */
import { addressFromPublicKey, bytesToHex, hexToBytes, type SigningKey } from '@hanglian/core';
import { createNetwork, type Network, type PeerAddress } from '@hanglian/network';
import type { StateReader } from '@hanglian/state-machine';
import { advertisedAddress, PeerExchange } from './peerExchange.js';
import type { Channel, DroppedMessages, MessageHandler, PeerTransport } from './transport.js';

export interface NodeIdentityLookup {
  getIdentity(state: StateReader, address: string): { kind: string } | undefined;
  isActiveMember(state: StateReader, address: string, time: number): boolean;
}

export interface NetworkTransportOptions {
  readonly chainId: string;
  readonly nodeKey: SigningKey;
  readonly listen: { readonly host: string; readonly port: number } | null;
  readonly peers: readonly PeerAddress[];
  /** The state to check membership against, and the block time to check expiry at. */
  readonly membershipState: () => { state: StateReader; time: number };
  readonly identity: NodeIdentityLookup;
  /**
   * Tell peers where this node listens and link to the members they tell of (`peerExchange.ts`); on unless
   * false. `advertise` is the address others dial (default: the listen address, unless a wildcard).
   */
  readonly peerExchange?: false | { readonly advertise?: string };
}

export class NetworkTransport implements PeerTransport {
  readonly network: Network;
  readonly peerExchange: PeerExchange | undefined;

  private constructor(network: Network, peerExchange: PeerExchange | undefined) {
    this.network = network;
    this.peerExchange = peerExchange;
  }

  static async start(options: NetworkTransportOptions): Promise<NetworkTransport> {
    const isMember = (publicKey: Uint8Array): boolean => {
      const { state, time } = options.membershipState();
      const address = addressFromPublicKey(publicKey);
      return (
        options.identity.getIdentity(state, address)?.kind === 'node' &&
        options.identity.isActiveMember(state, address, time)
      );
    };
    const network = createNetwork({
      chainId: options.chainId,
      nodeKey: options.nodeKey,
      listen: options.listen,
      peers: options.peers,
      isMember,
    });
    const exchange =
      options.peerExchange === false
        ? undefined
        : new PeerExchange({
            network,
            ownKey: bytesToHex(options.nodeKey.publicKey),
            advertise: options.peerExchange?.advertise ?? advertisedAddress(options.listen),
            isMemberNode: isMember,
          });
    await network.start();
    return new NetworkTransport(network, exchange);
  }

  broadcast(channel: Channel, payload: Uint8Array): void {
    this.network.broadcast(channel, payload);
  }

  send(peer: string, channel: Channel, payload: Uint8Array): void {
    this.network.send(hexToBytes(peer), channel, payload);
  }

  onMessage(channel: Channel, handler: MessageHandler): void {
    this.network.handle(channel, (publicKey, payload) => handler(bytesToHex(publicKey), payload));
  }

  penalise(peer: string): void {
    this.network.penalise(hexToBytes(peer), 'invalid');
  }

  peers(): string[] {
    return this.network.peers().map((p) => bytesToHex(p.publicKey));
  }

  dropped(): DroppedMessages[] {
    return Object.entries(this.network.counters().channels).flatMap(([channel, c]) => [
      { channel, reason: 'queue-full' as const, count: c.droppedQueueFull },
      { channel, reason: 'rate-limited' as const, count: c.droppedRateLimited },
      { channel, reason: 'oversized' as const, count: c.droppedOversized },
    ]);
  }

  revalidate(): void {
    this.peerExchange?.revalidate();
    void this.network.revalidatePeers();
  }

  isolate(): void {
    this.network.blockAll();
  }

  restore(): void {
    this.network.unblockAll();
  }

  close(): Promise<void> {
    this.peerExchange?.stop();
    return this.network.stop();
  }
}
