/**
 * Block sync, the asking side: how a node that fell behind fetches decided blocks with their commit
 * certificates from its peers, without letting any one peer poison or stall it.
 *
 * - Only answers to requests this node made are taken: each peer has at most one request outstanding, and
 *   an answer must hold consecutive heights from the first one asked. Anything else is dropped unread.
 * - Each block is checked on arrival against its certificate's block hash, and its body against its header
 *   (transaction count and root, previous-commit hash): a peer cannot pair a genuine, public certificate
 *   with other bytes. The certificate's signatures are checked by the driver against the validator set of
 *   the height before the machine sees it (the set of a later height is known only once the chain is there).
 * - A peer whose answer fails is benched (not asked for a while) and its buffered blocks are dropped; the
 *   range is asked of another peer. Nothing a peer sends can halt the node.
 * - The buffer is bounded: heights up to `maxAheadBlocks` past the chain, and `maxBufferedBytes` in all.
 */

import type { CommitCertificate } from '@hanglian/consensus';
import {
  type Block,
  blockCodec,
  blockHash,
  bytesEqual,
  bytesToHex,
  commitCodec,
  commitHash,
  merkleListRoot,
} from '@hanglian/core';
import { eventLoopScheduler, type Scheduler, type TimerHandle } from '../consensus/scheduler.js';
import type { PeerTransport } from '../consensus/transport.js';
import type { Logger } from '../logger.js';
import { SYNC_BATCH_BLOCKS, syncWireCodec } from './wire.js';

export interface BlockSyncOptions {
  readonly transport: PeerTransport;
  readonly chainId: string;
  /** The height of the latest committed block. */
  readonly height: () => number;
  readonly logger: Logger;
  /** Called when a block for the next height has been buffered. */
  readonly onBlock: () => void;
  readonly clock?: () => number;
  /** Timers (default: the event loop's). */
  readonly scheduler?: Scheduler;
  /** Heights past the chain's that may be asked for and buffered (default 200). */
  readonly maxAheadBlocks?: number;
  /** Bytes of buffered blocks (default 64 MiB); the block for the next height is always let in. */
  readonly maxBufferedBytes?: number;
  /** A request not answered within this is given up and asked elsewhere (default 10 s). */
  readonly requestTimeoutMs?: number;
  /** How long a peer whose answer failed is not asked (default 30 s). */
  readonly benchMs?: number;
}

/** A block learnt from a peer, its bytes checked against its certificate's hash. */
export interface SyncedBlock {
  readonly height: number;
  readonly peer: string;
  readonly certificate: CommitCertificate;
  readonly payload: Uint8Array;
}

interface Outstanding {
  readonly from: number;
  readonly count: number;
  readonly timer: TimerHandle;
}

export class BlockSync {
  readonly #o: BlockSyncOptions;
  readonly #clock: () => number;
  readonly #scheduler: Scheduler;
  readonly #maxAhead: number;
  readonly #maxBytes: number;
  /** Peers' last announced (or shown) heights. */
  readonly #peerHeights = new Map<string, number>();
  readonly #outstanding = new Map<string, Outstanding>();
  readonly #buffer = new Map<number, SyncedBlock>();
  #bufferedBytes = 0;
  readonly #benchedUntil = new Map<string, number>();
  /** Rotates the first peer tried, so requests spread over peers. */
  #turn = 0;
  #stopped = false;
  /** Counters for tests and metrics. */
  readonly stats = {
    requests: 0,
    accepted: 0,
    unsolicited: 0,
    rejectedAnswers: 0,
    rejectedBlocks: 0,
    timeouts: 0,
  };

  constructor(options: BlockSyncOptions) {
    this.#o = options;
    this.#clock = options.clock ?? Date.now;
    this.#scheduler = options.scheduler ?? eventLoopScheduler;
    this.#maxAhead = options.maxAheadBlocks ?? 200;
    this.#maxBytes = options.maxBufferedBytes ?? 64 * 1024 * 1024;
  }

  get peerHeights(): ReadonlyMap<string, number> {
    return this.#peerHeights;
  }

