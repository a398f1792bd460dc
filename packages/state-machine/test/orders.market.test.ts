/**
 * The market the order tests trade in (imported by the other orders*.test.ts files; its own test only
 * checks the market when run directly). A publisher mints books and sells 60 wholesale to a bookshop,
 * which lists them; a platform refers buyers; two payment providers, two carriers, a live-stream host and
 * an arbiter take part. The three commerce standards are registered at genesis with small inline
 * implementations, some of which misbehave on purpose on inputs no conformance vector covers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  addressFromPublicKey,
  bytesToHex,
  type SigningKey,
  sha256,
  type TxResult,
  utf8,
} from '@hanglian/core';
import {
  type ContractExecutionThread,
  createKernel,
  type OrdersParameters,
  RegistryModule,
  type StandardDefinition,
  schemaValue,
  standardTestNetwork,
  TestChain,
  testKey,
  testSealedEnvelope,
} from '../src/index.js';
import { assertOk } from './helpers.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const SKU = 'isbn-9787020002207';

export const keys = {
  brand: testKey('brand/clerk'),
  shop: testKey('shop/clerk'),
  shopAdmin: testKey('shop/admin'),
  platform: testKey('plat/clerk'),
  pay: testKey('pay/clerk'),
  pay2: testKey('pay2/clerk'),
  post: testKey('post/clerk'),
  express: testKey('express/clerk'),
  live: testKey('live/clerk'),
  arbiter: testKey('reg/clerk'),
  intruder: testKey('brand/admin'),
};
export const address = (key: SigningKey): string => addressFromPublicKey(key.publicKey);
/** A consumer's one-time order key (the SDK derives them from the wallet seed; here from a label). */
export const orderKey = (n: number): SigningKey => testKey(`consumer/order-${n}`);

/** Windows short enough to watch them pass with one-hour blocks. */
export const TEST_PARAMETERS: OrdersParameters = {
  platformFeeBps: 200,
  paymentWindowMs: 3 * HOUR,
  shippingWindowMs: 6 * HOUR,
  deliveryGraceMs: 6 * HOUR,
  confirmationWindowMs: 12 * HOUR,
  returnWindowMs: 12 * HOUR,
  arbitrationWindowMs: 24 * HOUR,
  maxAvailableOffered: 200,
  maxDeadlinesPerBlock: 1_000,
};

const one = (name: string, schema: object) => [{ name, schema: schemaValue(schema) }];
const looseObject = { type: 'object' };

/** commerce.inventory/1, commerce.payment/1, commerce.logistics/1 as the orders module calls them. */
export const STANDARDS: StandardDefinition[] = [
  {
    id: 'commerce.inventory/1',
    title: 'Choose item codes for an order line',
    behaviour:
      'choose({listing, sku, quantity, available}) returns {codes}: quantity distinct codes of available.',
    methods: [
      {
        name: 'choose',
        summary: 'Pick the codes.',
        params: one('request', looseObject),
        output: schemaValue(looseObject),
        readOnly: true,
      },
    ],
    events: [],
    vectors: [
      {
        name: 'chooses one of two',
        method: 'choose',
        args: [{ listing: 'm/l', sku: 's', quantity: 1, available: ['s:b:1', 's:b:2'] }],
        expect: { ok: true },
      },
    ],
    implementerRoles: ['merchant'],
  },
  {
    id: 'commerce.payment/1',
    title: 'Payment fee',
    behaviour: 'fee({amount}) returns {fee}, 0 ≤ fee ≤ amount.',
    methods: [
      {
        name: 'fee',
        summary: 'The fee on an amount.',
        params: one('request', looseObject),
        output: schemaValue(looseObject),
        readOnly: true,
      },
    ],
    events: [],
    vectors: [{ name: 'prices 100.00', method: 'fee', args: [{ amount: 10_000 }], expect: { ok: true } }],
    implementerRoles: ['payment'],
  },
  {
    id: 'commerce.logistics/1',
    title: 'Parcel quote',
    behaviour: 'quote({items, weightGrams, fromRegion, toRegion}) returns {fee, days}.',
    methods: [
      {
        name: 'quote',
        summary: 'Fee and days.',
        params: one('request', looseObject),
        output: schemaValue(looseObject),
        readOnly: true,
      },
    ],
    events: [],
    vectors: [
      {
        name: 'quotes',
        method: 'quote',
        args: [{ items: 1, weightGrams: 500, fromRegion: 'CN-31', toRegion: 'CN-11' }],
        expect: { ok: true },
      },
    ],
    implementerRoles: ['carrier'],
  },
  {
    id: 'test.treasury/1',
    title: 'Pays from its own account',
    behaviour: 'pay({to, amount}) moves amount from the contract’s account to `to`.',
    methods: [
      {
        name: 'pay',
        summary: 'Pay someone.',
        params: one('request', looseObject),
        output: schemaValue(looseObject),
        readOnly: false,
      },
    ],
    events: [],
    vectors: [
      {
        name: 'pays one',
        method: 'pay',
        args: [{ to: `hl${'1'.repeat(40)}`, amount: 1 }],
        balances: { $self: 10 },
        expect: { ok: true },
      },
    ],
    implementerRoles: ['merchant'],
  },
];

