/**
 * Property: whatever interleaving of order actions members and buyers submit (valid or not, several per
 * block, deadlines passing in between, a recall at any moment), after every block:
 *   - money is conserved: the settlement supply never changes; each order's escrow holds its total exactly
 *     while it is funded and open, and nothing otherwise; funded = released + refunded + held, and held is
 *     the sum of the escrow balances; an ended funded order paid out exactly its total;
 *   - every item has exactly one owner (one holdings entry, agreeing with its record), is in at most one
 *     open order, and is reserved or in transit only while an open order holds it;
 *   - every open order has exactly one deadline entry, at its deadline; ended orders have none;
 *   - the host's commission is paid only by final release (`completed`), never for refunded, returned or
 *     arbitrated orders: the host's balance is the sum of the commissions of completed orders.
 * And once every deadline has passed, no order is left open and the escrows hold nothing.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { DecodedTx, SigningKey } from '@hanglian/core';
import fc from 'fast-check';
import {
  ContractExecutionThread,
  deadlineKey,
  deadlineStore,
  type EscrowTotals,
  escrowAccount,
  holdingsStore,
  itemStore,
  OPEN_STATUSES,
  type Order,
  orderStore,
  SettlementMethod,
  type TestChain,
  testAddress,
  testKey,
} from '../src/index.js';
import { address, HOUR, keys, LISTING, market, orderParams } from './orders.market.test.js';

const settlement = new SettlementMethod();
const ORDER_REF = fc.nat(1_000);
const actionArb = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      lifo: fc.boolean(),
      quantity: fc.integer({ min: 1, max: 3 }),
      session: fc.boolean(),
      pay2: fc.boolean(),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('confirmPayment' as const), order: ORDER_REF }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('ship' as const), order: ORDER_REF }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('deliver' as const), order: ORDER_REF }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('confirm' as const), order: ORDER_REF }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), order: ORDER_REF }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('return' as const), order: ORDER_REF }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('returnReceived' as const), order: ORDER_REF }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('dispute' as const),
      order: ORDER_REF,
      byMerchant: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('arbitrate' as const),
      order: ORDER_REF,
      refundShare: fc.double({ min: 0, max: 1.2, noNaN: true }),
      toBuyer: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('refundRecalled' as const), order: ORDER_REF }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('recall' as const) }) },
  // The step the order's state calls for next: without it most orders would only time out.
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('progress' as const), order: ORDER_REF }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), blocks: fc.integer({ min: 1, max: 12 }) }),
  },
);
type Action = typeof actionArb extends fc.Arbitrary<infer T> ? T : never;
/** A block: one to three actions (an `advance` ends the block and runs empty ones). */
const blockArb = fc.array(actionArb, { minLength: 1, maxLength: 3 });

// One sandbox worker for every market of every run (and of the shrinking that follows a failure).
const executor = new ContractExecutionThread();
after(() => executor.close());

/** Order keys made in a run, by address (a created event names the order; the tx names its key). */
interface KeyCounter {
  n: number;
  readonly keys: Map<string, SigningKey>;
}

interface Placed {
  readonly id: string;
  readonly key: SigningKey;
}

function allOrders(chain: TestChain): Order[] {
  return [...orderStore.entries(chain.state)].map(([, o]) => o);
}

