/**
 * The gossip seen-set: message hashes remembered so a message arriving again soon after — an echo, a
 * relayed copy, the same message from another peer — is handled and forwarded once. Entries expire after
 * `ttlMs`: a message sent again later is delivered again, because the sender means it (the consensus driver
 * re-sends its own votes every second for peers that dropped them, e.g. while they were at an earlier
 * height; remembering them for good would make such a peer deaf to them). Bounded by count too, oldest
 * first out. Handlers are idempotent, so a late duplicate costs one delivery, never a loop: echoes come
 * round in milliseconds, well inside the time to live.
 */
export class SeenCache {
  readonly #capacity: number;
  readonly #ttlMs: number;
  /** Key → when it was (last) seen; insertion order is age order. */
  readonly #keys = new Map<string, number>();

  constructor(capacity: number, ttlMs: number) {
    this.#capacity = capacity;
    this.#ttlMs = ttlMs;
  }

  get size(): number {
    return this.#keys.size;
  }

  has(key: string, now: number): boolean {
    const seen = this.#keys.get(key);
    return seen !== undefined && now - seen < this.#ttlMs;
  }

  /** Records `key` as seen at `now`; returns false when it was seen less than the time to live ago. */
  add(key: string, now: number): boolean {
    const seen = this.#keys.get(key);
    if (seen !== undefined && now - seen < this.#ttlMs) return false;
    if (seen !== undefined) this.#keys.delete(key);
    else if (this.#keys.size >= this.#capacity) {
      const oldest = this.#keys.keys().next().value;
      if (oldest !== undefined) this.#keys.delete(oldest);
    }
    this.#keys.set(key, now);
    return true;
  }
}
