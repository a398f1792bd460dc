/**
 * One connected peer: its link, its bounded send queues (one per channel, drained in channel priority
 * order), and the token buckets that limit what it may send us. Counting and scoring are the network's.
 */
import { addressFromPublicKey, bytesToHex } from '@hanglian/core';
import type { LinkDirection, PeerInfo } from './interface.js';
import type { Link } from './link.js';
import type { ChannelOptions } from './options.js';
import { TokenBucket } from './tokenBucket.js';

/** A configured channel, resolved once at construction. */
export interface ResolvedChannel {
  readonly name: string;
  readonly id: number;
  readonly options: ChannelOptions;
  /** Position in the drain order: lower goes first. */
  readonly priority: number;
}

/** A FIFO whose removals from the front cost O(1) amortised. */
class FrameQueue {
  #items: Uint8Array[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: Uint8Array): void {
    this.#items.push(item);
  }

  shift(): Uint8Array | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head]!;
    this.#head += 1;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}

export type EnqueueResult = 'queued' | 'queued-dropped-oldest' | 'dropped';

interface InboundLimit {
  readonly messages: TokenBucket;
  readonly bytes: TokenBucket;
}

export class Peer {
  readonly link: Link;
  readonly publicKey: Uint8Array;
  readonly publicKeyHex: string;
  readonly #queues: FrameQueue[];
  readonly #channels: readonly ResolvedChannel[];
  readonly #inboundLimits = new Map<number, InboundLimit>();
  readonly #socketHighWaterBytes: number;

  constructor(link: Link, channels: readonly ResolvedChannel[], socketHighWaterBytes: number, nowMs: number) {
    this.link = link;
    this.publicKey = link.remotePublicKey!;
    this.publicKeyHex = bytesToHex(this.publicKey);
    this.#channels = channels;
    this.#queues = channels.map(() => new FrameQueue());
    this.#socketHighWaterBytes = socketHighWaterBytes;
    for (const channel of channels) {
      const limit = channel.options.rateLimit;
      if (limit === null) continue;
      this.#inboundLimits.set(channel.id, {
        messages: new TokenBucket(limit.messagesPerSecond, limit.burstMessages, nowMs),
        bytes: new TokenBucket(limit.bytesPerSecond, limit.burstBytes, nowMs),
      });
    }
  }

  get direction(): LinkDirection {
    return this.link.direction;
  }

  info(score: number): PeerInfo {
    return {
      publicKey: this.publicKey,
      address: addressFromPublicKey(this.publicKey),
      direction: this.link.direction,
      remoteAddress: this.link.remoteAddress,
      remotePort: this.link.remotePort,
      connectedAtMs: this.link.openedAtMs,
      score,
    };
  }

  /** Whether this peer may send us one more message of `bytes` on `channel` right now. */
  allowInbound(channel: ResolvedChannel, bytes: number, nowMs: number): boolean {
    const limit = this.#inboundLimits.get(channel.id);
    if (limit === undefined) return true;
    // Check messages first so a refused message does not also consume byte tokens.
    return limit.messages.tryTake(1, nowMs) && limit.bytes.tryTake(bytes, nowMs);
  }

  /** Queues one frame plaintext and writes what the socket takes; never blocks. */
  enqueue(channel: ResolvedChannel, frame: Uint8Array): EnqueueResult {
    const queue = this.#queues[channel.priority]!;
    let result: EnqueueResult = 'queued';
    if (queue.length >= channel.options.maxQueuedMessages) {
      // Gossip: the newest message is the most useful (the oldest vote or tx is likely stale or seen by
      // then). Direct: the caller asked for this exact message, so it is told it was not taken.
      if (!channel.options.gossip) return 'dropped';
      queue.shift();
      result = 'queued-dropped-oldest';
    }
    queue.push(frame);
    this.flush();
    return result;
  }

  /** Moves queued frames into the socket until its buffer reaches the high-water mark. */
  flush(): void {
    while (this.link.isOpen && this.link.writableLength < this.#socketHighWaterBytes) {
      const frame = this.#nextFrame();
      if (frame === undefined) return;
      this.link.send(frame);
    }
  }

  queuedMessages(): Record<string, number> {
    const out: Record<string, number> = {};
    this.#channels.forEach((channel, i) => {
      out[channel.name] = this.#queues[i]!.length;
    });
    return out;
  }

  #nextFrame(): Uint8Array | undefined {
    for (const queue of this.#queues) {
      const frame = queue.shift();
      if (frame !== undefined) return frame;
    }
    return undefined;
  }
}
