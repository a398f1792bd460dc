/**
 * Property: whatever interleaving of order actions members and buyers submit (valid or not, several per
 * block, deadlines passing in between, a recall at any moment, money sent to escrow addresses by members
 * and by a contract, before and after their orders exist, items destroyed by the merchant or the carrier
 * holding them), after every block:
 *   - money is conserved: the settlement supply never changes and equals Σ balances and Σ issuers'
 *     outstanding; each order's escrow holds its total exactly while it is funded and open (plus what was
 *     sent to its address before the order existed), and nothing once ended (that surplus went back);
 *     every transfer into an existing escrow is refused; funded = released + refunded + held, and held is
 *     what open orders put in their escrows; an ended funded order paid out exactly its total;
 *   - a destroyed item stays destroyed, whatever its orders do;
 *   - every item has exactly one owner (one holdings entry, agreeing with its record), is in at most one
 *     open order, and is reserved or in transit only while an open order holds it;
 *   - every open order has exactly one deadline entry, at its deadline; ended orders have none;
 *   - the host's commission is paid only by final release (`completed`), never for refunded, returned or
 *     arbitrated orders: the host's balance is the sum of the commissions of completed orders.
 * And once every deadline has passed, no order is left open and the escrows hold nothing.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { bytesToHex, type DecodedTx, type SigningKey, type TxResult } from '@hanglian/core';
import fc from 'fast-check';
import {
  balanceStore,
  ContractExecutionThread,
  contractAccount,
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
import { address, deploy, HOUR, keys, LISTING, market, orderParams, TREASURY } from './orders.market.test.js';

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
  // An order placed right after someone sent money to its (predictable) escrow address.
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('frontRun' as const),
      amount: fc.integer({ min: 1, max: 900 }),
    }),
  },
  // Money sent to an existing order's escrow: by a member, or by a contract from its own account.
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('toEscrow' as const),
      order: ORDER_REF,
      byContract: fc.boolean(),
    }),
  },
  // The merchant (reserved copies) or the carrier (parcels in its custody) destroys an order's item.
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('destroy' as const),
      order: ORDER_REF,
      byCarrier: fc.boolean(),
    }),
  },
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

/** What the run knows besides the chain: money sent to escrows before their orders, destroyed codes. */
interface Ledger {
  /** Order id → what was sent to its escrow address before it existed. */
  readonly preFunded: Map<string, number>;
  readonly destroyed: Set<string>;
}

