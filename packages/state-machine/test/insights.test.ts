// Insights through the real orders module: demand counted at creation, sales at release, cancellations
// at cancel; a producer reads its closed months with small groups suppressed; open months, foreign SKUs
// and bad parameters are refused; the group size is governance's and a closed month keeps its own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HanglianError, type SigningKey, utf8 } from '@hanglian/core';
import {
  type AggregatesView,
  cellStore,
  closedStore,
  ExecutionErrors,
  InsightsErrors,
  type InsightsStatusView,
  insightsParamsStore,
  MemoryState,
  periodsOf,
  setInsightsParameters,
  standardTestNetwork,
  TestChain,
  testKey,
} from '../src/index.js';
import { assertOk, thrownCode } from './helpers.js';
import {
  address,
  keys,
  type Market,
  market,
  orderKey,
  PRICE,
  placeOrder,
  SKU,
} from './orders.market.test.js';

const DAY = 86_400_000;

describe('insights: periods', () => {
  it('days and months begin at midnight of the chain calendar (UTC+8 by default)', () => {
    // 2026-01-31T15:59:59.999Z is 23:59 in Beijing; a millisecond later it is February there.
    const before = Date.UTC(2026, 0, 31, 15, 59, 59, 999);
    assert.deepEqual(periodsOf(before, 480), { day: '2026-01-31', month: '2026-01' });
    assert.deepEqual(periodsOf(before + 1, 480), { day: '2026-02-01', month: '2026-02' });
    assert.deepEqual(periodsOf(before + 1, 0), { day: '2026-01-31', month: '2026-01' });
    assert.deepEqual(periodsOf(Date.UTC(2028, 1, 29, 12), -300), { day: '2028-02-29', month: '2028-02' });
  });
});