function checkInvariants(chain: TestChain, initialSupply: number): void {
  const { state } = chain;
  assert.equal(settlement.totals(state).supply, initialSupply, 'the supply never changes');
  const orders = allOrders(chain);
  let held = 0;
  let hostCommissions = 0;
  const inOpenOrder = new Map<string, string>();
  const deadlines = new Set([...deadlineStore.entries(state)].map(([key]) => key));
  for (const order of orders) {
    const open = OPEN_STATUSES.has(order.status);
    const escrow = settlement.balanceOf(state, escrowAccount(order.id));
    const expected = open && order.payer !== undefined ? order.composition.total : 0;
    assert.equal(escrow, expected, `escrow of ${order.id} (${order.status})`);
    held += escrow;
    if (open) {
      assert.ok(
        deadlines.delete(deadlineKey(order.deadline, order.id)),
        `open ${order.id} has its deadline entry`,
      );
      for (const code of order.codes) {
        assert.equal(inOpenOrder.get(code), undefined, `${code} is in two open orders`);
        inOpenOrder.set(code, order.id);
      }
    } else {
      const p = order.payouts!;
      const paid = p.refund + p.merchant + p.carrier + p.payment + p.platform + p.host;
      assert.equal(paid, order.payer === undefined ? 0 : order.composition.total, `payouts of ${order.id}`);
      if (order.status === 'completed') hostCommissions += p.host;
      else assert.equal(p.host, 0, `no commission for a ${order.status} order`);
    }
  }
  assert.equal(deadlines.size, 0, 'no deadline entry without its open order');
  const totals = chain.query<EscrowTotals>('orders', 'escrow');
  assert.equal(totals.held, held, 'held = Σ escrow balances');
  assert.equal(
    totals.funded,
    totals.released + totals.refunded + totals.held,
    'funded = released + refunded + held',
  );
  assert.equal(
    settlement.balanceOf(state, testAddress('live/root')),
    hostCommissions,
    'commission only on release',
  );

  const owners = new Map<string, number>();
  for (const [key] of holdingsStore.entries(state)) {
    const code = key.slice(key.lastIndexOf('/') + 1);
    owners.set(code, (owners.get(code) ?? 0) + 1);
    const record = itemStore.get(state, code)!;
    assert.ok(key.startsWith(`${record.owner}/`), `holdings of ${code} agree with its owner`);
    if (record.status === 'reserved' || record.status === 'in-transit') {
      assert.ok(inOpenOrder.has(code), `${code} is ${record.status} only inside an open order`);
    }
  }
  for (const [code, count] of owners) assert.equal(count, 1, `${code} has exactly one owner`);
}

function txFor(
  chain: TestChain,
  action: Action,
  placed: Placed[],
  run: number,
  counter: KeyCounter,
): DecodedTx | undefined {
  if (action.kind === 'create') {
    const key = testKey(`prop/${run}/${counter.n++}`);
    counter.keys.set(address(key), key);
    return chain.buildTx(
      keys.platform,
      'orders',
      'create',
      orderParams({
        key,
        listing: action.lifo ? 'shop/hlm-lifo' : LISTING,
        quantity: action.quantity,
        payment: action.pay2 ? 'pay2.fee.v1' : 'pay.fee.v1',
        ...(action.session ? { session: 'live/launch' } : {}),
        buyerRegion: 'CN-31',
      }),
      { actors: [key] },
    );
  }
  if (action.kind === 'recall') {
    return chain.buildTx(keys.brand, 'items', 'recallBatch', {
      sku: 'isbn-9787020002207',
      batch: 'b2',
      reason: 'misprint',
    });
  }
  if (action.kind === 'advance' || placed.length === 0) return undefined;
  // Mostly one of the last few orders, so that orders move before their deadlines take them.
  const target = placed[placed.length - 1 - (action.order % Math.min(placed.length, 3))]!;
  const order = { order: target.id };
  const buyer = { actors: [target.key] };
  if (action.kind === 'progress') {
    const next: Record<string, Action['kind']> = {
      created: 'confirmPayment',
      paid: 'ship',
      shipped: 'deliver',
      delivered: action.order % 3 === 0 ? 'return' : 'confirm',
      returning: 'returnReceived',
      disputed: 'arbitrate',
    };
    const status = orderStore.get(chain.state, target.id)?.status ?? 'cancelled';
    const kind = next[status];
    if (kind === undefined) return undefined;
    return txFor(
      chain,
      { kind, order: action.order, refundShare: 0.5, toBuyer: true, byMerchant: false } as Action,
      placed,
      run,
      counter,
    );
  }
  switch (action.kind) {
    case 'confirmPayment': {
      const current = orderStore.get(chain.state, target.id);
      return chain.buildTx(
        current?.paymentProvider === 'pay2' ? keys.pay2 : keys.pay,
        'orders',
        'confirmPayment',
        order,
      );
    }
    case 'ship':
      return chain.buildTx(keys.shop, 'orders', 'ship', order);
    case 'deliver':
      return chain.buildTx(keys.post, 'orders', 'deliver', order, buyer);
    case 'confirm':
    case 'cancel':
    case 'return':
      return chain.buildTx(keys.platform, 'orders', action.kind, order, buyer);
    case 'returnReceived':
      return chain.buildTx(keys.shop, 'orders', 'returnReceived', order);
    case 'dispute':
      return action.byMerchant
        ? chain.buildTx(keys.shop, 'orders', 'dispute', { ...order, reason: 'merchant' })
        : chain.buildTx(keys.platform, 'orders', 'dispute', { ...order, reason: 'buyer' }, buyer);
    case 'arbitrate': {
      const total = orderStore.get(chain.state, target.id)?.composition.total ?? 0;
      return chain.buildTx(keys.arbiter, 'orders', 'arbitrate', {
        ...order,
        refund: Math.floor(total * action.refundShare),
        items: action.toBuyer ? 'buyer' : 'merchant',
      });
    }
    case 'refundRecalled':
      return chain.buildTx(keys.brand, 'orders', 'refundRecalled', order);
  }
}

