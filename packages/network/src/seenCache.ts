/**
 * The gossip seen-set: message hashes remembered so a relayed message is handled and forwarded once.
 * Bounded by count, oldest first out: a message older than the last `capacity` ones may be accepted again,
 * which costs one duplicate delivery (handlers are idempotent), never a loop, because every node forgets
 * at a different point.
 */
export class SeenCache {
  readonly #capacity: number;
  readonly #keys = new Set<string>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#keys.size;
  }

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  /** Records `key`; returns false when it was already there. */
  add(key: string): boolean {
    if (this.#keys.has(key)) return false;
    if (this.#keys.size >= this.#capacity) {
      const oldest = this.#keys.values().next().value;
      if (oldest !== undefined) this.#keys.delete(oldest);
    }
    this.#keys.add(key);
    return true;
  }
}
