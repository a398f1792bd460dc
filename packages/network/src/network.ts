/**
 * The peer manager and message layer: accepts and dials links, keeps one link per member identity, routes
 * channel messages to handlers, deduplicates gossip, limits and scores peers, and lets tests cut links.
 */
import { createHash } from 'node:crypto';
import type { Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { bytesToHex } from '@hanglian/core';
import { NetworkError, NetworkErrors } from './errors.js';
import { chainIdHash } from './handshake.js';
import type {
  ChannelCounters,
  ChannelHandler,
  DisconnectReason,
  LinkDirection,
  NetworkCounters,
  NetworkEventName,
  NetworkEvents,
  PeerAddress,
  PeerInfo,
  PenaltyReason,
} from './interface.js';
import { Link } from './link.js';
import type { NetworkInit, NetworkOptions } from './options.js';
import { resolveNetworkOptions } from './options.js';
import { Peer, type ResolvedChannel } from './peer.js';
import { formatPeerAddress, parsePeerAddress } from './peerAddress.js';
import { ScoreBook } from './scoreBook.js';
import { SeenCache } from './seenCache.js';
import { FrameType } from './wire.js';

/** A link that stayed up this long was healthy: its loss restarts the redial backoff from the beginning. */
const STABLE_LINK_MS = 10_000;

/** A configured address, redialled with backoff whenever no link to its identity is up. */
interface DialTarget {
  readonly address: PeerAddress;
  /** The identity expected, or learned on the first successful link (then kept, to avoid redundant dials). */
  keyHex: string | null;
  attempts: number;
  timer: NodeJS.Timeout | null;
  link: Link | null;
}

function emptyChannelCounters(): ChannelCounters {
  return {
    sentMessages: 0,
    sentBytes: 0,
    receivedMessages: 0,
    receivedBytes: 0,
    duplicates: 0,
    droppedQueueFull: 0,
    droppedRateLimited: 0,
    droppedOversized: 0,
    relayed: 0,
  };
}

/** Creates a network from the node's identity and options; nothing happens until `start()`. */
export function createNetwork(init: NetworkInit): Network {
  return new Network(resolveNetworkOptions(init));
}

export class Network {
  readonly options: NetworkOptions;
  readonly publicKey: Uint8Array;
  readonly #selfHex: string;
  readonly #chainHash: Uint8Array;
  readonly #channelsByName = new Map<string, ResolvedChannel>();
  readonly #channelsById = new Map<number, ResolvedChannel>();
  readonly #channelList: ResolvedChannel[] = [];
  readonly #handlers = new Map<number, ChannelHandler>();
  readonly #peers = new Map<string, Peer>();
  readonly #peerByLink = new WeakMap<Link, Peer>();
  readonly #pending = new Set<Link>();
  /** Links whose identity passed admission but whose handshake has not finished: they count against maxPeers. */
  readonly #admitted = new Map<Link, string>();
  readonly #targets: DialTarget[] = [];
  readonly #targetByLink = new WeakMap<Link, DialTarget>();
  readonly #seen: SeenCache;
  readonly #scores: ScoreBook;
  readonly #blocked = new Set<string>();
  #blockEveryone = false;
  readonly #listeners = new Map<NetworkEventName, Set<(event: never) => void>>();
  readonly #counters: NetworkCounters;
  #server: Server | null = null;
  #running = false;

  constructor(options: NetworkOptions) {
    this.options = options;
    this.publicKey = options.nodeKey.publicKey;
    this.#selfHex = bytesToHex(this.publicKey);
    this.#chainHash = chainIdHash(options.chainId);
    this.#seen = new SeenCache(options.seenCacheSize);
    this.#scores = new ScoreBook(options.scoring);
    const channelCounters: Record<string, ChannelCounters> = {};
    Object.entries(options.channels).forEach(([name, channelOptions], priority) => {
      const channel: ResolvedChannel = { name, id: channelOptions.id, options: channelOptions, priority };
      this.#channelsByName.set(name, channel);
      this.#channelsById.set(channel.id, channel);
      this.#channelList.push(channel);
      channelCounters[name] = emptyChannelCounters();
    });
    this.#counters = {
      channels: channelCounters,
      handshakesSucceeded: 0,
      handshakesFailed: 0,
      linksClosed: 0,
      malformedFrames: 0,
      bans: 0,
    };
    for (const address of options.peers) this.#addTarget(address);
  }

  // ---- lifecycle ----

  /** Listens (if configured) and starts dialling the configured peers. Returns the bound address. */
  async start(): Promise<{ host: string; port: number } | null> {
    if (this.#running) return this.listenAddress();
    if (this.options.listen !== null) {
      const server = createServer((socket) => this.#onInbound(socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.options.listen!.port, this.options.listen!.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      // A listening socket error after start (rare: fd exhaustion) must not crash the node.
      server.on('error', () => {});
      this.#server = server;
    }
    this.#running = true;
    for (const target of this.#targets) this.#scheduleDial(target, 0);
    return this.listenAddress();
  }

  /** Closes every link (telling peers why), stops listening and dialling. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    for (const target of this.#targets) {
      if (target.timer !== null) clearTimeout(target.timer);
      target.timer = null;
    }
    for (const link of [...this.#pending]) link.close('stopped', { goodbye: true });
    for (const peer of [...this.#peers.values()]) peer.link.close('stopped', { goodbye: true });
    const server = this.#server;
    this.#server = null;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get isRunning(): boolean {
    return this.#running;
  }

  listenAddress(): { host: string; port: number } | null {
    const address = this.#server?.address();
    if (address === null || address === undefined || typeof address === 'string') return null;
    return { host: address.address, port: address.port };
  }

  // ---- peers ----

  /** Adds a peer address to dial now and redial whenever its link is down. Same host:port twice is a no-op. */
  dial(address: PeerAddress | string): void {
    const target = this.#addTarget(typeof address === 'string' ? parsePeerAddress(address) : address);
    if (this.#running && target.timer === null && target.link === null) this.#scheduleDial(target, 0);
  }

  /** Stops redialling an address; an open link to it stays until it drops. */
  forget(address: PeerAddress | string): void {
    const parsed = typeof address === 'string' ? parsePeerAddress(address) : address;
    const index = this.#targets.findIndex(
      (t) => t.address.host === parsed.host && t.address.port === parsed.port,
    );
    if (index < 0) return;
    const [target] = this.#targets.splice(index, 1);
    if (target?.timer) clearTimeout(target.timer);
  }

  peers(): PeerInfo[] {
    const now = Date.now();
    return [...this.#peers.values()].map((peer) => peer.info(this.#scores.score(peer.publicKeyHex, now)));
  }

  /** Connections still in their handshake (inbound and outbound). */
  pendingHandshakes(): number {
    return this.#pending.size;
  }

  isConnected(publicKey: Uint8Array): boolean {
    return this.#peers.has(bytesToHex(publicKey));
  }

  score(publicKey: Uint8Array): number {
    return this.#scores.score(bytesToHex(publicKey), Date.now());
  }

  /** When the ban of a peer ends (ms since epoch), or 0 when it is not banned. */
  bannedUntil(publicKey: Uint8Array): number {
    return this.#scores.bannedUntil(bytesToHex(publicKey), Date.now());
  }

  /** Lifts a ban early (an operator's decision). */
  unban(publicKey: Uint8Array): void {
    const hex = bytesToHex(publicKey);
    this.#scores.unban(hex);
    this.#redialIdentity(hex);
  }

  /** Lowers a peer's score for something only the application can judge (an invalid block, a bad vote). */
  penalise(publicKey: Uint8Array, reason: PenaltyReason): void {
    this.#penalise(bytesToHex(publicKey), reason);
  }

  /**
   * Asks the membership again for every linked peer and closes the links of those no longer members. The
   * node calls this after each block that may have changed the identity module (revocation, rotation).
   */
  async revalidatePeers(): Promise<number> {
    let closed = 0;
    for (const peer of [...this.#peers.values()]) {
      if (!(await this.#isMember(peer.publicKey)) && !peer.link.isClosed) {
        peer.link.close('revoked', { goodbye: true });
        closed += 1;
      }
    }
    return closed;
  }

  // ---- partition hook ----

  /** Cuts the link to one identity and refuses it (both directions) until `unblock`. For fault tests. */
  block(publicKey: Uint8Array): void {
    const hex = bytesToHex(publicKey);
    this.#blocked.add(hex);
    this.#peers.get(hex)?.link.close('blocked', { goodbye: true });
  }

  unblock(publicKey: Uint8Array): void {
    const hex = bytesToHex(publicKey);
    this.#blocked.delete(hex);
    this.#redialIdentity(hex);
  }

  /** Cuts every link and refuses every peer until `unblockAll`: the node is isolated. */
  blockAll(): void {
    this.#blockEveryone = true;
    for (const peer of [...this.#peers.values()]) peer.link.close('blocked', { goodbye: true });
  }

  unblockAll(): void {
    this.#blockEveryone = false;
    const identities = [...this.#blocked];
    this.#blocked.clear();
    for (const target of this.#targets) this.#redialNow(target);
    for (const hex of identities) this.#redialIdentity(hex);
  }

  isBlocked(publicKey: Uint8Array): boolean {
    return this.#isBlocked(bytesToHex(publicKey));
  }

  // ---- messages ----

  /** Sets the one handler of a channel; returns a function that removes it. */
  handle(channelName: string, handler: ChannelHandler): () => void {
    const channel = this.#channel(channelName);
    this.#handlers.set(channel.id, handler);
    return () => {
      if (this.#handlers.get(channel.id) === handler) this.#handlers.delete(channel.id);
    };
  }

  /** Queues `payload` to every linked peer; returns how many peers it was queued to. Never blocks. */
  broadcast(channelName: string, payload: Uint8Array): number {
    const channel = this.#channelForSend(channelName, payload);
    if (channel.options.gossip && channel.options.relay) this.#seen.add(this.#messageKey(channel, payload));
    const frame = this.#frame(channel, payload);
    let queued = 0;
    for (const peer of this.#peers.values()) if (this.#enqueue(peer, channel, frame)) queued += 1;
    return queued;
  }

  /** Queues `payload` to one peer; false when it is not linked or its queue refused the message. */
  send(peerPublicKey: Uint8Array, channelName: string, payload: Uint8Array): boolean {
    const channel = this.#channelForSend(channelName, payload);
    const peer = this.#peers.get(bytesToHex(peerPublicKey));
    if (peer === undefined) return false;
    if (channel.options.gossip && channel.options.relay) this.#seen.add(this.#messageKey(channel, payload));
    return this.#enqueue(peer, channel, this.#frame(channel, payload));
  }

  /** Messages waiting in each peer's send queues, by channel. */
  queuedMessages(peerPublicKey: Uint8Array): Record<string, number> | null {
    return this.#peers.get(bytesToHex(peerPublicKey))?.queuedMessages() ?? null;
  }

  // ---- events and counters ----

  on<E extends NetworkEventName>(event: E, listener: (data: NetworkEvents[E]) => void): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    set.add(listener as (event: never) => void);
    return () => set.delete(listener as (event: never) => void);
  }

  /** A copy of all counters since construction. */
  counters(): NetworkCounters {
    return structuredClone(this.#counters);
  }

  #emit<E extends NetworkEventName>(event: E, data: NetworkEvents[E]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        (listener as (data: NetworkEvents[E]) => void)(data);
      } catch (error) {
        if (event !== 'handler:error') this.#emit('handler:error', { channel: `event:${event}`, error });
      }
    }
  }

  // ---- dialling ----

  #addTarget(address: PeerAddress): DialTarget {
    if (!Number.isInteger(address.port) || address.port < 1 || address.port > 65535) {
      throw new NetworkError(NetworkErrors.NETWORK_BAD_ADDRESS, `bad port in ${formatPeerAddress(address)}`);
    }
    if (address.publicKey !== undefined && address.publicKey.byteLength !== 32) {
      throw new NetworkError(NetworkErrors.NETWORK_BAD_ADDRESS, 'a peer public key is 32 bytes');
    }
    const existing = this.#targets.find(
      (t) => t.address.host === address.host && t.address.port === address.port,
    );
    if (existing !== undefined) return existing;
    const target: DialTarget = {
      address,
      keyHex: address.publicKey === undefined ? null : bytesToHex(address.publicKey),
      attempts: 0,
      timer: null,
      link: null,
    };
    this.#targets.push(target);
    return target;
  }

  #scheduleDial(target: DialTarget, delayMs: number): void {
    if (!this.#running || target.link !== null) return;
    if (target.timer !== null) clearTimeout(target.timer);
    target.timer = setTimeout(() => this.#dialNow(target), delayMs);
    target.timer.unref();
  }

  #backoffMs(target: DialTarget): number {
    const { initialDelayMs, maxDelayMs, multiplier, jitter } = this.options.reconnect;
    const base = Math.min(maxDelayMs, initialDelayMs * multiplier ** Math.min(target.attempts, 30));
    return Math.round(base * (1 + jitter * Math.random()));
  }

  #dialNow(target: DialTarget): void {
    target.timer = null;
    if (!this.#running || target.link !== null || !this.#targets.includes(target)) return;
    if (this.#blockEveryone) return; // unblockAll redials
    if (target.keyHex !== null) {
      if (this.#peers.has(target.keyHex) || this.#blocked.has(target.keyHex)) return; // redialled on loss/unblock
      const bannedUntil = this.#scores.bannedUntil(target.keyHex, Date.now());
      if (bannedUntil > 0) {
        this.#scheduleDial(target, bannedUntil - Date.now() + 1);
        return;
      }
    }
    const socket = connect({ host: target.address.host, port: target.address.port });
    const link = this.#createLink(socket, 'outbound', target);
    target.link = link;
    this.#targetByLink.set(link, target);
  }

  /** Dials again, without waiting for backoff, every target that names (or may name) `hex`. */
  #redialIdentity(hex: string): void {
    for (const target of this.#targets)
      if (target.keyHex === hex || target.keyHex === null) this.#redialNow(target);
  }

  #redialNow(target: DialTarget): void {
    if (target.link !== null) return;
    target.attempts = 0;
    this.#scheduleDial(target, 0);
  }

  // ---- links ----

  #onInbound(socket: Socket): void {
    if (!this.#running || this.#pending.size >= this.options.maxPendingHandshakes) {
      this.#counters.handshakesFailed += 1;
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    this.#createLink(socket, 'inbound', null);
  }

  #createLink(socket: Socket, direction: LinkDirection, target: DialTarget | null): Link {
    const link: Link = new Link({
      socket,
      direction,
      chainHash: this.#chainHash,
      nodeKey: this.options.nodeKey,
      maxFrameBytes: this.options.maxFrameBytes,
      handshakeTimeoutMs: this.options.handshakeTimeoutMs,
      pingIntervalMs: this.options.pingIntervalMs,
      idleTimeoutMs: this.options.idleTimeoutMs,
      authorize: async (remoteKey) => {
        const refusal = await this.#authorize(remoteKey, target);
        if (refusal === null) this.#admitted.set(link, bytesToHex(remoteKey));
        return refusal;
      },
      onOpen: (opened) => this.#onLinkOpen(opened),
      onFrame: (from, plaintext) => this.#onFrame(from, plaintext),
      onClose: (closed, reason, wasOpen) => this.#onLinkClose(closed, reason, wasOpen),
      onDrain: (drained) => this.#peerByLink.get(drained)?.flush(),
    });
    this.#pending.add(link);
    return link;
  }

  async #authorize(remoteKey: Uint8Array, target: DialTarget | null): Promise<DisconnectReason | null> {
    const hex = bytesToHex(remoteKey);
    if (hex === this.#selfHex) return 'self';
    if (target?.address.publicKey !== undefined && target.keyHex !== hex) return 'unexpected-key';
    const early = this.#admission(hex);
    if (early !== null) return early;
    if (!(await this.#isMember(remoteKey))) return 'not-member';
    // The world may have changed while membership was asked.
    return this.#admission(hex);
  }

  #admission(hex: string): DisconnectReason | null {
    if (!this.#running) return 'stopped';
    if (this.#isBlocked(hex)) return 'blocked';
    if (this.#scores.bannedUntil(hex, Date.now()) > 0) return 'banned';
    if (!this.#peers.has(hex)) {
      const admittedOthers = new Set([...this.#admitted.values()].filter((other) => !this.#peers.has(other)));
      admittedOthers.delete(hex);
      if (this.#peers.size + admittedOthers.size >= this.options.maxPeers) return 'too-many-peers';
    }
    return null;
  }

  async #isMember(publicKey: Uint8Array): Promise<boolean> {
    try {
      return (await this.options.isMember(publicKey)) === true;
    } catch {
      return false; // a membership lookup that fails admits no one
    }
  }

  #isBlocked(hex: string): boolean {
    return this.#blockEveryone || this.#blocked.has(hex);
  }

  /**
   * Which of two links to one identity to keep. Both ends compute the same answer: a link's dialer is known
   * at both ends, so keep the one dialled by the smaller key; if one node dialled both, keep the newer (it
   * redialled because it saw the older one fail).
   */
  #keepNewLink(existing: Link, incoming: Link): boolean {
    const remoteHex = bytesToHex(incoming.remotePublicKey!);
    const dialer = (link: Link) => (link.direction === 'outbound' ? this.#selfHex : remoteHex);
    if (dialer(existing) === dialer(incoming)) return true;
    return dialer(incoming) < dialer(existing);
  }

  #onLinkOpen(link: Link): void {
    this.#pending.delete(link);
    this.#admitted.delete(link);
    const hex = bytesToHex(link.remotePublicKey!);
    // Blocked or banned while the handshake finished: admission is checked again at the last moment.
    const refusal = this.#running
      ? this.#isBlocked(hex)
        ? 'blocked'
        : this.#scores.bannedUntil(hex, Date.now()) > 0
          ? 'banned'
          : null
      : 'stopped';
    if (refusal !== null) {
      link.close(refusal, { goodbye: true });
      return;
    }
    const target = this.#targetByLink.get(link);
    if (target !== undefined && target.keyHex === null) target.keyHex = hex;
    const existing = this.#peers.get(hex);
    if (existing !== undefined) {
      // Both ends pick the same link to keep; what the remote sent on the other before it learnt which is
      // still delivered (`drain`).
      if (!this.#keepNewLink(existing.link, link)) {
        link.close('duplicate', { goodbye: true, drain: true });
        return;
      }
      this.#peers.delete(hex); // replaced silently: the peer stays connected
      existing.link.close('duplicate', { goodbye: true, drain: true });
    }
    const peer = new Peer(link, this.#channelList, this.options.socketHighWaterBytes, Date.now());
    this.#peers.set(hex, peer);
    this.#peerByLink.set(link, peer);
    this.#counters.handshakesSucceeded += 1;
    if (existing === undefined) this.#emit('peer:connected', peer.info(this.#scores.score(hex, Date.now())));
  }

  #onLinkClose(link: Link, reason: DisconnectReason, wasOpen: boolean): void {
    this.#pending.delete(link);
    this.#admitted.delete(link);
    const hex = link.remotePublicKey === null ? null : bytesToHex(link.remotePublicKey);
    if (wasOpen && hex !== null) {
      this.#counters.linksClosed += 1;
      if (reason === 'frame-too-large') this.#penalise(hex, 'frame-too-large');
      if (reason === 'malformed-frame') this.#penalise(hex, 'malformed');
      if (this.#peers.get(hex)?.link === link) {
        this.#peers.delete(hex);
        this.#emit('peer:disconnected', { publicKey: link.remotePublicKey!, reason });
      }
    } else if (!wasOpen) {
      this.#counters.handshakesFailed += 1;
      this.#emit('peer:refused', {
        publicKey: link.remotePublicKey,
        remoteAddress: link.remoteAddress,
        direction: link.direction,
        reason: reason === 'remote-goodbye' && link.remoteReason !== null ? link.remoteReason : reason,
      });
    }
    const target = this.#targetByLink.get(link);
    if (target !== undefined && target.link === link) {
      target.link = null;
      const stable = wasOpen && Date.now() - link.openedAtMs >= STABLE_LINK_MS;
      target.attempts = stable ? 0 : target.attempts + 1;
      this.#scheduleDial(target, stable ? 0 : this.#backoffMs(target));
    }
    if (hex !== null && wasOpen && !this.#peers.has(hex)) {
      // An inbound link died: dial the identity back if it is configured.
      for (const other of this.#targets) {
        if (other !== target && other.keyHex === hex && other.link === null && other.timer === null) {
          this.#scheduleDial(other, this.#backoffMs(other));
        }
      }
    }
  }

  // ---- frames ----

  #onFrame(link: Link, plaintext: Buffer): void {
    // A frame of a link replaced by a duplicate (draining) is delivered like any: the same authenticated
    // identity sent it before it learnt of the replacement. A link refused as a duplicate at once has
    // no peer of its own: its frames count for the one kept.
    const peer = this.#peerByLink.get(link) ?? this.#peers.get(bytesToHex(link.remotePublicKey!));
    if (peer === undefined) return;
    if (plaintext[0] !== FrameType.message || plaintext.byteLength < 2) {
      this.#counters.malformedFrames += 1;
      this.#penalise(peer.publicKeyHex, 'malformed');
      return;
    }
    const channel = this.#channelsById.get(plaintext[1]!);
    if (channel === undefined) {
      this.#counters.malformedFrames += 1;
      this.#penalise(peer.publicKeyHex, 'malformed');
      return;
    }
    const counters = this.#counters.channels[channel.name]!;
    const payload = plaintext.subarray(2);
    if (payload.byteLength > channel.options.maxPayloadBytes) {
      counters.droppedOversized += 1;
      this.#penalise(peer.publicKeyHex, 'payload-too-large');
      return;
    }
    if (!peer.allowInbound(channel, payload.byteLength, Date.now())) {
      counters.droppedRateLimited += 1;
      this.#penalise(peer.publicKeyHex, 'rate-limited');
      return;
    }
    counters.receivedMessages += 1;
    counters.receivedBytes += payload.byteLength;
    // The seen-set stops relay echoes. Without relay there are none, and dropping a copy would drop a
    // peer's re-send of a message this node could not use the first time (its handler not yet registered,
    // or the message then ignored): handlers of such channels take duplicates themselves.
    if (
      channel.options.gossip &&
      channel.options.relay &&
      !this.#seen.add(this.#messageKey(channel, payload))
    ) {
      counters.duplicates += 1;
      return;
    }
    const handler = this.#handlers.get(channel.id);
    if (handler !== undefined) {
      let verdict: unknown;
      try {
        verdict = handler(peer.publicKey, payload);
      } catch (error) {
        this.#emit('handler:error', { channel: channel.name, error });
        return;
      }
      if (verdict === false) {
        this.#penalise(peer.publicKeyHex, 'invalid');
        return;
      }
    }
    if (channel.options.relay) {
      for (const other of this.#peers.values()) {
        if (other.publicKeyHex !== peer.publicKeyHex && this.#enqueue(other, channel, plaintext))
          counters.relayed += 1;
      }
    }
  }

  #penalise(hex: string, reason: PenaltyReason): void {
    const now = Date.now();
    const { score, banned } = this.#scores.penalise(hex, this.options.scoring.penalties[reason], now);
    const publicKey = this.#peers.get(hex)?.publicKey ?? Buffer.from(hex, 'hex');
    this.#emit('peer:penalised', { publicKey, reason, score });
    if (!banned) return;
    this.#counters.bans += 1;
    this.#emit('peer:banned', { publicKey, untilMs: this.#scores.bannedUntil(hex, now) });
    this.#peers.get(hex)?.link.close('banned', { goodbye: true });
  }

  #enqueue(peer: Peer, channel: ResolvedChannel, frame: Uint8Array): boolean {
    const counters = this.#counters.channels[channel.name]!;
    const result = peer.enqueue(channel, frame);
    if (result === 'dropped') {
      counters.droppedQueueFull += 1;
      return false;
    }
    if (result === 'queued-dropped-oldest') counters.droppedQueueFull += 1;
    counters.sentMessages += 1;
    counters.sentBytes += frame.byteLength - 2;
    return true;
  }

  #channel(name: string): ResolvedChannel {
    const channel = this.#channelsByName.get(name);
    if (channel === undefined) {
      throw new NetworkError(
        NetworkErrors.NETWORK_UNKNOWN_CHANNEL,
        `no channel named ${JSON.stringify(name)}`,
      );
    }
    return channel;
  }

  #channelForSend(name: string, payload: Uint8Array): ResolvedChannel {
    if (!this.#running)
      throw new NetworkError(NetworkErrors.NETWORK_NOT_STARTED, 'the network is not running');
    const channel = this.#channel(name);
    if (payload.byteLength > channel.options.maxPayloadBytes) {
      throw new NetworkError(
        NetworkErrors.NETWORK_PAYLOAD_TOO_LARGE,
        `${payload.byteLength} bytes exceed channel ${name}'s limit of ${channel.options.maxPayloadBytes}`,
        { details: { channel: name, size: payload.byteLength, limit: channel.options.maxPayloadBytes } },
      );
    }
    return channel;
  }

  #frame(channel: ResolvedChannel, payload: Uint8Array): Uint8Array {
    const frame = Buffer.allocUnsafe(payload.byteLength + 2);
    frame[0] = FrameType.message;
    frame[1] = channel.id;
    frame.set(payload, 2);
    return frame;
  }

  #messageKey(channel: ResolvedChannel, payload: Uint8Array): string {
    return createHash('sha256').update(Uint8Array.of(channel.id)).update(payload).digest('base64');
  }
}