  get bufferedBytes(): number {
    return this.#bufferedBytes;
  }

  get bufferedHeights(): number[] {
    return [...this.#buffer.keys()].sort((a, b) => a - b);
  }

  stop(): void {
    this.#stopped = true;
    for (const o of this.#outstanding.values()) this.#scheduler.clearTimeout(o.timer);
    this.#outstanding.clear();
    this.#buffer.clear();
    this.#bufferedBytes = 0;
  }

  /** A peer says (status) or shows (a consensus message of a later height) that it has `height`. */
  peerHas(peer: string, height: number, announced: boolean): void {
    const known = this.#peerHeights.get(peer);
    if (announced || known === undefined || height > known) this.#peerHeights.set(peer, height);
    this.fill();
  }

  /** Whether a block for `height` is buffered. */
  has(height: number): boolean {
    return this.#buffer.has(height);
  }

  /** The buffered block for `height`, if any (it stays buffered until `committed` or `reject`). */
  take(height: number): SyncedBlock | undefined {
    return this.#buffer.get(height);
  }

  /** The chain committed up to `height`: drop what is no longer needed and ask for more. */
  committed(height: number): void {
    for (const h of [...this.#buffer.keys()]) if (h <= height) this.#drop(h);
    this.fill();
  }

  /**
   * The driver found `block` bad (its certificate does not verify): the peer that sent it is benched, all
   * it sent is dropped, and the heights are asked of another peer.
   */
  reject(block: SyncedBlock, reason: string): void {
    this.stats.rejectedBlocks += 1;
    this.#o.logger.warn(
      { peer: block.peer.slice(0, 12), height: block.height, reason },
      'synced block rejected',
    );
    this.#bench(block.peer);
    this.#o.transport.penalise?.(block.peer);
    this.fill();
  }

  /** Handles a `blocks` answer; returns false (the network lowers the peer's score) when it is bad. */
  onBlocks(peer: string, items: ReadonlyArray<{ block: Uint8Array; commit: Uint8Array }>): boolean {
    if (this.#stopped) return true;
    const request = this.#outstanding.get(peer);
    if (request === undefined) {
      // Not asked (or asked too long ago): never taken, whatever it holds.
      this.stats.unsolicited += 1;
      return true;
    }
    this.#scheduler.clearTimeout(request.timer);
    this.#outstanding.delete(peer);
    if (items.length > request.count) return this.#refuse(peer, 'more blocks than asked');
    const checked: SyncedBlock[] = [];
    for (let i = 0; i < items.length; i++) {
      const height = request.from + i;
      const item = items[i]!;
      let failure: string | undefined;
      try {
        const commit = commitCodec.decode(item.commit);
        const block = blockCodec.decode(item.block);
        failure = checkBlock(block, commit.height, commit.blockHash, height, this.#o.chainId);
        if (failure === undefined) {
          checked.push({
            height,
            peer,
            payload: item.block,
            certificate: {
              height: commit.height,
              round: commit.round,
              blockHash: bytesToHex(commit.blockHash),
              signatures: commit.signatures.map((s) => ({
                validator: bytesToHex(s.validator),
                signature: s.signature,
              })),
            },
          });
        }
      } catch (error) {
        failure = `undecodable: ${(error as Error).message}`;
      }
      if (failure !== undefined) return this.#refuse(peer, `block ${height}: ${failure}`);
    }
    if (items.length < request.count) {
      // It has no more than this: do not ask it past what it has until it announces more.
      this.#peerHeights.set(
        peer,
        Math.min(this.#peerHeights.get(peer) ?? 0, request.from + items.length - 1),
      );
    }
    const next = this.#o.height() + 1;
    let forNext = false;
    for (const block of checked) {
      if (block.height < next || block.height >= next + this.#maxAhead || this.#buffer.has(block.height))
        continue;
      if (block.height !== next && this.#bufferedBytes + block.payload.byteLength > this.#maxBytes) break;
      this.#buffer.set(block.height, block);
      this.#bufferedBytes += block.payload.byteLength;
      this.stats.accepted += 1;
      if (block.height === next) forNext = true;
    }
    this.fill();
    if (forNext) this.#o.onBlock();
    return true;
  }

  /** Sends requests for the heights not buffered nor asked, to peers that have them, one request per peer. */
  fill(): void {
    if (this.#stopped) return;
    const next = this.#o.height() + 1;
    const last = next + this.#maxAhead - 1;
    const now = this.#clock();
    const asked = new Set<number>();
    for (const o of this.#outstanding.values()) for (let h = o.from; h < o.from + o.count; h++) asked.add(h);
    const peers = [...this.#peerHeights.entries()].filter(
      ([peer, height]) =>
        height >= next && !this.#outstanding.has(peer) && (this.#benchedUntil.get(peer) ?? 0) <= now,
    );
    if (peers.length === 0) return;
    this.#turn = (this.#turn + 1) % peers.length;
    const ordered = [...peers.slice(this.#turn), ...peers.slice(0, this.#turn)];
    let from = next;
    for (const [peer, peerHeight] of ordered) {
      while (from <= last && (this.#buffer.has(from) || asked.has(from))) from++;
      if (from > last) return;
      // Past the byte budget only the next height is asked (it is always let in).
      if (from !== next && this.#bufferedBytes >= this.#maxBytes) return;
      if (peerHeight < from) continue;
      let count = 0;
      while (
        count < SYNC_BATCH_BLOCKS &&
        from + count <= Math.min(last, peerHeight) &&
        !this.#buffer.has(from + count) &&
        !asked.has(from + count)
      )
        count++;
      this.#request(peer, from, count);
      for (let h = from; h < from + count; h++) asked.add(h);
      from += count;
    }
  }

  #request(peer: string, from: number, count: number): void {
    const timer = this.#scheduler.setTimeout(() => {
      if (this.#outstanding.get(peer)?.timer !== timer) return;
      this.#outstanding.delete(peer);
      this.stats.timeouts += 1;
      // A peer that does not answer is asked nothing for a while (what it sent before stays): another will be.
      this.#bench(peer, (this.#o.benchMs ?? 30_000) / 3, false);
      this.fill();
    }, this.#o.requestTimeoutMs ?? 10_000);
    (timer as { unref?: () => void }).unref?.();
    this.#outstanding.set(peer, { from, count, timer });
    this.stats.requests += 1;
    this.#o.transport.send(peer, 'sync', syncWireCodec.encode({ kind: 'blocks-request', from, count }));
  }

  #refuse(peer: string, reason: string): false {
    this.stats.rejectedAnswers += 1;
    this.#o.logger.warn({ peer: peer.slice(0, 12), reason }, 'sync answer refused');
    this.#bench(peer);
    this.fill();
    return false;
  }

  #bench(peer: string, ms = this.#o.benchMs ?? 30_000, dropItsBlocks = true): void {
    this.#benchedUntil.set(peer, this.#clock() + ms);
    if (!dropItsBlocks) return;
    for (const [h, block] of [...this.#buffer]) if (block.peer === peer) this.#drop(h);
  }

  #drop(height: number): void {
    const block = this.#buffer.get(height);
    if (block === undefined) return;
    this.#buffer.delete(height);
    this.#bufferedBytes -= block.payload.byteLength;
  }
}

/** Why `block` is not the block a certificate for (`height`, `hash`) decided, or undefined if it is. */
function checkBlock(
  block: Block,
  certifiedHeight: number,
  certifiedHash: Uint8Array,
  askedHeight: number,
  chainId: string,
): string | undefined {
  const h = block.header;
  if (certifiedHeight !== askedHeight || h.height !== askedHeight) return 'not the height asked';
  if (h.chainId !== chainId) return 'another chain';
  if (!bytesEqual(blockHash(h), certifiedHash)) return 'the header does not hash to the certified block';
  if (h.txCount !== block.txs.length) return 'txCount does not match';
  if (!bytesEqual(merkleListRoot(block.txs), h.txRoot)) return 'the transactions do not match the header';
  if (!bytesEqual(commitHash(block.lastCommit), h.lastCommitHash))
    return 'the previous commit does not match';
  return undefined;
}