function checkInvariants(chain: TestChain, initialSupply: number, ledger: Ledger): void {
  const { state } = chain;
  assert.equal(settlement.totals(state).supply, initialSupply, 'the supply never changes');
  let balances = 0;
  for (const [, balance] of balanceStore.entries(state)) balances += balance.amount;
  assert.equal(balances, initialSupply, 'supply = Σ balances');
  const outstanding = settlement.listIssuers(state).reduce((sum, issuer) => sum + issuer.outstanding, 0);
  assert.equal(outstanding, initialSupply, "supply = Σ issuers' outstanding");
  for (const code of ledger.destroyed) {
    assert.equal(itemStore.get(state, code)?.status, 'destroyed', `${code} stays destroyed`);
  }
  const orders = allOrders(chain);
  let held = 0;
  let hostCommissions = 0;
  const inOpenOrder = new Map<string, string>();
  const deadlines = new Set([...deadlineStore.entries(state)].map(([key]) => key));
  for (const order of orders) {
    const open = OPEN_STATUSES.has(order.status);
    const escrow = settlement.balanceOf(state, escrowAccount(order.id));
    const preFunded = ledger.preFunded.get(order.id) ?? 0;
    const own = open && order.payer !== undefined ? order.composition.total : 0;
    assert.equal(escrow, own + (open ? preFunded : 0), `escrow of ${order.id} (${order.status})`);
    if (!open) assert.equal(order.surplus ?? 0, preFunded, `${order.id} returned what was sent before it`);
    held += own;
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
  assert.equal(totals.held, held, 'held = what open orders put in their escrows');
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
): DecodedTx | DecodedTx[] | undefined {
  if (action.kind === 'frontRun') {
    const key = testKey(`prop/${run}/${counter.n++}`);
    counter.keys.set(address(key), key);
    const create = chain.buildTx(keys.platform, 'orders', 'create', orderParams({ key }), { actors: [key] });
    const escrow = escrowAccount(bytesToHex(create.id).slice(0, 32));
    return [
      chain.buildTx(keys.pay2, 'settlement', 'transfer', { to: escrow, amount: action.amount }),
      create,
    ];
  }
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
    case 'toEscrow':
      return action.byContract
        ? chain.buildTx(keys.shop, 'registry', 'call', {
            implementation: 'shop.treasury.v1',
            method: 'pay',
            args: [{ to: escrowAccount(target.id), amount: 10 }],
          })
        : chain.buildTx(keys.pay2, 'settlement', 'transfer', { to: escrowAccount(target.id), amount: 10 });
    case 'destroy': {
      const code = orderStore.get(chain.state, target.id)?.codes[0];
      if (code === undefined) return undefined;
      return chain.buildTx(action.byCarrier ? keys.post : keys.shop, 'items', 'recordEvent', {
        items: { codes: [code] },
        bizStep: 'destroying',
        where: action.byCarrier ? 'depot' : 'shop',
        why: 'damaged',
      });
    }
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
    let frontRuns = 0;
    let destroyed = 0;
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
        // A contract that pays whoever it is told to, with money of its own.
        deploy(chain, keys.shopAdmin, 'shop.treasury.v1', 'test.treasury/1', TREASURY);
        chain.submit(keys.pay2, 'settlement', 'transfer', {
          to: contractAccount('shop.treasury.v1'),
          amount: 100_000,
        });
        const initialSupply = settlement.totals(chain.state).supply;
        const placed: Placed[] = [];
        const counter: KeyCounter = { n: 0, keys: new Map() };
        const ledger: Ledger = { preFunded: new Map(), destroyed: new Set() };
        checkInvariants(chain, initialSupply, ledger);
        for (const actions of blocks) {
          const txs: DecodedTx[] = [];
          const kinds: Action['kind'][] = [];
          let advance = 0;
          for (const action of actions) {
            if (action.kind === 'advance') advance += action.blocks;
            const built = txFor(chain, action, placed, run, counter);
            for (const tx of built === undefined ? [] : Array.isArray(built) ? built : [built]) {
              txs.push(tx);
              kinds.push(action.kind);
            }
          }
          const execution = chain.executeBlock(txs);
          let sentBefore = 0;
          execution.txResults.forEach((result: TxResult, i) => {
            const kind = kinds[i]!;
            if (kind === 'toEscrow') {
              assert.notEqual(result.code, 'OK', 'money into an existing escrow is refused');
              // A contract's refused host call fails its call with the settlement code in the message.
              assert.match(`${result.code} ${result.message}`, /SETTLEMENT_MODULE_ACCOUNT/);
            }
            if (kind === 'destroy' && result.code === 'OK') {
              const event = result.events.find((e) => e.name === 'traceRecorded');
              assert.ok(event, 'a recorded destruction announces itself');
              ledger.destroyed.add((event.data as { first: string }).first);
            }
            // A front-run is a transfer followed by its order's creation.
            if (kind === 'frontRun' && txs[i]!.body.command === 'transfer') {
              sentBefore = result.code === 'OK' ? (txs[i]!.body.params as { amount: number }).amount : 0;
            }
            const created = result.events.find((e) => e.module === 'orders' && e.name === 'created');
            if (created === undefined) return;
            const key = counter.keys.get(txs[i]!.actors[0]!)!;
            const id = (created.data as { order: string }).order;
            placed.push({ id, key });
            if (kind === 'frontRun' && sentBefore > 0) ledger.preFunded.set(id, sentBefore);
          });
          checkInvariants(chain, initialSupply, ledger);
          for (let i = 0; i < advance; i++) {
            chain.advance();
            checkInvariants(chain, initialSupply, ledger);
          }
        }
        // Every deadline passes: nothing stays open, nothing stays in escrow.
        for (let i = 0; i < 100; i++) {
          chain.advance();
          checkInvariants(chain, initialSupply, ledger);
        }
        for (const order of allOrders(chain)) {
          assert.ok(!OPEN_STATUSES.has(order.status), `order ${order.id} ended (${order.status})`);
          outcomes.set(order.status, (outcomes.get(order.status) ?? 0) + 1);
        }
        assert.equal(chain.query<EscrowTotals>('orders', 'escrow').held, 0);
        for (const order of allOrders(chain)) {
          assert.equal(settlement.balanceOf(chain.state, escrowAccount(order.id)), 0, 'nothing locked');
        }
        frontRuns += ledger.preFunded.size;
        destroyed += ledger.destroyed.size;
      }),
      { numRuns: 12, seed: 20_260_101 },
    );
    // The interleavings reached every ending (a weak generator would prove nothing).
    assert.ok(frontRuns > 0, 'some escrow received money before its order existed');
    assert.ok(destroyed > 0, 'some item of an order was destroyed');
    for (const status of ['cancelled', 'refunded', 'completed', 'returned', 'arbitrated']) {
      assert.ok(
        (outcomes.get(status) ?? 0) > 0,
        `some order ended ${status}: ${JSON.stringify([...outcomes])}`,
      );
    }
  });
});
