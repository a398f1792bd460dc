// Records keyed by a hash (a transaction id, a block hash), gathered in memory and handed back in key order:
// how a bulk import writes an index whose keys arrive in random order. Inserted as they come, in batches,
// each batch rewrites (copy on write) most of the index's pages, so the cost of a batch grows with the
// index: 7 µs per insert at 1 million entries, 41 µs at 6 million on the reference machine, loaded. Written
// once, in key order, into an empty sub-database, every record is appended to a fresh page instead.

import { HASH_LENGTH } from '@hanglian/core';
import { orderByHash } from '../hashOrder.js';

/** Records per chunk of memory: chunks are never copied as the run grows. */
const CHUNK = 2 ** 20;
export class HashKeyedRun {
  readonly valueLength: number;
  readonly #recordLength: number;
  readonly #chunks: Buffer[] = [];
  #count = 0;

  /** Every value of the run has `valueLength` bytes (a location, a height). */
  constructor(valueLength: number) {
    this.valueLength = valueLength;
    this.#recordLength = HASH_LENGTH + valueLength;
  }

  get size(): number {
    return this.#count;
  }

  /** Bytes held: 32 + valueLength per record, in chunks of a million. */
  get bytes(): number {
    return this.#chunks.length * CHUNK * this.#recordLength;
  }

  add(key: Uint8Array, value: Uint8Array): void {
    if (key.length !== HASH_LENGTH || value.length !== this.valueLength)
      throw new RangeError(`a hash-keyed record is ${HASH_LENGTH} + ${this.valueLength} bytes`);
    const at = this.#count % CHUNK;
    if (at === 0) this.#chunks.push(Buffer.allocUnsafe(CHUNK * this.#recordLength));
    const chunk = this.#chunks[this.#chunks.length - 1]!;
    chunk.set(key, at * this.#recordLength);
    chunk.set(value, at * this.#recordLength + HASH_LENGTH);
    this.#count++;
  }

  #record(i: number): Buffer {
    const chunk = this.#chunks[Math.floor(i / CHUNK)]!;
    const at = (i % CHUNK) * this.#recordLength;
    return chunk.subarray(at, at + this.#recordLength);
  }

  /**
   * The records in ascending key order, as [key, value] views into the run's memory; of equal keys, only
   * the one added last. Sorted by bucket of the first two bytes (counting sort), then each bucket by the
   * next four bytes packed with the position in one numeric sort, then runs of equal six bytes (rare:
   * random hashes) by comparing whole keys.
   */
  *sorted(): Generator<[Buffer, Buffer]> {
    const n = this.#count;
    const order = orderByHash(n, (i) => this.#record(i).subarray(0, HASH_LENGTH));
    for (let j = 0; j < n; j++) {
      const record = this.#record(order[j]!);
      const key = record.subarray(0, HASH_LENGTH);
      // Of equal keys (ordered by when they were added), the last one added.
      if (j + 1 < n && key.equals(this.#record(order[j + 1]!).subarray(0, HASH_LENGTH))) continue;
      yield [key, record.subarray(HASH_LENGTH)];
    }
  }
}
