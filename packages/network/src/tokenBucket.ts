/**
 * A token bucket: `ratePerSecond` tokens flow in continuously up to `capacity`; taking more than is there
 * fails without taking anything. Time is passed in, so tests need no clock.
 */
export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #capacity: number;
  #tokens: number;
  #updatedAtMs: number;

  constructor(ratePerSecond: number, capacity: number, nowMs: number) {
    this.#ratePerMs = ratePerSecond / 1000;
    this.#capacity = capacity;
    this.#tokens = capacity;
    this.#updatedAtMs = nowMs;
  }

  tryTake(amount: number, nowMs: number): boolean {
    const elapsed = nowMs - this.#updatedAtMs;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.#capacity, this.#tokens + elapsed * this.#ratePerMs);
      this.#updatedAtMs = nowMs;
    }
    if (amount > this.#tokens) return false;
    this.#tokens -= amount;
    return true;
  }
}
