/**
 * How many transactions one client address may submit per window, however it sends them. The API's rate
 * limit counts requests, and a `POST /v1/txs/batch` carries up to 256 transactions: without this a client
 * within the request limit could make the node decode (and, below the backlog, verify) 256 times as many
 * transactions as the limit means. Fixed windows per address, like the request limit's, with the same
 * maximum and window (`api.rateLimit`).
 */
export interface TxBudgetGrant {
  /** How many of those asked for may go ahead (the first ones, in order). */
  readonly granted: number;
  /** When the address's window ends, in ms from now: when to send the rest. */
  readonly retryAfterMs: number;
}

/**
 * Addresses kept at most. At this many, windows that ended are swept out, and if all are still running the
 * address seen first is dropped (it starts a new window: lenient, as the request limit's own LRU of
 * addresses is), so that many client addresses cannot grow the node's memory without bound.
 */
export const TX_BUDGET_ADDRESSES = 10_000;

export class TxBudget {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #windows = new Map<string, { start: number; used: number }>();

  constructor(max: number, windowMs: number, now: () => number = Date.now) {
    this.#max = max;
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** Takes up to `count` transactions from `address`'s budget; says how many were granted. */
  take(address: string, count: number): TxBudgetGrant {
    const now = this.#now();
    let window = this.#windows.get(address);
    if (window === undefined || now - window.start >= this.#windowMs) {
      if (window === undefined && this.#windows.size >= TX_BUDGET_ADDRESSES) this.#makeRoom(now);
      window = { start: now, used: 0 };
      this.#windows.set(address, window);
    }
    const granted = Math.max(0, Math.min(count, this.#max - window.used));
    window.used += granted;
    return { granted, retryAfterMs: Math.max(1, window.start + this.#windowMs - now) };
  }

  /** Addresses with a window kept. */
  get addresses(): number {
    return this.#windows.size;
  }

  #makeRoom(now: number): void {
    for (const [address, window] of this.#windows)
      if (now - window.start >= this.#windowMs) this.#windows.delete(address);
    // The first in the map's order is the address seen first (a window renewed in place keeps its place).
    if (this.#windows.size >= TX_BUDGET_ADDRESSES) {
      const oldest = this.#windows.keys().next().value;
      if (oldest !== undefined) this.#windows.delete(oldest);
    }
  }
}