describe('insights: a month of book sales', () => {
  let m: Market;
  const placed: Array<{ id: string; key: SigningKey }> = [];
  let n = 0;
  const order = (region: string, quantity: number) => {
    const key = orderKey(500 + n++);
    const { result, id } = placeOrder(m.chain, { key, buyerRegion: region, quantity });
    assertOk(result);
    placed.push({ id, key });
  };
  const aggregates = (params: Record<string, unknown>) =>
    m.chain.query<AggregatesView>('insights', 'aggregates', { producer: 'brand', ...params });

  before(() => {
    // Windows long enough that no order times out while the days pass.
    m = market({ parameters: { paymentWindowMs: 90 * DAY, shippingWindowMs: 90 * DAY } });
    const { chain } = m;
    // CN-11: three orders one day, two the next, two the day after; CN-31: five orders of two books.
    for (let i = 0; i < 3; i++) order('CN-11', 1);
    chain.advance(24);
    for (let i = 0; i < 2; i++) order('CN-11', 1);
    chain.advance(24);
    for (let i = 0; i < 2; i++) order('CN-11', 1);
    for (let i = 0; i < 5; i++) order('CN-31', 2);
    // The first five are paid, shipped, delivered and confirmed; two of CN-31 are cancelled.
    for (const { id, key } of placed.slice(0, 5)) {
      assertOk(chain.submit(keys.pay, 'orders', 'confirmPayment', { order: id }));
      assertOk(chain.submit(keys.shop, 'orders', 'ship', { order: id }));
      assertOk(chain.submit(keys.post, 'orders', 'deliver', { order: id }, { actors: [key] }));
      assertOk(chain.submit(keys.platform, 'orders', 'confirm', { order: id }, { actors: [key] }));
    }
    for (const { id, key } of placed.slice(7, 9)) {
      assertOk(chain.submit(keys.platform, 'orders', 'cancel', { order: id }, { actors: [key] }));
    }
  });
  after(() => m.close());

  it('counts each order in its cell of SKU, month or day, and buyer region', () => {
    const month = cellStore.get(m.chain.state, `${SKU}/2026-01/CN-11`);
    assert.deepEqual(month?.demand, { orders: 7, units: 7, amount: 7 * PRICE });
    assert.deepEqual(month?.sales, { orders: 5, units: 5, amount: 5 * PRICE });
    assert.equal(month?.cancellations, undefined);
    const cn31 = cellStore.get(m.chain.state, `${SKU}/2026-01/CN-31`);
    assert.deepEqual(cn31?.demand, { orders: 5, units: 10, amount: 10 * PRICE });
    assert.deepEqual(cn31?.cancellations, { orders: 2, units: 4, amount: 4 * PRICE });
    assert.deepEqual(m.chain.query<string[]>('insights', 'products', { producer: 'brand' }), [SKU]);
  });

  it('answers no month before it is over', () => {
    const code = thrownCode(() => aggregates({ month: '2026-01', measure: 'demand' }));
    assert.equal(code, InsightsErrors.INSIGHTS_MONTH_OPEN);
  });

  it('after the month: totals, regions and days, with small groups suppressed and never zero', () => {
    const { chain } = m;
    for (
      let i = 0;
      i < 40 && chain.query<InsightsStatusView>('insights', 'status').currentMonth !== '2026-02';
      i++
    ) {
      chain.advance(24);
    }
    assert.equal(chain.query<InsightsStatusView>('insights', 'status').currentMonth, '2026-02');
    assert.deepEqual(closedStore.get(chain.state, '2026-01')?.minGroupSize, 5);
    const closing = chain.blocks.flatMap((b) => b?.blockEvents ?? []).find((e) => e.name === 'monthClosed');
    assert.deepEqual(closing?.data, { month: '2026-01', minGroupSize: 5 });

    const demand = aggregates({ month: '2026-01', measure: 'demand', days: true });
    assert.deepEqual(demand.total, { suppressed: false, orders: 12, units: 17, amount: 17 * PRICE });
    assert.equal(demand.minGroupSize, 5);
    const sku = demand.skus![0]!;
    assert.equal(sku.sku, SKU);
    const [cn11, cn31] = sku.regions!;
    assert.deepEqual(cn11!.value, { suppressed: false, orders: 7, units: 7, amount: 7 * PRICE });
    // Three days of 3, 2 and 2 orders: each below 5, safe together (3 < 7 < 12), so listed as suppressed.
    assert.equal(cn11!.days!.length, 3);
    for (const day of cn11!.days!) assert.deepEqual(day.value, { suppressed: true });
    assert.deepEqual(cn31!.value, { suppressed: false, orders: 5, units: 10, amount: 10 * PRICE });
    assert.equal(cn31!.days!.length, 1);
    assert.deepEqual(cn31!.days![0]!.value, cn31!.value);

    const sales = aggregates({ month: '2026-01', measure: 'sales' });
    assert.deepEqual(sales.total, { suppressed: false, orders: 5, units: 5, amount: 5 * PRICE });
    assert.deepEqual(
      sales.skus![0]!.regions!.map((r) => r.region),
      ['CN-11'],
      'a region with no sale is not listed',
    );
    // Two cancellations: below 5, reported as suppressed (not as zero), with no breakdown.
    const cancellations = aggregates({ month: '2026-01', measure: 'cancellations' });
    assert.deepEqual(cancellations.total, { suppressed: true });
    assert.equal(cancellations.skus, undefined);
    // A filter cuts the same answer.
    const only = aggregates({ month: '2026-01', measure: 'demand', region: 'CN-31' });
    assert.deepEqual(only.skus![0]!.regions, [{ region: 'CN-31', value: cn31!.value }]);
  });

  it('refuses an SKU that is not the producer’s, and answers another producer with nothing released', () => {
    assert.equal(
      thrownCode(() => aggregates({ month: '2026-01', measure: 'demand', sku: 'isbn-0000' })),
      InsightsErrors.INSIGHTS_NOT_PRODUCT,
    );
    const shop = m.chain.query<AggregatesView>('insights', 'aggregates', {
      producer: 'shop',
      month: '2026-01',
      measure: 'demand',
    });
    assert.deepEqual(shop.total, { suppressed: true });
    const error = (() => {
      try {
        aggregates({ month: '2026-13', measure: 'demand' });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof HanglianError);
    assert.equal(error.code, ExecutionErrors.QUERY_BAD_PARAMS);
  });

  it('stores no buyer key, order id or address anywhere under insights/', () => {
    const secrets = placed.flatMap(({ id, key }) => [address(key), id]);
    const prefix = utf8('insights/');
    let entries = 0;
    for (const { key, value } of m.chain.state.iterate(prefix)) {
      entries++;
      const text = Buffer.concat([Buffer.from(key), Buffer.from(value)]).toString('latin1');
      for (const secret of secrets) assert.ok(!text.includes(secret), `insights entry holds ${secret}`);
      assert.doesNotMatch(text, /hl[0-9a-f]{40}/, 'no address of any kind');
    }
    assert.ok(entries > 5);
  });
});

describe('insights: the minimum group size is governance’s', () => {
  const admins = ['brand', 'shop', 'pay', 'reg'].map((org) => testKey(`${org}/admin`));

  it('a passed proposal changes it for months closed later; a closed month keeps its own', () => {
    const chain = new TestChain(standardTestNetwork().build(), { blockIntervalMs: 5 * DAY });
    chain.advance(8); // into February: January closes with the default, 5
    assert.equal(closedStore.get(chain.state, '2026-01')?.minGroupSize, 5);
    const submitted = assertOk(
      chain.submit(admins[0]!, 'governance', 'submitProposal', {
        title: 'Smaller groups',
        action: { type: 'setInsightsParameters', minGroupSize: 3 },
      }),
    );
    const proposalId = (submitted.events[0]!.data as { id: number }).id;
    for (const admin of admins.slice(1)) {
      const result = chain.submit(admin, 'governance', 'vote', { proposalId, vote: 'yes' });
      if (result.code !== 'OK') break; // closed as soon as it passed
    }
    assert.equal(chain.query<InsightsStatusView>('insights', 'status').parameters.minGroupSize, 3);
    chain.advance(8);
    assert.equal(closedStore.get(chain.state, '2026-01')?.minGroupSize, 5, 'January keeps 5');
    const closed = [...closedStore.entries(chain.state)].map(([month, c]) => [month, c.minGroupSize]);
    assert.ok(
      closed.some(([month, k]) => month !== '2026-01' && k === 3),
      JSON.stringify(closed),
    );
  });

  it('refuses a size below 2 or beyond 1,000 and changes nothing', () => {
    const chain = new TestChain();
    // Refused before any block: the action's schema bounds the size (TX_BAD_PARAMS), nothing is included.
    for (const minGroupSize of [1, 0, 1_001]) {
      const code = thrownCode(() =>
        chain.submit(admins[0]!, 'governance', 'submitProposal', {
          title: 'bad',
          action: { type: 'setInsightsParameters', minGroupSize },
        }),
      );
      assert.equal(code, ExecutionErrors.TX_BAD_PARAMS);
    }
    assert.equal(chain.height, 0);
    assert.equal(chain.query<InsightsStatusView>('insights', 'status').parameters.minGroupSize, 5);
    // The module's own check, behind the schema (a caller that skips the schema still cannot store it).
    const state = new MemoryState();
    assert.equal(
      thrownCode(() => setInsightsParameters(state, { minGroupSize: 1 })),
      InsightsErrors.INSIGHTS_BAD_PARAMETERS,
    );
    assert.equal(insightsParamsStore.get(state, 'current'), undefined);
  });

  it('refuses a bad genesis section', () => {
    const genesis = standardTestNetwork().build();
    genesis.modules.insights = { parameters: { minGroupSize: 1 } };
    assert.equal(
      thrownCode(() => new TestChain(genesis)),
      ExecutionErrors.GENESIS_INVALID,
    );
  });
});
