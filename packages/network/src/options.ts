/**
 * Every knob of the network with its default. The node builds one `NetworkInit` (identity, chain id,
 * membership, listen address, peers) and leaves the rest to these defaults unless its config says otherwise.
 */
import type { SigningKey } from '@hanglian/core';
import { NetworkError, NetworkErrors } from './errors.js';
import type { PeerAddress } from './interface.js';

export interface RateLimitOptions {
  /** Sustained messages per second per peer on this channel. */
  readonly messagesPerSecond: number;
  /** Messages a peer may send at once above the sustained rate. */
  readonly burstMessages: number;
  readonly bytesPerSecond: number;
  readonly burstBytes: number;
}

export interface ChannelOptions {
  /** The byte that names the channel on the wire (1–255); stable across versions. */
  readonly id: number;
  readonly maxPayloadBytes: number;
  /**
   * Gossip channels, when a peer's queue is full, drop the oldest queued message; direct channels refuse
   * the newest. A gossip channel that relays also drops messages seen before (by hash), which stops echoes.
   */
  readonly gossip: boolean;
  /** Re-broadcast each new, accepted gossip message to every other peer (for nodes not in a full mesh). */
  readonly relay: boolean;
  /** Inbound rate limit per peer; null for none (local benchmarks only). */
  readonly rateLimit: RateLimitOptions | null;
  /** Messages queued per peer on this channel while the socket is busy. */
  readonly maxQueuedMessages: number;
}

export interface ReconnectOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly multiplier: number;
  /** Fraction of each delay added at random, so restarted nodes do not redial in lockstep. */
  readonly jitter: number;
}

export interface ScoringOptions {
  /** A peer whose score falls to this (or below) is disconnected and banned. Scores start at 0. */
  readonly banThreshold: number;
  readonly banDurationMs: number;
  /** Points regained per second, up to 0, so a rare fault is forgiven. */
  readonly recoveryPerSecond: number;
  readonly penalties: {
    readonly 'frame-too-large': number;
    readonly 'payload-too-large': number;
    readonly malformed: number;
    readonly 'rate-limited': number;
    readonly invalid: number;
  };
}

export interface NetworkOptions {
  readonly chainId: string;
  /** The node's long-term identity; links prove possession of it. Never logged. */
  readonly nodeKey: SigningKey;
  /** Injected membership: true for an active node identity of an active organisation. */
  readonly isMember: (publicKey: Uint8Array) => boolean | Promise<boolean>;
  /** Where to accept links; null to only dial. Port 0 picks a free port. */
  readonly listen: { readonly host: string; readonly port: number } | null;
  /** Peers dialled at start and redialled with backoff whenever their link is down. */
  readonly peers: readonly PeerAddress[];
  readonly channels: Readonly<Record<string, ChannelOptions>>;
  /** Established links at most; further inbound links are refused. */
  readonly maxPeers: number;
  /** Connections still in their handshake at most; further TCP connections are closed at once. */
  readonly maxPendingHandshakes: number;
  readonly handshakeTimeoutMs: number;
  /** Largest frame plaintext (type + channel + payload); a larger length header closes the link. */
  readonly maxFrameBytes: number;
  readonly pingIntervalMs: number;
  /** A link that received nothing (not even a pong) for this long is closed. */
  readonly idleTimeoutMs: number;
  /** Bytes buffered in a socket before frames wait in the per-channel queues. */
  readonly socketHighWaterBytes: number;
  readonly seenCacheSize: number;
  readonly reconnect: ReconnectOptions;
  readonly scoring: ScoringOptions;
}

/** What the caller must give; everything else has a default. Nested groups merge field by field. */
export type NetworkInit = Pick<NetworkOptions, 'chainId' | 'nodeKey' | 'isMember'> &
  Partial<Omit<NetworkOptions, 'chainId' | 'nodeKey' | 'isMember' | 'reconnect' | 'scoring'>> & {
    readonly reconnect?: Partial<ReconnectOptions>;
    readonly scoring?: Partial<Omit<ScoringOptions, 'penalties'>> & {
      readonly penalties?: Partial<ScoringOptions['penalties']>;
    };
  };

const MiB = 1024 * 1024;

