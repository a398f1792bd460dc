/**
 * Member nodes tell each other where they listen, so that every node comes to link with every other one
 * it was not told of at start. Consensus messages are not relayed from peer to peer: a validator must
 * reach every other validator directly, and a member that joins a running chain knows only the addresses
 * its inviter gave it (with two of four, the joiner's first proposal reached two validators and the height
 * was decided in round 1). In the manner of CometBFT's peer exchange, reduced to a consortium's needs:
 *
 * - On every new link a node sends its own listen address (`self`) and the addresses its linked peers
 *   announced for themselves (`known`).
 * - A node that learns a peer's own address for the first time (or a changed one) passes it on to its
 *   other peers, once: first-hand addresses spread, second-hand ones are only used.
 * - An address is dialled only for a key that is an active member node (the handshake checks it again),
 *   never for one already linked or this node's own, and with the key required of whoever answers.
 *
 * A message is one small JSON document; anything malformed or oversized is refused (the network lowers
 * the sender's score). A network that must not find its own links (the fault campaign, whose links go
 * through proxies it controls) runs with the exchange off.
 */
import { bytesToHex, hexToBytes, utf8 } from '@hanglian/core';
import { formatPeerAddress, type Network, parsePeerAddress } from '@hanglian/network';

/** At most this many addresses in one message, and this many remembered. */
export const PEER_EXCHANGE_MAX_ENTRIES = 64;
const MAX_BOOK_ENTRIES = 1_000;
const KEY_PATTERN = /^[0-9a-f]{64}$/;
/**
 * How often a linked peer not heard from on this channel is greeted again. A node of an older release
 * scores each as garbage (25 points) and forgives a point a second: once a minute stays far from a ban.
 */
const REGREET_MS = 60_000;

interface PeerEntry {
  readonly key: string;
  readonly address: string;
}

interface PeerMessage {
  readonly v: 1;
  readonly self?: string;
  readonly known: readonly PeerEntry[];
}

/** Parses `host:port` strictly; undefined for anything else. */
function addressOf(text: unknown): { host: string; port: number } | undefined {
  if (typeof text !== 'string' || text.length > 300 || text.includes('@')) return undefined;
  try {
    const parsed = parsePeerAddress(text);
    if (!(parsed.port > 0 && parsed.port < 65_536) || parsed.host.length === 0) return undefined;
    // A wildcard says nothing about where the node is reached.
    if (parsed.host === '0.0.0.0' || parsed.host === '::') return undefined;
    return { host: parsed.host, port: parsed.port };
  } catch {
    return undefined;
  }
}

/** Decodes and checks a message; undefined when it is not one. */
export function decodePeerMessage(payload: Uint8Array): PeerMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { v, self, known } = value as Record<string, unknown>;
  if (v !== 1 || !Array.isArray(known) || known.length > PEER_EXCHANGE_MAX_ENTRIES) return undefined;
  if (self !== undefined && addressOf(self) === undefined) return undefined;
  const entries: PeerEntry[] = [];
  for (const entry of known) {
    if (typeof entry !== 'object' || entry === null) return undefined;
    const { key, address } = entry as Record<string, unknown>;
    if (typeof key !== 'string' || !KEY_PATTERN.test(key) || addressOf(address) === undefined)
      return undefined;
    entries.push({ key, address: address as string });
  }
  return { v: 1, ...(self === undefined ? {} : { self: self as string }), known: entries };
}

export function encodePeerMessage(message: PeerMessage): Uint8Array {
  return utf8(JSON.stringify(message));
}

export interface PeerExchangeOptions {
  readonly network: Network;
  /** This node's key (hex): never dialled. */
  readonly ownKey: string;
  /** Where this node listens, as others reach it; undefined: it announces nothing of itself. */
  readonly advertise: string | undefined;
  /** Whether a key is an active member node's now (only those are dialled). */
  readonly isMemberNode: (key: Uint8Array) => boolean;
}

export class PeerExchange {
  /** Each peer's own announced address, by key (hex). */
  readonly #book = new Map<string, string>();
  /** Keys already handed to the network to dial (it redials them whenever their link is down), and where. */
  readonly #dialled = new Map<string, { host: string; port: number }>();
  /**
   * Peers that sent a well-formed message: only they get updates. A node of an older release has no
   * such channel and scores every message on it as garbage; it gets one greeting per link, well below
   * what bans a peer.
   */
  readonly #speaks = new Set<string>();
  readonly #o: PeerExchangeOptions;
  counts = { received: 0, refused: 0, dialled: 0 };