/** test.treasury/1: pays whoever it is told to from its own account (a contract's settlement transfer). */
export const TREASURY = `var contract = {
  pay(r) { chain.call('settlement.transfer', r.to, r.amount); return { paid: r.amount }; },
};`;

/** Last in, first out; on a quantity of 7 it answers a code nobody offered (a hostile merchant). */
export const SHOP_INVENTORY = `var contract = {
  choose(r) {
    if (r.quantity === 7) return { codes: [r.available[0], r.available[1], r.available[2], r.available[3], r.available[4], r.available[5], 'forged:b:1'] };
    if (r.quantity === 6) return { codes: r.available.slice(0, 5).concat([r.available[0]]) };
    return { codes: r.available.slice(-r.quantity).reverse() };
  },
};`;
/** 0.6 % of the amount, rounded down; on exactly 373.80 (six books) it asks more than the amount. */
export const PAY_FEE = `var contract = {
  fee(r) { return { fee: r.amount === 37380 ? r.amount + 1 : Math.floor(r.amount * 60 / 10000) }; },
};`;
/** A flat 1.00 fee. */
export const PAY2_FEE = 'var contract = { fee(r) { return { fee: Math.min(100, r.amount) }; } };';
/** 8.00 + 2.00 per started kilogram + 1.00 per extra item; same region next day, else 2 days. */
export const POST_QUOTE = `var contract = {
  quote(r) {
    if (r.toRegion === 'CN-65') throw new Error('route not served');
    return { fee: 800 + Math.ceil(r.weightGrams / 1000) * 200 + (r.items - 1) * 100, days: r.fromRegion === r.toRegion ? 1 : 2 };
  },
};`;
export const EXPRESS_QUOTE = 'var contract = { quote(r) { return { fee: 2000, days: 1 }; } };';
/** Behaves on its conformance vector (500 g), then quotes 1,500.00 for an 800 g parcel on the live chain. */
export const POST_SURGE = `var contract = {
  quote(r) { return { fee: r.weightGrams === 800 ? 150000 : 800, days: 1 }; },
};`;

export interface Market {
  readonly chain: TestChain;
  readonly registry: RegistryModule;
  close(): Promise<void>;
}

export function deploy(
  chain: TestChain,
  admin: SigningKey,
  id: string,
  standard: string,
  source: string,
): void {
  const hash = bytesToHex(sha256(utf8(source)));
  if (chain.query('registry', 'code', { hash }) === null) {
    assertOk(chain.submit(admin, 'registry', 'deployCode', { source }));
  }
  assertOk(
    chain.submit(admin, 'registry', 'registerImplementation', {
      id,
      standard,
      codeHash: hash,
      displayName: id,
    }),
  );
}

export const LISTING = 'shop/hlm-2026';
export const PRICE = 5_980;

/**
 * Builds the market. Listings: `shop/hlm-2026` (price 59.80, FIFO inventory, returns within 2 days with a
 * 10 % restocking fee, host commission 8 %), `shop/hlm-lifo` (the same books through the shop's own
 * inventory implementation, no returns). Live session `live/launch` features the first for 48 hours.
 */
