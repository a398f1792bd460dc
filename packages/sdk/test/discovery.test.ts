/**
 * Discovery private against the serving node (issue 16: listing a wallet's purchases asked one node for
 * every order key in one burst). The wallet here talks to a real state machine holding 5 of its orders
 * among 400 of other consumers; every request it makes is recorded as the serving node would see it.
 * The node must see only bucket requests, none naming a key or an order of the wallet, and each of the
 * wallet's keys must be hidden among other consumers' keys. The figures printed are the measurement
 * docs/privacy.md reports (`node --test packages/sdk/dist/test/discovery.test.js`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { endpoints } from '@hanglian/api';
import { type Address, toJsonValue } from '@hanglian/core';
import {
  byBuyerStore,
  type ContractExecutionThread,
  createKernel,
  type Order,
  orderStore,
  productStore,
  RegistryModule,
  reviewStore,
  TestChain,
} from '@hanglian/state-machine';
import type { BaseClient } from '../src/baseClient.js';
import { discoverPurchases, discoveryExposure, listPurchases, walletFromSeed } from '../src/index.js';
import { searchContextFromPurchases } from '../src/local/index.js';

/** A small deterministic generator (xorshift32), so the population and decoys repeat run to run. */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

const next = xorshift(20_261_205);
const hex = (bytes: number) =>
  Array.from({ length: bytes }, () => (next() & 0xff).toString(16).padStart(2, '0')).join('');

function orderOf(buyer: Address, id: string, sku = 'isbn-1'): Order {
  return {
    id,
    buyer,
    gateway: `hl${'1'.repeat(40)}`,
    listing: 'shop/book',
    merchant: 'shop',
    sku,
    quantity: 1,
    unitPrice: 1_000,
    codes: ['isbn-1:b1:1'],
    implementations: { payment: 'pay.fee.v1', logistics: 'post.quote.v1' },
    paymentProvider: 'pay',
    carrier: 'post',
    platform: 'plat',
    arbiter: 'reg',
    fromRegion: 'CN-31',
    buyerRegion: 'CN-11',
    weightGrams: 800,
    deliveryDays: 2,
    returnPolicy: { days: 0, restockingFeeBps: 0 },
    composition: {
      goods: 1_000,
      shipping: 0,
      total: 1_000,
      merchant: 1_000,
      carrier: 0,
      payment: 0,
      platform: 0,
      host: 0,
    },
    maxTotal: 1_000,
    windows: {
      paymentWindowMs: 3_600_000,
      shippingWindowMs: 3_600_000,
      deliveryGraceMs: 3_600_000,
      confirmationWindowMs: 3_600_000,
      returnWindowMs: 3_600_000,
      arbitrationWindowMs: 3_600_000,
    },
    status: 'created',
    deadline: 0,
    createdAt: 1_700_000_000_000,
  } as Order;
}

