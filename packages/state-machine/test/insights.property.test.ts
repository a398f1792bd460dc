/**
 * Property, over random order histories through the real orders module (orders placed in two regions,
 * paid, shipped, delivered, confirmed, cancelled, returned, disputed and arbitrated, deadlines passing,
 * days and months going by):
 *   - every insights counter equals the sum over the order records: each order once in `demand` at its
 *     creation, and once in the measure of its ending at its end, in the cells of its SKU, its buyer
 *     region, and the day and month of the event; and there is no other counter;
 *   - no buyer key, order id or address appears in any insights key or value;
 *   - every answer about a closed month releases only exact numbers of at least minGroupSize orders, and
 *     a suppressed entry carries no number.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type SigningKey, utf8 } from '@hanglian/core';
import fc from 'fast-check';
import {
  type AggregatesView,
  type Cell,
  ContractExecutionThread,
  cellStore,
  closedStore,
  insightsParameters,
  MEASURE_OF_ENDING,
  MEASURES,
  type Order,
  orderStore,
  periodsOf,
  type ReleasedTally,
  type TestChain,
  testKey,
} from '../src/index.js';
import { address, HOUR, keys, market, orderParams } from './orders.market.test.js';

const executor = new ContractExecutionThread();
after(() => executor.close());

const REF = fc.nat(1_000);
const actionArb = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      region: fc.constantFrom('CN-11', 'CN-31'),
      quantity: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('progress' as const), order: REF }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), order: REF }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dispute' as const), order: REF }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), blocks: fc.integer({ min: 1, max: 30 }) }),
  },
  // Weeks at a time, so months close in the middle of histories.
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      blocks: fc.integer({ min: 100, max: 300 }),
    }),
  },
);
type Action = typeof actionArb extends fc.Arbitrary<infer T> ? T : never;

interface Placed {
  readonly id: string;
  readonly key: SigningKey;
}

function act(chain: TestChain, action: Action, placed: Placed[], run: number): void {
  if (action.kind === 'advance') {
    chain.advance(action.blocks);
    return;
  }
  if (action.kind === 'create') {
    const key = testKey(`insights-prop/${run}/${placed.length}`);
    const result = chain.submit(
      keys.platform,
      'orders',
      'create',
      orderParams({ key, buyerRegion: action.region, quantity: action.quantity }),
      { actors: [key] },
    );
    const created = result.events.find((e) => e.module === 'orders' && e.name === 'created');
    if (created !== undefined) placed.push({ id: (created.data as { order: string }).order, key });
    return;
  }
  if (placed.length === 0) return;
  const target = placed[placed.length - 1 - (action.order % Math.min(placed.length, 4))]!;
  const order = { order: target.id };
  const buyer = { actors: [target.key] };
  const status = orderStore.get(chain.state, target.id)?.status;
  if (action.kind === 'cancel') {
    chain.submit(keys.platform, 'orders', 'cancel', order, buyer);
    return;
  }
  if (action.kind === 'dispute') {
    chain.submit(keys.platform, 'orders', 'dispute', { ...order, reason: 'late' }, buyer);
    return;
  }
  switch (status) {
    case 'created':
      chain.submit(keys.pay, 'orders', 'confirmPayment', order);
      return;
    case 'paid':
      chain.submit(keys.shop, 'orders', 'ship', order);
      return;
    case 'shipped':
      chain.submit(keys.post, 'orders', 'deliver', order, buyer);
      return;
    case 'delivered':
      chain.submit(keys.platform, 'orders', action.order % 3 === 0 ? 'return' : 'confirm', order, buyer);
      return;
    case 'returning':
      chain.submit(keys.shop, 'orders', 'returnReceived', order);
      return;
    case 'disputed': {
      const total = orderStore.get(chain.state, target.id)!.composition.total;
      chain.submit(keys.arbiter, 'orders', 'arbitrate', {
        ...order,
        refund: Math.floor(total / 2),
        items: 'buyer',
      });
      return;
    }
    default:
      return;
  }
}

/** The counters recomputed from the order records alone. */
function expectedCells(chain: TestChain): Map<string, Cell> {
  const offset = insightsParameters(chain.state).utcOffsetMinutes;
  const cells = new Map<string, Cell>();
  const add = (order: Order, measure: (typeof MEASURES)[number], time: number) => {
    const { day, month } = periodsOf(time, offset);
    for (const period of [month, day]) {
      const key = `${order.sku}/${period}/${order.buyerRegion}`;
      const cell: Cell = cells.get(key) ?? {};
      const tally = cell[measure] ?? { orders: 0, units: 0, amount: 0 };
      cells.set(key, {
        ...cell,
        [measure]: {
          orders: tally.orders + 1,
          units: tally.units + order.quantity,
          amount: tally.amount + order.composition.goods,
        },
      });
    }
  };
  for (const [, order] of orderStore.entries(chain.state)) {
    add(order, 'demand', order.createdAt);
    if (order.endedAt !== undefined) {
      add(order, MEASURE_OF_ENDING[order.status as keyof typeof MEASURE_OF_ENDING], order.endedAt);
    }
  }
  return cells;
}

