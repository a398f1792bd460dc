/**
 * Finding a wallet's purchases without telling the node which order keys are its own (docs/privacy.md,
 * discovery; issue 16: asking `orders {buyer}` for every key in one burst let the serving node, a member
 * organisation, link them all to one consumer).
 *
 * The wallet asks for **buckets**: every order whose order key's address starts with the same few hex
 * digits (`orders.buyerBucket`). A bucket holds other consumers' orders too; the wallet keeps its own by
 * comparing addresses locally. Each round asks a fixed number of buckets, its real ones padded with
 * buckets drawn at random, in random order, so the node cannot tell which requested buckets hold the
 * wallet's keys, nor how many keys the wallet has. What the node still sees is measured by
 * `discoveryExposure` and written in docs/privacy.md.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { query } from '../actions/query.js';
import type { BaseClient } from '../baseClient.js';
import type { OrderKey, Wallet } from '../wallet/wallet.js';
import type { Purchase, PurchasedOrder } from './share.js';

export interface DiscoveryOptions {
  /** Consecutive unused keys after the last used one before the wallet stops (default 20). */
  readonly gapLimit?: number;
  /** The highest key index derived (default 100,000). */
  readonly maxIndex?: number;
  /**
   * Hex digits naming a bucket, 1 to 6 (default 2: 256 buckets). Fewer digits: bigger buckets, each key
   * hidden among more others' orders, more to download.
   */
  readonly bucketChars?: number;
  /** Buckets asked per round, the wallet's padded with random ones (default 32, at most all buckets). */
  readonly bucketsPerRound?: number;
  /**
   * A uniform integer in [0, n) for the decoys and the order asked. Default: decoys drawn from a stream
   * only the wallet can compute (its seed), so that running discovery again asks the same decoys and the
   * node learns nothing by intersecting runs; the order from the platform's CSPRNG.
   */
  readonly random?: (n: number) => number;
}

/** What discovery found, and what it asked. */
export interface Discovery {
  readonly purchases: Purchase[];
  /** Other consumers' orders seen in the buckets: cover for later requests (`buildSharePackage`). */
  readonly cover: PurchasedOrder[];
  /** Every bucket asked, in the order asked (what the serving node saw). */
  readonly asked: string[];
  /** The buckets that held the wallet's keys (never sent apart from the others). */
  readonly real: string[];
}

function cryptoRandom(n: number): number {
  // Rejection sampling: uniform over [0, n) from 32-bit draws.
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  const draw = new Uint32Array(1);
  for (;;) {
    globalThis.crypto.getRandomValues(draw);
    if (draw[0]! < limit) return draw[0]! % n;
  }
}

/**
 * The wallet's own decoy stream: SHA-256 over a key no order or grant ever uses (grant index 2^31 − 1)
 * and a counter, read 32 bits at a time. The node never sees that key, so it cannot predict the decoys.
 */
function walletStream(wallet: Wallet): (n: number) => number {
  const secret = wallet.grantKey(0x7fff_ffff).publicKey;
  let counter = 0;
  let block = new Uint8Array(0);
  let at = 0;
  const next32 = (): number => {
    if (at + 4 > block.length) {
      const input = new Uint8Array(secret.length + 4);
      input.set(secret);
      new DataView(input.buffer).setUint32(secret.length, counter++);
      block = sha256(concatDomain(input));
      at = 0;
    }
    const value = new DataView(block.buffer, block.byteOffset).getUint32(at);
    at += 4;
    return value;
  };
  return (n) => {
    const limit = Math.floor(0x1_0000_0000 / n) * n;
    for (;;) {
      const draw = next32();
      if (draw < limit) return draw % n;
    }
  };
}

const DECOY_DOMAIN = new TextEncoder().encode('hanglian/discovery-decoys/v1\n');
function concatDomain(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(DECOY_DOMAIN.length + input.length);
  out.set(DECOY_DOMAIN);
  out.set(input, DECOY_DOMAIN.length);
  return out;
}

function bucketOf(address: string, chars: number): string {
  return address.slice(2, 2 + chars);
}

/**
 * Finds the wallet's purchases by buckets of key-address prefixes (see the file's comment).
 *
 * @example
 * ```ts
 * const { purchases, asked } = await discoverPurchases(client, wallet);
 * console.log(`${purchases.length} purchases; the node saw ${asked.length} bucket requests`);
 * ```
 */
