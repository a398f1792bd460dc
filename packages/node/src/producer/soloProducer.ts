/**
 * The solo block producer: a one-validator chain's stand-in for consensus. It proposes a block whenever
 * transactions are waiting (at most one block per `minBlockIntervalMs`), and an empty block every
 * `emptyBlockIntervalMs` so that time, and every deadline that depends on it, keeps moving. With one
 * validator, its own precommit signature is the whole commit certificate.
 */
import { type Commit, type SigningKey, signVote, VOTE_PRECOMMIT } from '@hanglian/core';

export interface ProducerTiming {
  readonly minBlockIntervalMs: number;
  readonly emptyBlockIntervalMs: number;
}

export const defaultProducerTiming: ProducerTiming = { minBlockIntervalMs: 20, emptyBlockIntervalMs: 1_000 };

/** Signs the single-validator commit certificate of a block. */
export function soloCommit(chainId: string, height: number, blockHash: Uint8Array, key: SigningKey): Commit {
  const signature = signVote({ chainId, type: VOTE_PRECOMMIT, height, round: 0, blockHash }, key);
  return { height, round: 0, blockHash, signatures: [{ validator: key.publicKey, signature }] };
}

/** Decides when the next block is due; the node calls `produce` at those moments. */
export class SoloScheduler {
  readonly #timing: ProducerTiming;
  readonly #produce: () => boolean;
  readonly #hasWork: () => boolean;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #lastBlockAt = 0;
  #running = false;

  constructor(args: {
    timing: ProducerTiming;
    produce: () => boolean;
    hasWork: () => boolean;
    now: () => number;
  }) {
    this.#timing = args.timing;
    this.#produce = args.produce;
    this.#hasWork = args.hasWork;
    this.#now = args.now;
  }

  start(): void {
    this.#running = true;
    this.#lastBlockAt = this.#now();
    this.#schedule(this.#timing.emptyBlockIntervalMs);
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Called when a transaction arrives: bring the next block forward if it is only waiting for work. */
  poke(): void {
    if (!this.#running || this.#timer === undefined) return;
    const since = this.#now() - this.#lastBlockAt;
    this.#schedule(Math.max(0, this.#timing.minBlockIntervalMs - since));
  }

  #schedule(delayMs: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tick(), delayMs);
  }

  #tick(): void {
    this.#timer = undefined;
    if (!this.#running) return;
    const since = this.#now() - this.#lastBlockAt;
    let failed = false;
    if (this.#hasWork() || since >= this.#timing.emptyBlockIntervalMs) {
      this.#lastBlockAt = this.#now();
      failed = !this.#produce();
    }
    if (!this.#running) return;
    // After a failure, wait a whole empty-block interval: retrying at once would only repeat the error.
    const nextDelay =
      this.#hasWork() && !failed ? this.#timing.minBlockIntervalMs : this.#timing.emptyBlockIntervalMs;
    this.#schedule(nextDelay);
  }
}