function checkAnswer(value: ReleasedTally, k: number, where: string): void {
  if (value.suppressed) assert.deepEqual(value, { suppressed: true }, `${where}: a suppressed entry is bare`);
  else assert.ok(value.orders >= k, `${where}: released ${value.orders} orders, fewer than ${k}`);
}

function checkInsights(chain: TestChain, placed: readonly Placed[]): { closed: number; released: number } {
  const actual = new Map([...cellStore.entries(chain.state)]);
  assert.deepEqual(actual, expectedCells(chain), 'counters = the sum over the orders');

  const secrets = placed.flatMap(({ id, key }) => [id, address(key)]);
  for (const { key, value } of chain.state.iterate(utf8('insights/'))) {
    const text = Buffer.concat([Buffer.from(key), Buffer.from(value)]).toString('latin1');
    for (const secret of secrets) assert.ok(!text.includes(secret), `an insights entry holds ${secret}`);
    assert.doesNotMatch(text, /hl[0-9a-f]{40}/);
  }

  let released = 0;
  const closed = [...closedStore.entries(chain.state)];
  for (const [month, { minGroupSize: k }] of closed) {
    for (const measure of MEASURES) {
      const answer = chain.query<AggregatesView>('insights', 'aggregates', {
        producer: 'brand',
        month,
        measure,
        days: true,
      });
      checkAnswer(answer.total, k, `${month} ${measure}`);
      for (const sku of answer.skus ?? []) {
        checkAnswer(sku.value, k, sku.sku);
        for (const region of sku.regions ?? []) {
          checkAnswer(region.value, k, region.region);
          if (!region.value.suppressed) released++;
          for (const day of region.days ?? []) checkAnswer(day.value, k, day.day);
        }
      }
    }
  }
  return { closed: closed.length, released };
}

describe('insights: random order histories', () => {
  it('counters equal the sum over the orders, hold no buyer, and answers release no small group', () => {
    let run = 0;
    let monthsChecked = 0;
    let regionsReleased = 0;
    fc.assert(
      fc.property(fc.array(actionArb, { minLength: 30, maxLength: 80 }), (actions) => {
        run++;
        const m = market({
          executor,
          stock: 40,
          parameters: { paymentWindowMs: 24 * HOUR, shippingWindowMs: 24 * HOUR },
        });
        const { chain } = m;
        const placed: Placed[] = [];
        for (const action of actions) act(chain, action, placed, run);
        checkInsights(chain, placed);
        // Every deadline passes and the month closes: every order ends and is counted once more.
        chain.advance(800);
        const seen = checkInsights(chain, placed);
        monthsChecked += seen.closed;
        regionsReleased += seen.released;
      }),
      { numRuns: 6, seed: 20_260_401 },
    );
    assert.ok(
      monthsChecked > 6 && regionsReleased > 0,
      `${monthsChecked} months, ${regionsReleased} regions`,
    );
  });
});