export function market(
  options: {
    parameters?: Partial<OrdersParameters>;
    stock?: number;
    executor?: ContractExecutionThread;
  } = {},
): Market {
  // A shared executor (one worker for many markets) is closed by whoever made it.
  const registry = new RegistryModule(options.executor === undefined ? {} : { executor: options.executor });
  const kernel = createKernel({ registry });
  const builder = standardTestNetwork()
    .organisation('plat', ['platform'], 'Platform Co.')
    .organisation('pay2', ['payment', 'issuer'], 'Second Pay')
    .organisation('post', ['carrier'], 'Post Co.')
    .organisation('express', ['carrier'], 'Express Co.')
    .organisation('live', ['host'], 'Live Co.');
  for (const org of ['plat', 'pay2', 'post', 'express', 'live']) {
    builder
      .identity(`${org}/admin`, { org, permissions: ['admin', 'transact'] })
      .identity(`${org}/clerk`, { org, permissions: ['transact'] });
  }
  // The carriers and the shop publish X25519 keys: delivery details are sealed to them.
  for (const org of ['post', 'express', 'shop']) builder.encryptionKey(org);
  builder.issuer('pay2', 100_000_000);
  builder.balance(address(keys.pay), 50_000_000, 'pay');
  builder.balance(address(keys.pay2), 50_000_000, 'pay2');
  const genesis = builder.build();
  genesis.modules.registry = { standards: STANDARDS };
  genesis.modules.orders = { parameters: { ...TEST_PARAMETERS, ...options.parameters } };
  const chain = new TestChain(genesis, { kernel, blockIntervalMs: HOUR });

  deploy(chain, testKey('shop/admin'), 'shop.inventory.lifo', 'commerce.inventory/1', SHOP_INVENTORY);
  deploy(chain, testKey('pay/admin'), 'pay.fee.v1', 'commerce.payment/1', PAY_FEE);
  deploy(chain, testKey('pay2/admin'), 'pay2.fee.v1', 'commerce.payment/1', PAY2_FEE);
  deploy(chain, testKey('post/admin'), 'post.quote.v1', 'commerce.logistics/1', POST_QUOTE);
  deploy(chain, testKey('express/admin'), 'express.quote.v1', 'commerce.logistics/1', EXPRESS_QUOTE);

  const stock = options.stock ?? 60;
  assertOk(
    chain.submit(keys.brand, 'items', 'registerProduct', {
      sku: SKU,
      name: '红楼梦',
      category: 'books',
      factoryPrice: 3_500,
    }),
  );
  assertOk(
    chain.submit(keys.brand, 'items', 'mintBatch', { sku: SKU, batch: 'b1', count: stock, site: 'press-1' }),
  );
  assertOk(
    chain.submit(keys.brand, 'items', 'mintBatch', { sku: SKU, batch: 'b2', count: 10, site: 'press-2' }),
  );
  for (const [shipment, batch, count] of [
    ['s1', 'b1', stock],
    ['s2', 'b2', 10],
  ] as const) {
    assertOk(
      chain.submit(keys.brand, 'distribution', 'ship', {
        shipment,
        to: 'shop',
        items: { range: { sku: SKU, batch, from: 1, to: count } },
        where: 'dock',
      }),
    );
    assertOk(
      chain.submit(keys.shop, 'distribution', 'receive', {
        from: 'brand',
        shipment,
        accept: true,
        where: 'shop',
      }),
    );
  }
  const terms = {
    sku: SKU,
    title: '红楼梦 (2026 edition)',
    price: PRICE,
    carriers: ['post'],
    shipsFrom: 'CN-31',
    shipsTo: ['CN-31', 'CN-11', 'CN-65'],
  };
  assertOk(
    chain.submit(keys.shop, 'catalog', 'createListing', {
      ...terms,
      listing: 'hlm-2026',
      returnPolicy: { days: 2, restockingFeeBps: 1_000 },
      hostCommissionBps: 800,
    }),
  );
  assertOk(
    chain.submit(keys.shop, 'catalog', 'createListing', {
      ...terms,
      listing: 'hlm-lifo',
      returnPolicy: { days: 0, restockingFeeBps: 0 },
      inventory: 'shop.inventory.lifo',
    }),
  );
  const now = chain.blockInfo().time;
  assertOk(
    chain.submit(keys.live, 'catalog', 'createSession', {
      session: 'launch',
      title: 'Launch night',
      startsAt: now - HOUR,
      endsAt: now + 48 * HOUR,
      listings: [LISTING],
    }),
  );
  return {
    chain,
    registry,
    close: () =>
      options.executor === undefined
        ? (registry.executor as ContractExecutionThread).close()
        : Promise.resolve(),
  };
}

export interface OrderRequest {
  readonly key: SigningKey;
  readonly listing?: string;
  readonly quantity?: number;
  readonly payment?: string;
  readonly logistics?: string;
  readonly session?: string;
  readonly buyerRegion?: string;
  readonly gateway?: SigningKey;
  /** The most the order key agrees to pay; default a bound above every total these tests reach. */
  readonly maxTotal?: number;
}

export function orderParams(request: OrderRequest): Record<string, unknown> {
  return {
    buyer: address(request.key),
    listing: request.listing ?? LISTING,
    quantity: request.quantity ?? 1,
    payment: request.payment ?? 'pay.fee.v1',
    logistics: request.logistics ?? 'post.quote.v1',
    platform: 'plat',
    ...(request.session === undefined ? {} : { session: request.session }),
    arbiter: 'reg',
    buyerRegion: request.buyerRegion ?? 'CN-11',
    // Sealed (in form) to the carrier of the logistics implementation (`<carrier>.quote.v1`) and the shop.
    delivery: testSealedEnvelope(
      [(request.logistics ?? 'post.quote.v1').split('.')[0]!, 'shop'],
      address(request.key),
    ),
    weightGrams: 800,
    maxTotal: request.maxTotal ?? MAX_TEST_TOTAL,
  };
}

/** 1,000.00: above any order of these tests (at most a few books and a parcel), far below a surge. */
export const MAX_TEST_TOTAL = 100_000;

/** Places an order; returns the result and the order id (from the `created` event). */
export function placeOrder(chain: TestChain, request: OrderRequest): { result: TxResult; id: string } {
  const result = chain.submit(request.gateway ?? keys.platform, 'orders', 'create', orderParams(request), {
    actors: [request.key],
  });
  const created = result.events.find((e) => e.module === 'orders' && e.name === 'created');
  return { result, id: (created?.data as { order: string } | undefined)?.order ?? '' };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  describe('orders market fixture', () => {
    it('registers the three standards and five implementations, and stocks the shop', async () => {
      const { chain, close } = market();
      try {
        const implementations = chain.query<Array<{ id: string }>>('registry', 'implementations', {});
        assert.equal(implementations.length, 5);
        const listing = chain.query<{ stock: number }>('catalog', 'listing', { id: LISTING });
        assert.equal(listing.stock, 70);
      } finally {
        await close();
      }
    });
  });
}