describe('purchase discovery, as the serving node sees it', () => {
  const registry = new RegistryModule();
  const chain = new TestChain(undefined, { kernel: createKernel({ registry }) });
  const wallet = walletFromSeed(new Uint8Array(32).fill(7));
  const used = [0, 1, 2, 4, 7];
  const own = new Set<string>();
  /** The wallet's SKUs and their categories. */
  const ownSkus = new Map<string, string>();
  const seen: Array<{ module: string; name: string; params: unknown }> = [];
  const client: BaseClient = {
    url: 'memory:',
    request: (async (
      endpoint: { id: string },
      args: { params: { module: string; name: string }; body: { params: unknown } },
    ) => {
      assert.equal(endpoint.id, endpoints.postQuery.id, 'the wallet only runs queries');
      const { module, name } = args.params;
      const params = args.body.params;
      seen.push({ module, name, params });
      // The node answers as it answers an unsigned read: public queries over the public view only.
      const result = chain.machine.query(
        module,
        name,
        params,
        chain.state,
        { height: 1, time: 0 },
        () => 'public',
      );
      return { height: 1, result: toJsonValue(result) };
    }) as unknown as BaseClient['request'],
  };

  before(() => {
    for (let i = 0; i < 400; i++) {
      const buyer = `hl${hex(20)}` as Address;
      const id = hex(16);
      orderStore.set(chain.state, id, orderOf(buyer, id));
      byBuyerStore.set(chain.state, `${buyer}/${id}`, {});
    }
    // The products (public): the others' book, and one of the wallet's own per order, two categories.
    const product = (sku: string, category: string) =>
      productStore.set(chain.state, sku, {
        sku,
        producer: 'brand',
        name: sku,
        category,
        factoryPrice: 500,
        attributes: {},
        registeredAt: 1,
      });
    product('isbn-1', 'books');
    for (const index of used) {
      const key = wallet.orderKey(index);
      const id = hex(16);
      const sku = `tea-${index}`;
      own.add(id);
      ownSkus.set(sku, index % 2 === 0 ? 'tea' : 'teaware');
      product(sku, ownSkus.get(sku)!);
      orderStore.set(chain.state, id, orderOf(key.address, id, sku));
      byBuyerStore.set(chain.state, `${key.address}/${id}`, {});
      // The wallet's keys 0 and 4 reviewed their orders (public reviews, written with the order key).
      if (index === 0 || index === 4) {
        reviewStore.set(chain.state, id, {
          order: id,
          listing: 'shop/book',
          merchant: 'shop',
          sku,
          rating: index === 0 ? 5 : 2,
          text: '',
          writtenAt: 1_700_000_100_000 + index,
        });
      }
    }
  });
  after(() => (registry.executor as ContractExecutionThread).close());

  it('finds exactly the wallet purchases, asking only for buckets that name none of its keys or orders', async () => {
    seen.length = 0;
    const purchases = await listPurchases(client, wallet, { bucketChars: 1, random: (n) => next() % n });
    assert.deepEqual(new Set(purchases.map((p) => p.order.id)), own);
    assert.deepEqual(
      purchases.map((p) => p.key.index),
      used,
    );
    const keys = Array.from({ length: 30 }, (_, i) => wallet.orderKey(i).address);
    for (const request of seen) {
      assert.deepEqual([request.module, request.name], ['orders', 'buyerBucket']);
      const text = JSON.stringify(request.params);
      for (const address of keys)
        assert.ok(!text.includes(address.slice(2, 8)), `a request names ${address}`);
      for (const id of own) assert.ok(!text.includes(id), 'a request names an order of the wallet');
    }
  });

  it('hides each key among others and pads the buckets with random ones (the figures docs/privacy.md reports)', async () => {
    const rows: string[] = [];
    for (const bucketChars of [1, 2]) {
      seen.length = 0;
      const discovery = await discoverPurchases(client, wallet, {
        bucketChars,
        bucketsPerRound: bucketChars === 1 ? 16 : 32,
        random: (n) => next() % n,
      });
      const exposure = discoveryExposure(discovery, bucketChars);
      assert.equal(discovery.purchases.length, used.length);
      assert.equal(
        exposure.bucketsAsked,
        seen.length,
        'one request per bucket here (no bucket needs a second page)',
      );
      // Real buckets: those of the keys looked at (up to the last used index plus the gap limit of 20).
      assert.ok(exposure.realBuckets <= used[used.length - 1]! + 1 + 20, JSON.stringify(exposure));
      if (bucketChars === 1) assert.ok(exposure.othersPerKey.min >= 10, JSON.stringify(exposure));
      else assert.ok(exposure.realShare < 1, JSON.stringify(exposure));
      rows.push(
        `bucketChars ${bucketChars}: ${exposure.bucketsAsked} bucket requests, ${exposure.realBuckets} real ` +
          `(share ${exposure.realShare.toFixed(2)}), other keys per own key min ${exposure.othersPerKey.min} ` +
          `median ${exposure.othersPerKey.median}, orders downloaded ${discovery.purchases.length + discovery.cover.length}`,
      );
    }
    // Before this, the wallet asked `orders {buyer}` once per key: 5 used + 20 gap = 25 requests, each
    // naming one of its keys.
    console.log(`discovery among 400 other orders and 5 own:\n  ${rows.join('\n  ')}`);
  });

  it('asks the same buckets when run again, so intersecting runs tells the node nothing new', async () => {
    const first = await discoverPurchases(client, wallet);
    const second = await discoverPurchases(client, wallet);
    assert.equal(first.purchases.length, used.length);
    assert.deepEqual([...first.asked].sort(), [...second.asked].sort());
    // The order asked is drawn afresh each time.
    assert.ok(first.asked.length >= 32);
  });

  it("builds the search context from the bucket answers alone: no request names the shopper's orders or SKUs", async () => {
    // Issue 19's history as the wallet builds it (CLI `wallet purchases --save-history`, the console's
    // wallet page): discovery, then the context. Before this, the context asked `items.product` per SKU
    // and `reviews.review` per order: requests naming exactly the shopper's orders, one after another.
    seen.length = 0;
    const { purchases } = await discoverPurchases(client, wallet);
    const context = searchContextFromPurchases(purchases);

    const named = new Set<string>();
    for (const request of seen) {
      assert.deepEqual([request.module, request.name], ['orders', 'buyerBucket'], 'only bucket requests');
      const text = JSON.stringify(request.params);
      for (const id of [...own, ...orderStoreIds()]) if (text.includes(id)) named.add(id);
      for (const sku of ownSkus.keys()) assert.ok(!text.includes(sku), `a request names SKU ${sku}`);
    }
    assert.notDeepEqual(named, own, "a set of requests names exactly the shopper's orders");
    assert.equal(named.size, 0, 'no request names an order');

    // And the context is whole: every order with its product's category, both reviews.
    assert.deepEqual(context.purchases.map((p) => [p.sku, p.category]).sort(), [...ownSkus.entries()].sort());
    assert.deepEqual(context.reviews.map((r) => [r.sku, r.stars]).sort(), [
      ['tea-0', 5],
      ['tea-4', 2],
    ]);
  });

  /** Every order id in the state (own and others'). */
  function orderStoreIds(): string[] {
    return [...orderStore.entries(chain.state, '')].map(([id]) => id);
  }
});
