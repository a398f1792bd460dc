// Records keyed by a hash (a transaction id, a block hash), gathered in memory and handed back in key order:
// how a bulk import writes an index whose keys arrive in random order. Inserted as they come, in batches,
// each batch rewrites (copy on write) most of the index's pages, so the cost of a batch grows with the
// index: 7 µs per insert at 1 million entries, 41 µs at 6 million on the reference machine, loaded. Written
// once, in key order, into an empty sub-database, every record is appended to a fresh page instead.

import { HASH_LENGTH } from '@hanglian/core';

/** Records per chunk of memory: chunks are never copied as the run grows. */
const CHUNK = 2 ** 20;
/** Local positions packed beside 32 bits of key in one float64 sort. */
const PACKED_LIMIT = 2 ** 21;

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
    const bucketOf = new Uint16Array(n);
    const starts = new Uint32Array(65_537);
    for (let i = 0; i < n; i++) {
      const record = this.#record(i);
      const bucket = (record[0]! << 8) | record[1]!;
      bucketOf[i] = bucket;
      starts[bucket + 1]!++;
    }
    for (let b = 1; b < starts.length; b++) starts[b]! += starts[b - 1]!;
    const order = new Uint32Array(n);
    const next = starts.slice(0, 65_536);
    for (let i = 0; i < n; i++) order[next[bucketOf[i]!]!++] = i;
    const compare = (x: number, y: number) =>
      Buffer.compare(this.#record(x).subarray(0, HASH_LENGTH), this.#record(y).subarray(0, HASH_LENGTH)) ||
      x - y;
    for (let b = 0; b < 65_536; b++) {
      const from = starts[b]!;
      const to = starts[b + 1]!;
      if (to - from < 2) continue;
      const bucket = order.subarray(from, to);
      if (bucket.length >= PACKED_LIMIT) {
        bucket.sort(compare);
        continue;
      }
      const packed = new Float64Array(bucket.length);
      for (let j = 0; j < bucket.length; j++)
        packed[j] = this.#record(bucket[j]!).readUInt32BE(2) * PACKED_LIMIT + j;
      packed.sort();
      const sorted = Uint32Array.from(packed, (p) => bucket[p % PACKED_LIMIT]!);
      for (let j = 0; j < sorted.length; ) {
        const prefix = Math.floor(packed[j]! / PACKED_LIMIT);
        let end = j + 1;
        while (end < sorted.length && Math.floor(packed[end]! / PACKED_LIMIT) === prefix) end++;
        if (end - j > 1) sorted.subarray(j, end).sort(compare);
        j = end;
      }
      bucket.set(sorted);
    }
    for (let j = 0; j < n; j++) {
      const record = this.#record(order[j]!);
      const key = record.subarray(0, HASH_LENGTH);
      // Of equal keys (ordered by when they were added), the last one added.
      if (j + 1 < n && key.equals(this.#record(order[j + 1]!).subarray(0, HASH_LENGTH))) continue;
      yield [key, record.subarray(HASH_LENGTH)];
    }
  }
}