describe('orders: random interleavings of every action across many orders', () => {
  it('conserve money, keep one owner per item, pay commissions only on release, and settle every order', () => {
    let run = 0;
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(blockArb, { minLength: 20, maxLength: 50 }), (blocks) => {
        run++;
        const m = market({
          executor,
          stock: 30,
          // Long enough that orders usually move before a deadline takes them, short enough to see both.
          parameters: { paymentWindowMs: 12 * HOUR, shippingWindowMs: 12 * HOUR },
        });
        const { chain } = m;
        const initialSupply = settlement.totals(chain.state).supply;
        const placed: Placed[] = [];
        const counter: KeyCounter = { n: 0, keys: new Map() };
        checkInvariants(chain, initialSupply);
        for (const actions of blocks) {
          const txs: DecodedTx[] = [];
          let advance = 0;
          for (const action of actions) {
            if (action.kind === 'advance') advance += action.blocks;
            const tx = txFor(chain, action, placed, run, counter);
            if (tx !== undefined) txs.push(tx);
          }
          const execution = chain.executeBlock(txs);
          execution.txResults.forEach((result, i) => {
            const created = result.events.find((e) => e.module === 'orders' && e.name === 'created');
            if (created === undefined) return;
            const key = counter.keys.get(txs[i]!.actors[0]!)!;
            placed.push({ id: (created.data as { order: string }).order, key });
          });
          checkInvariants(chain, initialSupply);
          for (let i = 0; i < advance; i++) {
            chain.advance();
            checkInvariants(chain, initialSupply);
          }
        }
        // Every deadline passes: nothing stays open, nothing stays in escrow.
        for (let i = 0; i < 100; i++) {
          chain.advance();
          checkInvariants(chain, initialSupply);
        }
        for (const order of allOrders(chain)) {
          assert.ok(!OPEN_STATUSES.has(order.status), `order ${order.id} ended (${order.status})`);
          outcomes.set(order.status, (outcomes.get(order.status) ?? 0) + 1);
        }
        assert.equal(chain.query<EscrowTotals>('orders', 'escrow').held, 0);
      }),
      { numRuns: 12, seed: 20_260_101 },
    );
    // The interleavings reached every ending (a weak generator would prove nothing).
    for (const status of ['cancelled', 'refunded', 'completed', 'returned', 'arbitrated']) {
      assert.ok(
        (outcomes.get(status) ?? 0) > 0,
        `some order ended ${status}: ${JSON.stringify([...outcomes])}`,
      );
    }
  });
});