export async function discoverPurchases(
  client: BaseClient,
  wallet: Wallet,
  options: DiscoveryOptions = {},
): Promise<Discovery> {
  const gapLimit = options.gapLimit ?? 20;
  const maxIndex = options.maxIndex ?? 100_000;
  const chars = options.bucketChars ?? 2;
  if (!Number.isInteger(chars) || chars < 1 || chars > 6) throw new RangeError('bucketChars is 1 to 6');
  const bucketCount = 16 ** chars;
  const perRound = Math.min(options.bucketsPerRound ?? 32, bucketCount);
  const decoyRandom = options.random ?? walletStream(wallet);
  const random = options.random ?? cryptoRandom;
  const randomBucket = () => decoyRandom(bucketCount).toString(16).padStart(chars, '0');

  const keys: OrderKey[] = [];
  const keyAt = (index: number): OrderKey => {
    while (keys.length <= index) keys.push(wallet.orderKey(keys.length));
    return keys[index]!;
  };
  const fetched = new Map<string, PurchasedOrder[]>();
  const asked: string[] = [];
  const real = new Set<string>();

  const fetchBucket = async (bucket: string): Promise<void> => {
    const orders: PurchasedOrder[] = [];
    let after: string | undefined;
    for (;;) {
      const { result } = await query<{ orders: PurchasedOrder[]; next: string | null }>(client, {
        module: 'orders',
        name: 'buyerBucket',
        params: { bucket, ...(after === undefined ? {} : { after }) },
      });
      orders.push(...result.orders);
      if (result.next === null) break;
      after = result.next;
    }
    fetched.set(bucket, orders);
    asked.push(bucket);
  };

  const ordersOf = (key: OrderKey): PurchasedOrder[] =>
    (fetched.get(bucketOf(key.address, chars)) ?? []).filter((o) => o.buyer === key.address);

  let lastUsed = -1;
  for (;;) {
    const from = lastUsed + 1;
    const to = Math.min(maxIndex, lastUsed + gapLimit);
    const wanted = new Set<string>();
    for (let i = from; i <= to; i++) {
      const bucket = bucketOf(keyAt(i).address, chars);
      if (!fetched.has(bucket)) wanted.add(bucket);
    }
    if (wanted.size > 0) {
      for (const bucket of wanted) real.add(bucket);
      // Pad the round with buckets not asked before, then ask all of them in random order.
      const round = new Set(wanted);
      while (round.size < Math.max(perRound, wanted.size) && fetched.size + round.size < bucketCount) {
        const decoy = randomBucket();
        if (!fetched.has(decoy)) round.add(decoy);
      }
      const order = [...round];
      for (let i = order.length - 1; i > 0; i--) {
        const j = random(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const bucket of order) await fetchBucket(bucket);
    }
    let advanced = false;
    for (let i = from; i <= to; i++) {
      if (ordersOf(keyAt(i)).length > 0) {
        lastUsed = i;
        advanced = true;
      }
    }
    if (!advanced || lastUsed >= maxIndex) break;
  }

  const mine = new Set<string>();
  const purchases: Purchase[] = [];
  for (let i = 0; i <= lastUsed; i++) {
    const key = keyAt(i);
    for (const order of ordersOf(key)) {
      purchases.push({ key, order });
      mine.add(order.id);
    }
  }
  const cover = [...fetched.values()].flat().filter((o) => !mine.has(o.id));
  return { purchases, cover, asked, real: [...real] };
}

/** What the serving node can still tell from one discovery (docs/privacy.md reports these figures). */
export interface DiscoveryExposure {
  /** Bucket requests the node saw. */
  readonly bucketsAsked: number;
  /** Of them, buckets that held one of the wallet's keys: the node cannot tell which. */
  readonly realBuckets: number;
  /** The chance that a given asked bucket holds one of the wallet's keys (real / asked). */
  readonly realShare: number;
  /** For each of the wallet's used keys: other order keys in its bucket (its anonymity set less one). */
  readonly othersPerKey: { readonly min: number; readonly median: number };
}

/**
 * The figures of `discovery`: what the node saw and how well each key is hidden.
 *
 * @example
 * ```ts
 * const exposure = discoveryExposure(await discoverPurchases(client, wallet));
 * ```
 */
export function discoveryExposure(discovery: Discovery, bucketChars = 2): DiscoveryExposure {
  const keysInBucket = new Map<string, Set<string>>();
  for (const { order } of [...discovery.purchases, ...discovery.cover.map((order) => ({ order }))]) {
    const bucket = bucketOf(order.buyer, bucketChars);
    const set = keysInBucket.get(bucket) ?? new Set<string>();
    set.add(order.buyer);
    keysInBucket.set(bucket, set);
  }
  const mineByKey = new Set(discovery.purchases.map((p) => p.key.address));
  const others = [...mineByKey]
    .map((address) => {
      const all = keysInBucket.get(bucketOf(address, bucketChars)) ?? new Set();
      return [...all].filter((a) => !mineByKey.has(a)).length;
    })
    .sort((a, b) => a - b);
  const median = others.length === 0 ? 0 : others[Math.floor((others.length - 1) / 2)]!;
  return {
    bucketsAsked: discovery.asked.length,
    realBuckets: discovery.real.length,
    realShare: discovery.asked.length === 0 ? 0 : discovery.real.length / discovery.asked.length,
    othersPerKey: { min: others[0] ?? 0, median },
  };
}
