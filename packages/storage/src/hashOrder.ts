// Sorting many 32-byte hashes held in memory, by position: what the bulk imports (the state pre-fill's keys
// by path, a history's transaction ids) need, for millions of them, without an object per hash.

/** Local positions packed beside 32 bits of hash in one float64 sort. */
const PACKED_LIMIT = 2 ** 21;

/**
 * The positions 0..n-1 in ascending order of `hashAt(position)` (32 bytes each), equal hashes in position
 * order. Bucketed by the first two bytes (counting sort); then each bucket by the next four bytes packed
 * with the position in one numeric sort, and runs of equal six bytes (rare: random hashes) by comparing
 * whole hashes; a bucket too large to pack is compared whole.
 */
export function orderByHash(n: number, hashAt: (position: number) => Uint8Array): Uint32Array {
  const bucketOf = new Uint16Array(n);
  const starts = new Uint32Array(65_537);
  for (let i = 0; i < n; i++) {
    const hash = hashAt(i);
    const bucket = (hash[0]! << 8) | hash[1]!;
    bucketOf[i] = bucket;
    starts[bucket + 1]!++;
  }
  for (let b = 1; b < starts.length; b++) starts[b]! += starts[b - 1]!;
  const order = new Uint32Array(n);
  const next = starts.slice(0, 65_536);
  for (let i = 0; i < n; i++) order[next[bucketOf[i]!]!++] = i;
  const compare = (x: number, y: number) => Buffer.compare(hashAt(x), hashAt(y)) || x - y;
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
    for (let j = 0; j < bucket.length; j++) {
      const hash = hashAt(bucket[j]!);
      const word = ((hash[2]! << 24) | (hash[3]! << 16) | (hash[4]! << 8) | hash[5]!) >>> 0;
      packed[j] = word * PACKED_LIMIT + j;
    }
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
  return order;
}
