/**
 * What the consensus driver and the mempool need from the network: channels of opaque bytes to and from
 * member peers. The network package provides the real one (authenticated, encrypted TCP links);
 * `LoopbackHub` connects nodes in one process for tests.
 */
export type Channel = 'consensus' | 'sync' | 'tx' | 'peers';

/** Messages dropped on one channel for one reason, counted since the transport started. */
export interface DroppedMessages {
  readonly channel: string;
  /** `queue-full`: a send queue at its bound; `rate-limited`: a peer over its inbound limit; `oversized`. */
  readonly reason: 'queue-full' | 'rate-limited' | 'oversized';
  readonly count: number;
}

/** Handles one message; returning false says the peer sent garbage (the network lowers its score). */
export type MessageHandler = (peer: string, payload: Uint8Array) => boolean | undefined;

export interface PeerTransport {
  /** Sends to every connected peer. */
  broadcast(channel: Channel, payload: Uint8Array): void;
  /** Sends to one peer (by its public key hex); dropped when it is not connected. */
  send(peer: string, channel: Channel, payload: Uint8Array): void;
  /** Registers the one handler of a channel. */
  onMessage(channel: Channel, handler: MessageHandler): void;
  /** Lowers a peer's score for something only the node can judge (a block that fails its certificate). */
  penalise?(peer: string): void;
  /** Public keys (hex) of the peers connected now. */
  peers(): string[];
  /** Messages dropped so far, by channel and reason. Only a real network drops messages. */
  dropped?(): DroppedMessages[];
  /** Asks again whether each linked peer is still a member, and drops those that are not (after revocations). */
  revalidate(): void;
  /** Cuts every link and refuses new ones until `restore` (an operator's tool, and the fault tests'). */
  isolate(): void;
  restore(): void;
  close(): Promise<void>;
}

/** A transport with no peers: a single-validator chain. */
export class NoPeers implements PeerTransport {
  broadcast(): void {}
  send(): void {}
  onMessage(): void {}
  peers(): string[] {
    return [];
  }
  revalidate(): void {}
  isolate(): void {}
  restore(): void {}
  async close(): Promise<void> {}
}

/** Connects transports in one process; messages are delivered asynchronously, as a network would. */
export class LoopbackHub {
  readonly #members = new Map<string, Map<Channel, MessageHandler>>();
  readonly #cut = new Set<string>();

  connect(id: string): PeerTransport {
    const handlers = new Map<Channel, MessageHandler>();
    this.#members.set(id, handlers);
    const deliver = (to: string, channel: Channel, payload: Uint8Array) => {
      if (this.#cut.has(id) || this.#cut.has(to)) return;
      const handler = this.#members.get(to)?.get(channel);
      if (handler !== undefined) setImmediate(() => void handler(id, payload));
    };
    return {
      broadcast: (channel, payload) => {
        for (const to of this.#members.keys()) if (to !== id) deliver(to, channel, payload);
      },
      send: (to, channel, payload) => deliver(to, channel, payload),
      onMessage: (channel, handler) => {
        handlers.set(channel, handler);
      },
      peers: () =>
        [...this.#members.keys()].filter((p) => p !== id && !this.#cut.has(p) && !this.#cut.has(id)),
      revalidate: () => {},
      isolate: () => this.setCut(id, true),
      restore: () => this.setCut(id, false),
      close: async () => {
        this.#members.delete(id);
      },
    };
  }

  /** Cuts (or restores) every link of one member. */
  setCut(id: string, cut: boolean): void {
    if (cut) this.#cut.add(id);
    else this.#cut.delete(id);
  }
}
