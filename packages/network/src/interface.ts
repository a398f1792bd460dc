/** The public contract of the network package: addresses, peers, handlers, events and counters. */

/** Where to dial a peer. Without `publicKey` the peer is accepted if it proves any member key. */
export interface PeerAddress {
  readonly host: string;
  readonly port: number;
  /** The node key the peer must prove; a different (even member) key is refused. */
  readonly publicKey?: Uint8Array;
}

export type LinkDirection = 'inbound' | 'outbound';

/** Why a link closed or was refused. Stable strings: tests, logs and metrics match on them. */
export type DisconnectReason =
  | 'malformed-handshake'
  | 'handshake-timeout'
  | 'wrong-chain'
  | 'bad-signature'
  | 'not-member'
  | 'unexpected-key'
  | 'self'
  | 'blocked'
  | 'banned'
  | 'too-many-peers'
  | 'duplicate'
  | 'frame-too-large'
  | 'decrypt-failed'
  | 'malformed-frame'
  | 'idle-timeout'
  | 'remote-closed'
  | 'remote-goodbye'
  | 'socket-error'
  | 'revoked'
  | 'stopped';

/** Why a peer's score was lowered (see the scoring table in the README). */
export type PenaltyReason =
  | 'frame-too-large'
  | 'payload-too-large'
  | 'malformed'
  | 'rate-limited'
  | 'invalid';

export interface PeerInfo {
  readonly publicKey: Uint8Array;
  /** The account-style address of the node key (`hl…`), for logs and the console. */
  readonly address: string;
  readonly direction: LinkDirection;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly connectedAtMs: number;
  readonly score: number;
}

/**
 * Receives one message of a channel. Return `false` when the payload is invalid: the peer is penalised and a
 * gossip message is not relayed. Anything else accepts it.
 */
export type ChannelHandler = (peerPublicKey: Uint8Array, payload: Uint8Array) => boolean | undefined;

export interface NetworkEvents {
  'peer:connected': PeerInfo;
  'peer:disconnected': { readonly publicKey: Uint8Array; readonly reason: DisconnectReason };
  /** A connection that never became a link (handshake failed or was refused). */
  'peer:refused': {
    readonly publicKey: Uint8Array | null;
    readonly remoteAddress: string;
    readonly direction: LinkDirection;
    readonly reason: DisconnectReason;
  };
  'peer:penalised': {
    readonly publicKey: Uint8Array;
    readonly reason: PenaltyReason;
    readonly score: number;
  };
  'peer:banned': { readonly publicKey: Uint8Array; readonly untilMs: number };
  /** A channel handler threw; the message is dropped and the link stays up (it is a local bug). */
  'handler:error': { readonly channel: string; readonly error: unknown };
}

export type NetworkEventName = keyof NetworkEvents;

/** Counters of one channel, summed over all peers since start. */
export interface ChannelCounters {
  sentMessages: number;
  sentBytes: number;
  receivedMessages: number;
  receivedBytes: number;
  /** Messages of a relaying gossip channel dropped because they were seen before (relay echoes). */
  duplicates: number;
  /** Messages dropped from a full send queue (oldest for gossip, newest otherwise). */
  droppedQueueFull: number;
  droppedRateLimited: number;
  droppedOversized: number;
  relayed: number;
}

export interface NetworkCounters {
  readonly channels: Record<string, ChannelCounters>;
  handshakesSucceeded: number;
  handshakesFailed: number;
  linksClosed: number;
  malformedFrames: number;
  bans: number;
}
