/**
 * Orders across chains: a carrier that records deliveries on a logistics chain links its logistics
 * implementation; an order made with it moves to delivered when that carrier's message arrives proven
 * from the logistics chain, and the buyer's confirmation releases the escrow as for any order. A message
 * for an order not linked so, or from another organisation, is refused into a failed receipt.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  HeaderSigner,
  OrdersErrors,
  type OrderView,
  type Receipt,
  type TestChain,
  testKey,
} from '../src/index.js';
import { assertFails, assertOk } from './helpers.js';
import { admit, newChain, REMOTE_SET, relayPacket } from './linkedChains.helpers.js';
import { keys, type Market, market, orderKey, placeOrder } from './orders.market.test.js';

const MARKET_ORGS = ['brand', 'shop', 'pay', 'reg', 'plat', 'pay2', 'post', 'express', 'live'];
const DAY = 86_400_000;

let m: Market;
let commerce: TestChain;
let logistics: TestChain;
let signer: HeaderSigner;
let trusted = 0;
let sent = 0;
let keyCounter = 500;
let unlinked: { id: string };

before(() => {
  m = market();
  commerce = m.chain;
  logistics = newChain('logistics', {}, (b) =>
    b.organisation('post', ['carrier']).identity('post/clerk', { org: 'post', permissions: ['transact'] }),
  );
  signer = new HeaderSigner(logistics, REMOTE_SET);
  admit(commerce, logistics, signer, 30 * DAY, MARKET_ORGS);
  admit(logistics, commerce, new HeaderSigner(commerce, ['commerce/v1']));
  // Made before the carrier linked its implementation: its delivery is not proven on another chain.
  unlinked = shipped('post.quote.v1');
});
after(() => m.close());

const order = (id: string) => commerce.query<OrderView>('orders', 'order', { id });

/** An order paid and shipped with `logistics`, its key. */
function shipped(logisticsImplementation: string) {
  const key = orderKey(++keyCounter);
  const { result, id } = placeOrder(commerce, { key, logistics: logisticsImplementation });
  assertOk(result);
  assertOk(commerce.submit(keys.pay, 'orders', 'confirmPayment', { order: id }));
  assertOk(commerce.submit(keys.shop, 'orders', 'ship', { order: id }));
  return { id, key };
}

/** A delivery message sent on the logistics chain by `from` and relayed to the commerce chain. */
function deliverFromLogistics(orderId: string, from = testKey('post/clerk')): Receipt {
  assertOk(
    logistics.submit(from, 'interchain', 'send', {
      destChain: commerce.genesis.chainId,
      destModule: 'orders',
      payload: { type: 'delivered', order: orderId, where: 'Beijing' },
      timeoutHeight: 100_000,
    }),
  );
  sent += 1;
  logistics.advance();
  const relayed = relayPacket(signer, commerce, sent, trusted);
  assertOk(relayed.update);
  assertOk(relayed.receive);
  trusted = relayed.proofHeight;
  return commerce.query<Receipt>('interchain', 'receipt', { chainId: 'logistics', sequence: sent });
}

describe('orders: linked delivery', () => {
  it('only an admin of the implementation’s organisation links it', () => {
    const link = { implementation: 'post.quote.v1', chainId: 'logistics', carrier: 'post' };
    assertFails(
      commerce.submit(testKey('express/admin'), 'orders', 'linkLogistics', link),
      OrdersErrors.ORDERS_NOT_IMPLEMENTATION_ADMIN,
    );
    assertFails(
      commerce.submit(testKey('post/clerk'), 'orders', 'linkLogistics', link),
      OrdersErrors.ORDERS_NOT_IMPLEMENTATION_ADMIN,
    );
    assertOk(commerce.submit(testKey('post/admin'), 'orders', 'linkLogistics', link));
  });

  it('a proven delivery from the logistics chain moves the order to delivered; confirmation releases the escrow', () => {
    const { id, key } = shipped('post.quote.v1');
    assert.deepEqual(order(id).linkedDelivery, { chainId: 'logistics', carrier: 'post' });
    const receipt = deliverFromLogistics(id);
    assert.deepEqual([receipt.status, receipt.code, receipt.message], ['delivered', 'OK', '']);
    const delivered = order(id);
    assert.equal(delivered.status, 'delivered');
    assert.equal(delivered.deliveredAt, commerce.blockInfo(commerce.height).time);
    assertOk(commerce.submit(keys.platform, 'orders', 'confirm', { order: id }, { actors: [key] }));
    const ended = order(id);
    assert.equal(ended.status, 'completed');
    assert.equal(ended.escrowBalance, 0);
    assert.ok(ended.payouts!.carrier > 0, 'the carrier was paid its share');
  });

  it('refuses, into a failed receipt, an order not linked, another organisation, or a step out of turn', () => {
    assert.equal(order(unlinked.id).linkedDelivery, undefined);
    assert.equal(deliverFromLogistics(unlinked.id).code, OrdersErrors.ORDERS_NOT_LINKED);
    assert.equal(order(unlinked.id).status, 'shipped');
    const linked = shipped('post.quote.v1');
    assert.equal(deliverFromLogistics(linked.id, testKey('shop/clerk')).code, OrdersErrors.ORDERS_NOT_LINKED);
    assert.equal(deliverFromLogistics(linked.id).code, 'OK');
    assert.equal(deliverFromLogistics(linked.id).code, OrdersErrors.ORDERS_BAD_STATE, 'delivered once');
    assert.equal(order(linked.id).status, 'delivered');
  });
});