/** The channels the node uses. Consensus first: send queues drain in this order. */
export const defaultChannels: Readonly<Record<string, ChannelOptions>> = {
  consensus: {
    id: 1,
    maxPayloadBytes: 4 * MiB,
    gossip: true,
    relay: false,
    rateLimit: {
      messagesPerSecond: 1000,
      burstMessages: 2000,
      bytesPerSecond: 32 * MiB,
      burstBytes: 64 * MiB,
    },
    maxQueuedMessages: 10_000,
  },
  tx: {
    id: 2,
    maxPayloadBytes: 128 * 1024,
    gossip: true,
    relay: false,
    rateLimit: {
      messagesPerSecond: 5000,
      burstMessages: 10_000,
      bytesPerSecond: 16 * MiB,
      burstBytes: 32 * MiB,
    },
    maxQueuedMessages: 20_000,
  },
  sync: {
    id: 3,
    maxPayloadBytes: 8 * MiB,
    gossip: false,
    relay: false,
    rateLimit: {
      messagesPerSecond: 200,
      burstMessages: 400,
      bytesPerSecond: 64 * MiB,
      burstBytes: 128 * MiB,
    },
    maxQueuedMessages: 1000,
  },
  // Where member nodes listen (the node's peer exchange): a few small messages per link.
  peers: {
    id: 4,
    maxPayloadBytes: 16 * 1024,
    gossip: false,
    relay: false,
    rateLimit: {
      messagesPerSecond: 20,
      burstMessages: 100,
      bytesPerSecond: 256 * 1024,
      burstBytes: 1024 * 1024,
    },
    maxQueuedMessages: 200,
  },
};

export const defaultReconnectOptions: ReconnectOptions = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  multiplier: 2,
  jitter: 0.2,
};

export const defaultScoringOptions: ScoringOptions = {
  banThreshold: -100,
  banDurationMs: 10 * 60_000,
  recoveryPerSecond: 1,
  penalties: {
    'frame-too-large': 50,
    'payload-too-large': 25,
    malformed: 25,
    'rate-limited': 5,
    invalid: 20,
  },
};

export const defaultNetworkOptions = {
  listen: { host: '0.0.0.0', port: 26656 },
  peers: [],
  channels: defaultChannels,
  maxPeers: 50,
  maxPendingHandshakes: 32,
  handshakeTimeoutMs: 5000,
  maxFrameBytes: 8 * MiB + 2,
  pingIntervalMs: 10_000,
  idleTimeoutMs: 30_000,
  socketHighWaterBytes: 1 * MiB,
  seenCacheSize: 100_000,
  reconnect: defaultReconnectOptions,
  scoring: defaultScoringOptions,
} satisfies Omit<NetworkOptions, 'chainId' | 'nodeKey' | 'isMember'>;

function invalid(message: string): never {
  throw new NetworkError(NetworkErrors.NETWORK_INVALID_OPTIONS, message);
}

function positive(name: string, value: number): void {
  if (!(value > 0)) invalid(`${name} must be positive, got ${value}`);
}

/** Merges `init` over the defaults and checks the result. */
export function resolveNetworkOptions(init: NetworkInit): NetworkOptions {
  const options: NetworkOptions = {
    ...defaultNetworkOptions,
    ...stripUndefined(init),
    chainId: init.chainId,
    nodeKey: init.nodeKey,
    isMember: init.isMember,
    reconnect: { ...defaultReconnectOptions, ...stripUndefined(init.reconnect ?? {}) },
    scoring: {
      ...defaultScoringOptions,
      ...stripUndefined(init.scoring ?? {}),
      penalties: { ...defaultScoringOptions.penalties, ...stripUndefined(init.scoring?.penalties ?? {}) },
    },
  };
  if (typeof options.chainId !== 'string' || options.chainId.length === 0) invalid('chainId is required');
  if (options.nodeKey.publicKey.byteLength !== 32) invalid('nodeKey must be an Ed25519 key');
  for (const name of [
    'maxPeers',
    'maxPendingHandshakes',
    'handshakeTimeoutMs',
    'maxFrameBytes',
    'pingIntervalMs',
    'idleTimeoutMs',
    'socketHighWaterBytes',
    'seenCacheSize',
  ] as const) {
    positive(name, options[name]);
  }
  if (options.maxFrameBytes > 0xffff_ffff - 16) invalid('maxFrameBytes must fit the 32-bit frame header');
  positive('reconnect.initialDelayMs', options.reconnect.initialDelayMs);
  if (options.reconnect.maxDelayMs < options.reconnect.initialDelayMs) {
    invalid('reconnect.maxDelayMs must be at least initialDelayMs');
  }
  if (options.scoring.banThreshold >= 0) invalid('scoring.banThreshold must be negative');
  const ids = new Set<number>();
  for (const [name, channel] of Object.entries(options.channels)) {
    if (!Number.isInteger(channel.id) || channel.id < 1 || channel.id > 255) {
      invalid(`channel ${name}: id must be 1..255`);
    }
    if (ids.has(channel.id)) invalid(`channel ${name}: id ${channel.id} is used twice`);
    ids.add(channel.id);
    positive(`channel ${name}: maxPayloadBytes`, channel.maxPayloadBytes);
    positive(`channel ${name}: maxQueuedMessages`, channel.maxQueuedMessages);
    // type + channel id precede the payload inside a frame.
    if (channel.maxPayloadBytes + 2 > options.maxFrameBytes) {
      invalid(`channel ${name}: maxPayloadBytes does not fit in maxFrameBytes`);
    }
    if (channel.relay && !channel.gossip) invalid(`channel ${name}: only gossip channels can relay`);
  }
  return options;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