  readonly #timer: NodeJS.Timeout;

  constructor(options: PeerExchangeOptions) {
    if (options.advertise !== undefined && addressOf(options.advertise) === undefined)
      throw new RangeError(`cannot announce ${options.advertise}: not a HOST:PORT others can dial`);
    this.#o = options;
    // Peers not heard from yet (their greeting, or ours, was lost) are greeted again now and then.
    this.#timer = setInterval(() => {
      for (const peer of this.#linked()) if (!this.#speaks.has(peer)) this.#greet(peer);
    }, REGREET_MS);
    this.#timer.unref();
    options.network.on('peer:connected', (info) => this.#greet(bytesToHex(info.publicKey)));
    // A peer that reconnects may run another release: it proves again that it speaks the exchange.
    options.network.on('peer:disconnected', (info) => this.#speaks.delete(bytesToHex(info.publicKey)));
    options.network.handle('peers', (publicKey, payload) => this.#onMessage(bytesToHex(publicKey), payload));
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /**
   * Forgets what it learnt of identities that are no longer member nodes (revoked, suspended, their node
   * key rotated): the network stops redialling them and they are passed on to nobody. Called with the
   * network's own revalidation, at the commit that changes the membership.
   */
  revalidate(): number {
    let forgotten = 0;
    for (const [key, where] of this.#dialled) {
      if (this.#o.isMemberNode(hexToBytes(key))) continue;
      this.#o.network.forget(where);
      this.#dialled.delete(key);
      forgotten++;
    }
    for (const key of [...this.#book.keys()])
      if (!this.#o.isMemberNode(hexToBytes(key))) this.#book.delete(key);
    return forgotten;
  }

  /** The addresses peers announced for themselves, by key (hex). */
  get book(): ReadonlyMap<string, string> {
    return this.#book;
  }

  #linked(): Set<string> {
    return new Set(this.#o.network.peers().map((p) => bytesToHex(p.publicKey)));
  }

  /** A new link: tells the peer where this node listens and where the others linked to it do. */
  #greet(peer: string): void {
    const known: PeerEntry[] = [];
    const linked = this.#linked();
    for (const [key, address] of this.#book) {
      if (key === peer || !linked.has(key)) continue;
      known.push({ key, address });
      if (known.length === PEER_EXCHANGE_MAX_ENTRIES) break;
    }
    const message: PeerMessage = {
      v: 1,
      ...(this.#o.advertise === undefined ? {} : { self: this.#o.advertise }),
      known,
    };
    this.#o.network.send(hexToBytes(peer), 'peers', encodePeerMessage(message));
  }

  #onMessage(peer: string, payload: Uint8Array): boolean {
    const message = decodePeerMessage(payload);
    if (message === undefined) {
      this.counts.refused++;
      return false;
    }
    this.counts.received++;
    const first = !this.#speaks.has(peer);
    this.#speaks.add(peer);
    // Its first word on this link: greet it back. Two nodes that dial each other at once keep one of the
    // two links, and a greeting sent on the other is lost with it.
    if (first && message.self !== undefined) this.#greet(peer);
    if (message.self !== undefined && this.#book.get(peer) !== message.self) {
      if (this.#book.size < MAX_BOOK_ENTRIES || this.#book.has(peer)) {
        this.#book.set(peer, message.self);
        // First-hand: passed on once to every other peer, so those not linked to it can dial it.
        const update = encodePeerMessage({ v: 1, known: [{ key: peer, address: message.self }] });
        for (const other of this.#linked())
          if (other !== peer && this.#speaks.has(other))
            this.#o.network.send(hexToBytes(other), 'peers', update);
      }
    }
    const linked = this.#linked();
    for (const { key, address } of message.known) {
      if (key === this.#o.ownKey || linked.has(key) || this.#dialled.has(key)) continue;
      const publicKey = hexToBytes(key);
      if (!this.#o.isMemberNode(publicKey)) continue;
      const where = addressOf(address)!;
      this.#dialled.set(key, where);
      this.counts.dialled++;
      this.#o.network.dial({ ...where, publicKey });
    }
    return true;
  }
}

/** `host:port` of a listen address, for announcing (undefined for a wildcard address). */
export function advertisedAddress(listen: { host: string; port: number } | null): string | undefined {
  if (listen === null) return undefined;
  const text = formatPeerAddress({ host: listen.host, port: listen.port });
  return addressOf(text) === undefined ? undefined : text;
}
