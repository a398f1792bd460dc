/**
 * The order lifecycle through transactions: the happy path with a live-stream host, every way out, the
 * deadlines' default transitions (by advancing one-hour blocks), the kernel's checks of contract answers,
 * recalls, and the composition rule as a property.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  bytesToHex,
  encodeCanonical,
  type SigningKey,
  sealedEnvelopeCodec,
  type TxResult,
  utf8,
} from '@hanglian/core';
import fc from 'fast-check';
import {
  composeOrder,
  contractAccount,
  type EscrowTotals,
  escrowAccount,
  type ItemView,
  OrdersErrors,
  type OrderView,
  type SupplyView,
  type TestChain,
  testAddress,
  testEncryptionKey,
  testKey,
  testSealedEnvelope,
} from '../src/index.js';
import { assertFails, assertOk, thrownCode } from './helpers.js';
import {
  address,
  DAY,
  deploy,
  HOUR,
  keys,
  LISTING,
  type Market,
  market,
  orderKey,
  orderParams,
  POST_SURGE,
  PRICE,
  placeOrder,
  TREASURY,
} from './orders.market.test.js';

let m: Market;
let chain: TestChain;
let keyCounter = 0;
const nextKey = () => orderKey(++keyCounter);

before(() => {
  m = market();
  chain = m.chain;
});
after(() => m.close());

const order = (id: string) => chain.query<OrderView>('orders', 'order', { id });
const item = (code: string) => chain.query<ItemView>('items', 'item', { code });
const balance = (addr: string) =>
  chain.query<{ amount: number }>('settlement', 'balance', { address: addr }).amount;
const supply = () => chain.query<SupplyView>('settlement', 'supply').supply;
const stock = (listing = LISTING) =>
  chain.query<{ stock: number }>('catalog', 'listing', { id: listing }).stock;
const rootOf = (org: string) => testAddress(`${org}/root`);

const pay = (id: string, signer: SigningKey = keys.pay) =>
  chain.submit(signer, 'orders', 'confirmPayment', { order: id });
const ship = (id: string, signer: SigningKey = keys.shop) =>
  chain.submit(signer, 'orders', 'ship', { order: id });
const deliver = (id: string, key: SigningKey, signer: SigningKey = keys.post) =>
  chain.submit(signer, 'orders', 'deliver', { order: id, where: 'door' }, { actors: [key] });
const asBuyer = (command: string, id: string, key: SigningKey, extra: object = {}) =>
  chain.submit(keys.platform, 'orders', command, { order: id, ...extra }, { actors: [key] });

function placed(request: Parameters<typeof placeOrder>[1]): string {
  const { result, id } = placeOrder(chain, request);
  assertOk(result);
  return id;
}

function ended(result: TxResult): { status: string; reason: string; payouts: Record<string, number> } {
  const event = result.events.find((e) => e.module === 'orders' && e.name === 'ended');
  assert.ok(event, 'the order ended');
  return event.data as { status: string; reason: string; payouts: Record<string, number> };
}

/** Advances block by block until the order leaves `status` (a deadline fired); returns the blocks taken. */
function advanceUntilNot(id: string, status: string, limit = 200): number {
  for (let i = 1; i <= limit; i++) {
    chain.advance();
    if (order(id).status !== status) return i;
  }
  assert.fail(`order ${id} stayed ${status}`);
}

describe('orders: the happy path', () => {
  it('creates, funds, ships, delivers and releases by the composition, host included', () => {
    const buyer = nextKey();
    const supplyBefore = supply();
    const stockBefore = stock();
    assertOk(
      chain.submit(
        keys.shopAdmin,
        'orders',
        'setPayee',
        { address: address(keys.shop) },
        { actors: [keys.shop] },
      ),
    );
    const id = placed({ key: buyer, session: 'live/launch' });
    const created = order(id);
    // goods 59.80; post: 8.00 + 2.00 for 800 g; pay: 0.6 % of 69.80; platform 2 %; host 8 % of goods.
    assert.deepEqual(created.composition, {
      goods: 5_980,
      shipping: 1_000,
      total: 6_980,
      carrier: 1_000,
      payment: 41,
      platform: 119,
      host: 478,
      merchant: 6_980 - 1_000 - 41 - 119 - 478,
    });
    assert.equal(created.status, 'created');
    assert.equal(created.host, 'live');
    assert.equal(created.buyer, address(buyer));
    assert.deepEqual(created.implementations, { payment: 'pay.fee.v1', logistics: 'post.quote.v1' });
    assert.equal(created.carrier, 'post');
    assert.equal(created.paymentProvider, 'pay');
    assert.equal(created.deadline, chain.blockInfo(chain.height).time + 3 * HOUR);
    assert.equal(stock(), stockBefore - 1, 'the reserved item left the stock');
    const code = created.codes[0]!;
    assert.equal(item(code).state.status, 'reserved');
    assert.equal(chain.query<{ sealed: string }>('orders', 'delivery', { id }).sealed.length > 0, true);

    const payerBefore = balance(address(keys.pay));
    assertOk(pay(id));
    assert.equal(order(id).escrowBalance, 6_980);
    assert.equal(balance(address(keys.pay)), payerBefore - 6_980);
    assertOk(ship(id));
    assert.deepEqual(
      [item(code).state.custodian, item(code).state.owner, item(code).state.status],
      ['org:post', 'org:shop', 'in-transit'],
    );
    assertOk(deliver(id, buyer));
    assert.deepEqual(
      [item(code).state.owner, item(code).state.custodian, item(code).state.status],
      [`acct:${address(buyer)}`, `acct:${address(buyer)}`, 'sold'],
    );
    const before = {
      shop: balance(address(keys.shop)),
      post: balance(rootOf('post')),
      pay: balance(rootOf('pay')),
      plat: balance(rootOf('plat')),
      live: balance(rootOf('live')),
    };
    const released = ended(assertOk(asBuyer('confirm', id, buyer)));
    assert.equal(released.status, 'completed');
    assert.equal(balance(address(keys.shop)) - before.shop, 5_342);
    assert.equal(balance(rootOf('post')) - before.post, 1_000);
    assert.equal(balance(rootOf('pay')) - before.pay, 41);
    assert.equal(balance(rootOf('plat')) - before.plat, 119);
    assert.equal(balance(rootOf('live')) - before.live, 478);
    assert.equal(order(id).escrowBalance, 0);
    assert.equal(order(id).deadline, 0);
    assert.equal(supply(), supplyBefore, 'orders move money, never make it');
    assert.deepEqual(
      item(code)
        .history.filter((e) => e.why === `order ${id}`)
        .map((e) => [e.bizStep, e.by]),
      [
        ['reserving', `acct:${address(buyer)}`],
        ['shipping', 'org:shop'],
        ['selling', 'org:shop'],
        ['receiving', `acct:${address(buyer)}`],
      ],
    );
    const byMerchant = chain.query<OrderView[]>('orders', 'orders', {
      merchant: 'shop',
      status: 'completed',
    });
    assert.deepEqual(
      byMerchant.map((o) => o.id),
      [id],
    );
    assert.equal(
      chain.query<OrderView[]>('orders', 'orders', { carrier: 'post', status: 'created' }).length,
      0,
    );
    assert.equal(chain.query<OrderView[]>('orders', 'orders', { arbiter: 'reg' }).length, 1);
    assert.equal(chain.query<OrderView[]>('orders', 'orders', { paymentProvider: 'pay' }).length, 1);
    assert.deepEqual(chain.query<EscrowTotals>('orders', 'escrow'), {
      held: 0,
      funded: 6_980,
      released: 6_980,
      refunded: 0,
    });
  });

  it('uses the listing’s inventory implementation (LIFO here) and the payment chosen per order', () => {
    const id = placed({ key: nextKey(), listing: 'shop/hlm-lifo', quantity: 2, payment: 'pay2.fee.v1' });
    const created = order(id);
    // b2 sorts after b1, and "9" after "10": the last two offered, last first.
    assert.deepEqual(created.codes, [`isbn-9787020002207:b2:9`, `isbn-9787020002207:b2:8`]);
    assert.deepEqual(created.implementations, {
      inventory: 'shop.inventory.lifo',
      payment: 'pay2.fee.v1',
      logistics: 'post.quote.v1',
    });
    assert.equal(created.paymentProvider, 'pay2');
    assert.equal(created.composition.payment, 100);
    assert.equal(created.host, undefined, 'no session named');
    // Only pay2 funds it.
    assertFails(pay(id), OrdersErrors.ORDERS_NOT_PROVIDER);
    assertOk(pay(id, keys.pay2));
    assertOk(asBuyer('cancel', id, orderKey(keyCounter)));
  });

  it('pays no host when the session is over or does not feature the listing', () => {
    const other = placed({ key: nextKey(), listing: 'shop/hlm-lifo', session: 'live/launch' });
    assert.equal(order(other).host, undefined);
    assert.equal(order(other).composition.host, 0);
    chain.advance(49);
    const late = placed({ key: nextKey(), session: 'live/launch' });
    assert.equal(order(late).host, undefined);
    assert.equal(order(late).composition.host, 0);
  });
});

describe('orders: creation refuses', () => {
  const key = testKey('consumer/refused');
  const create = (params: object, options: { actors?: SigningKey[]; signer?: SigningKey } = {}) =>
    chain.submit(
      options.signer ?? keys.platform,
      'orders',
      'create',
      {
        buyer: address(key),
        listing: LISTING,
        quantity: 1,
        payment: 'pay.fee.v1',
        logistics: 'post.quote.v1',
        platform: 'plat',
        arbiter: 'reg',
        buyerRegion: 'CN-11',
        delivery: testSealedEnvelope(['post', 'shop'], 'refused'),
        weightGrams: 800,
        // 59.80 + 10.00 shipping: what the buyer saw and its key signs.
        maxTotal: 6_980,
        ...params,
      },
      { actors: options.actors ?? [key] },
    );

  it('wrong parties, standards, carriers, regions and stock', () => {
    assertFails(create({}, { signer: keys.shop }), OrdersErrors.ORDERS_NOT_GATEWAY);
    assertFails(create({}, { actors: [] }), OrdersErrors.ORDERS_NOT_BUYER);
    assertFails(create({ listing: 'shop/none' }), OrdersErrors.ORDERS_LISTING_UNAVAILABLE);
    assertFails(create({ logistics: 'pay.fee.v1' }), OrdersErrors.ORDERS_WRONG_STANDARD);
    assertFails(create({ payment: 'nobody.v1' }), 'REGISTRY_IMPLEMENTATION_NOT_FOUND');
    assertFails(create({ logistics: 'express.quote.v1' }), OrdersErrors.ORDERS_CARRIER_NOT_OFFERED);
    assertFails(create({ buyerRegion: 'CN-44' }), OrdersErrors.ORDERS_REGION_NOT_SERVED);
    assertFails(create({ platform: 'shop' }), OrdersErrors.ORDERS_NOT_PLATFORM);
    assertFails(create({ arbiter: 'plat' }), OrdersErrors.ORDERS_NOT_ARBITER);
    assertFails(create({ quantity: 100 }), OrdersErrors.ORDERS_OUT_OF_STOCK);
    assert.equal(
      thrownCode(() => create({ delivery: new Uint8Array(2049) })),
      'TX_BAD_PARAMS',
    );
  });

  it('a total the order key never signed: a quote beyond its maximum fails the order', () => {
    // Passes its conformance vector (500 g), then quotes 1,500.00 for the 800 g parcel of a live order.
    deploy(chain, testKey('post/admin'), 'post.surge.v1', 'commerce.logistics/1', POST_SURGE);
    const surged = create({ logistics: 'post.surge.v1' });
    assertFails(surged, OrdersErrors.ORDERS_PRICE_NOT_AGREED);
    assert.match(surged.message, /155980/);
    assertFails(create({ maxTotal: 6_979 }), OrdersErrors.ORDERS_PRICE_NOT_AGREED);
    // The parts the buyer knows: the unit price it saw, the most it accepts for shipping.
    assertFails(create({ unitPrice: 5_500 }), OrdersErrors.ORDERS_PRICE_NOT_AGREED);
    assertFails(create({ maxShipping: 999 }), OrdersErrors.ORDERS_PRICE_NOT_AGREED);
    const { maxTotal: _omitted, ...unbounded } = orderParams({ key });
    assert.equal(
      thrownCode(() => chain.submit(keys.platform, 'orders', 'create', unbounded, { actors: [key] })),
      'TX_BAD_PARAMS',
      'an order without a maximum total is malformed',
    );
    const agreed = assertOk(create({ maxTotal: 6_980, unitPrice: PRICE, maxShipping: 1_000 }));
    const id = (agreed.events.find((e) => e.name === 'created')!.data as { order: string }).order;
    assert.equal(order(id).maxTotal, 6_980);
    assert.equal(order(id).composition.total, 6_980);
    assertOk(asBuyer('cancel', id, key));
  });

  it('delivery details the carrier could not read, or that strangers could', () => {
    const sealed = (recipients: Parameters<typeof testSealedEnvelope>[0]) => ({
      delivery: testSealedEnvelope(recipients, 'refused'),
    });
    assertFails(create({ delivery: new Uint8Array(16) }), OrdersErrors.ORDERS_DELIVERY_MALFORMED);
    assertFails(create({ delivery: utf8('北京市海淀区 李华') }), OrdersErrors.ORDERS_DELIVERY_MALFORMED);
    // Recipients out of order (the canonical form names each org once, sorted).
    const good = testSealedEnvelope(['post', 'shop'], 'refused');
    const decoded = sealedEnvelopeCodec.decode(good);
    const reversed = sealedEnvelopeCodec.encode({
      ...decoded,
      recipients: [...decoded.recipients].reverse(),
    });
    assertFails(create({ delivery: reversed }), OrdersErrors.ORDERS_DELIVERY_MALFORMED);
    // Every envelope has one size (issue 16): one padded to 3 × 512 bytes, as envelopes of long addresses
    // were, is refused, so no envelope's size can single out a consumer.
    for (const size of [512, 3 * 512]) {
      const resized = encodeCanonical({ ...decoded, ciphertext: new Uint8Array(size + 16).fill(7) });
      assertFails(create({ delivery: resized }), OrdersErrors.ORDERS_DELIVERY_MALFORMED);
    }
    assertFails(create(sealed(['shop'])), OrdersErrors.ORDERS_DELIVERY_NOT_FOR_CARRIER);
    assertFails(create(sealed(['express', 'shop'])), OrdersErrors.ORDERS_DELIVERY_NOT_FOR_CARRIER);
    assertFails(create(sealed(['plat', 'post'])), OrdersErrors.ORDERS_DELIVERY_STRANGER);
    assertFails(
      create(sealed([{ org: 'post', key: testEncryptionKey('someone-else') }])),
      OrdersErrors.ORDERS_DELIVERY_WRONG_KEY,
    );
    // The carrier alone is enough: the merchant reads them only when the consumer chooses so.
    const alone = create(sealed(['post']), { actors: [testKey('consumer/refused')] });
    assertOk(alone);
    const aloneId = (alone.events.find((e) => e.name === 'created')!.data as { order: string }).order;
    assertOk(asBuyer('cancel', aloneId, testKey('consumer/refused')));
  });

  it('a wallet finds the orders of each of its keys (orders { buyer })', () => {
    const key = testKey('consumer/indexed');
    const first = placed({ key });
    const found = chain.query<OrderView[]>('orders', 'orders', { buyer: address(key) });
    assert.deepEqual(
      found.map((o) => o.id),
      [first],
    );
    assert.deepEqual(chain.query<OrderView[]>('orders', 'orders', { buyer: address(nextKey()) }), []);
    assertOk(asBuyer('cancel', first, key));
  });

  it('fails with the contract’s code when it throws, and never trusts its answers', () => {
    assertFails(create({ buyerRegion: 'CN-65' }), 'CONTRACT_THREW');
    // The shop's inventory answers a forged code on 7 and a duplicate on 6.
    assertFails(create({ listing: 'shop/hlm-lifo', quantity: 7 }), OrdersErrors.ORDERS_BAD_CONTRACT_ANSWER);
    assertFails(create({ listing: 'shop/hlm-lifo', quantity: 6 }), OrdersErrors.ORDERS_BAD_CONTRACT_ANSWER);
    // pay.fee.v1 asks more than the amount on exactly 373.80 (six books).
    assertFails(create({ quantity: 6 }), OrdersErrors.ORDERS_BAD_CONTRACT_ANSWER);
  });
});

describe('orders: ways out', () => {
  it('cancel before payment releases the items; cancel after payment refunds the payer in full', () => {
    const buyer = nextKey();
    const stockBefore = stock();
    const unpaid = placed({ key: buyer, quantity: 2 });
    assertFails(asBuyer('cancel', unpaid, nextKey()), OrdersErrors.ORDERS_NOT_BUYER);
    const cancelled = ended(assertOk(asBuyer('cancel', unpaid, buyer)));
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(stock(), stockBefore);
    assert.equal(item(order(unpaid).codes[0]!).state.status, 'in-stock');

    const buyer2 = nextKey();
    const paid = placed({ key: buyer2 });
    const payerBefore = balance(address(keys.pay));
    assertOk(pay(paid));
    const refunded = ended(assertOk(asBuyer('cancel', paid, buyer2)));
    assert.deepEqual([refunded.status, refunded.payouts.refund], ['refunded', 6_980]);
    assert.equal(balance(address(keys.pay)), payerBefore);
    assert.equal(stock(), stockBefore);

    const shipped = placed({ key: buyer2 });
    assertOk(pay(shipped));
    assertOk(ship(shipped));
    assertFails(asBuyer('cancel', shipped, buyer2), OrdersErrors.ORDERS_BAD_STATE);
    assertFails(ship(shipped), OrdersErrors.ORDERS_BAD_STATE);
    assertFails(deliver(shipped, buyer2, keys.express), OrdersErrors.ORDERS_NOT_CARRIER);
    assertFails(deliver(shipped, nextKey()), OrdersErrors.ORDERS_NOT_BUYER);
    assertOk(deliver(shipped, buyer2));
    assertOk(asBuyer('confirm', shipped, buyer2));
  });

  it('a return within the listing’s days: refund less the restocking fee, no host commission', () => {
    const buyer = nextKey();
    const id = placed({ key: buyer, session: undefined });
    assertOk(pay(id));
    assertOk(ship(id));
    assertOk(deliver(id, buyer));
    const code = order(id).codes[0]!;
    assertOk(asBuyer('return', id, buyer, { where: 'locker 3' }));
    assert.equal(order(id).status, 'returning');
    assert.deepEqual([item(code).state.custodian, item(code).state.status], ['org:post', 'in-transit']);
    assertFails(
      chain.submit(keys.post, 'orders', 'returnReceived', { order: id }),
      OrdersErrors.ORDERS_NOT_MERCHANT,
    );
    const payerBefore = balance(address(keys.pay));
    const returned = ended(assertOk(chain.submit(keys.shop, 'orders', 'returnReceived', { order: id })));
    const fee = Math.floor((PRICE * 1_000) / 10_000);
    assert.deepEqual(returned.payouts, {
      refund: 6_980 - fee,
      merchant: fee,
      carrier: 0,
      payment: 0,
      platform: 0,
      host: 0,
    });
    assert.equal(balance(address(keys.pay)), payerBefore + 6_980 - fee);
    assert.deepEqual([item(code).state.owner, item(code).state.status], ['org:shop', 'in-stock']);
  });

  it('refuses returns after the return days, and on listings without returns', () => {
    const buyer = nextKey();
    const id = placed({ key: buyer });
    assertOk(pay(id));
    assertOk(ship(id));
    assertOk(deliver(id, buyer));
    // The block at which the two days are over: its transactions run before its deadlines.
    chain.advance(47);
    assertFails(asBuyer('return', id, buyer), OrdersErrors.ORDERS_RETURN_CLOSED);
    assert.equal(order(id).status, 'completed', 'then released by its deadline in the same block');
    const noReturns = placed({ key: buyer, listing: 'shop/hlm-lifo' });
    assertOk(pay(noReturns));
    assertOk(ship(noReturns));
    assertOk(deliver(noReturns, buyer));
    assertFails(asBuyer('return', noReturns, buyer), OrdersErrors.ORDERS_RETURN_CLOSED);
  });

  it('a dispute split by the arbiter named at creation, by the stated rule', () => {
    const buyer = nextKey();
    const id = placed({ key: buyer, session: 'live/launch' });
    assertOk(pay(id));
    assertOk(ship(id));
    assertOk(deliver(id, buyer));
    assertFails(
      chain.submit(keys.post, 'orders', 'dispute', { order: id, reason: 'no' }),
      OrdersErrors.ORDERS_NOT_BUYER,
    );
    assertOk(asBuyer('dispute', id, buyer, { reason: 'cover torn' }));
    assert.deepEqual(
      [order(id).status, order(id).disputedFrom, order(id).disputedBy],
      ['disputed', 'delivered', 'buyer'],
    );
    assertFails(asBuyer('confirm', id, buyer), OrdersErrors.ORDERS_BAD_STATE);
    const split = { order: id, refund: 3_000, items: 'buyer' };
    assertFails(
      chain.submit(keys.platform, 'orders', 'arbitrate', split),
      OrdersErrors.ORDERS_NOT_ORDER_ARBITER,
    );
    assertFails(
      chain.submit(keys.arbiter, 'orders', 'arbitrate', { ...split, refund: 7_000 }),
      OrdersErrors.ORDERS_BAD_SPLIT,
    );
    const decided = ended(assertOk(chain.submit(keys.arbiter, 'orders', 'arbitrate', split)));
    // 39.80 left: carrier 10.00, payment 0.41, platform 1.19 first; the merchant the rest; no host.
    assert.deepEqual(decided.payouts, {
      refund: 3_000,
      carrier: 1_000,
      payment: 41,
      platform: 119,
      host: 0,
      merchant: 3_980 - 1_000 - 41 - 119,
    });
    assert.equal(decided.status, 'arbitrated');
    assert.equal(item(order(id).codes[0]!).state.owner, `acct:${address(buyer)}`);
  });

  it('the merchant disputes; the arbiter sends the items back and refunds everything', () => {
    const buyer = nextKey();
    const id = placed({ key: buyer });
    assertOk(pay(id));
    assertOk(chain.submit(keys.shop, 'orders', 'dispute', { order: id, reason: 'address is a PO box' }));
    assert.equal(order(id).disputedBy, 'merchant');
    const decided = ended(
      assertOk(
        chain.submit(keys.arbiter, 'orders', 'arbitrate', { order: id, refund: 6_980, items: 'merchant' }),
      ),
    );
    assert.equal(decided.payouts.refund, 6_980);
    assert.equal(item(order(id).codes[0]!).state.status, 'in-stock');
  });
});

describe('orders: deadlines apply the default transitions', () => {
  it('not paid in time: cancelled, items back in stock', () => {
    const stockBefore = stock();
    const id = placed({ key: nextKey() });
    assert.equal(advanceUntilNot(id, 'created'), 3);
    assert.deepEqual([order(id).status, order(id).reason], ['cancelled', 'not-paid']);
    assert.equal(stock(), stockBefore);
    const events = chain.blocks[chain.height]!.blockEvents.filter((e) => e.module === 'orders');
    assert.deepEqual(
      events.map((e) => [e.name, (e.data as { by: string }).by]),
      [['ended', 'deadline']],
    );
  });

  it('not shipped in time: refunded in full', () => {
    const id = placed({ key: nextKey() });
    assertOk(pay(id));
    const payerBefore = balance(address(keys.pay));
    assert.equal(advanceUntilNot(id, 'paid'), 6);
    assert.deepEqual([order(id).status, order(id).reason], ['refunded', 'not-shipped']);
    assert.equal(balance(address(keys.pay)), payerBefore + 6_980);
  });

  it('not delivered in time: to the arbiter; a silent arbiter means a full refund, items to the merchant', () => {
    const id = placed({ key: nextKey() });
    assertOk(pay(id));
    assertOk(ship(id));
    // Quoted 2 days across regions, plus 6 hours of grace.
    assert.equal(advanceUntilNot(id, 'shipped'), 54);
    assert.deepEqual([order(id).status, order(id).disputedBy], ['disputed', 'deadline']);
    assert.equal(advanceUntilNot(id, 'disputed'), 24);
    assert.deepEqual([order(id).status, order(id).reason], ['refunded', 'arbiter-silent']);
    const code = order(id).codes[0]!;
    assert.deepEqual(
      [item(code).state.owner, item(code).state.custodian, item(code).state.status],
      ['org:shop', 'org:shop', 'in-stock'],
    );
  });

  it('not confirmed: released when the later of the confirmation window and the return days passes', () => {
    const buyer = nextKey();
    const id = placed({ key: buyer });
    assertOk(pay(id));
    assertOk(ship(id));
    assertOk(deliver(id, buyer));
    assert.equal(order(id).deadline - order(id).deliveredAt!, 2 * DAY);
    assert.equal(advanceUntilNot(id, 'delivered'), 48);
    assert.deepEqual([order(id).status, order(id).reason], ['completed', 'confirmation-window-passed']);
    const noReturns = placed({ key: buyer, listing: 'shop/hlm-lifo' });
    assertOk(pay(noReturns));
    assertOk(ship(noReturns));
    assertOk(deliver(noReturns, buyer));
    assert.equal(advanceUntilNot(noReturns, 'delivered'), 12);
  });

  it('a return the merchant never records: completed by default (refund less the fee)', () => {
    const buyer = nextKey();
    const id = placed({ key: buyer });
    assertOk(pay(id));
    assertOk(ship(id));
    assertOk(deliver(id, buyer));
    assertOk(asBuyer('return', id, buyer));
    assert.equal(advanceUntilNot(id, 'returning'), 12);
    assert.deepEqual([order(id).status, order(id).reason], ['returned', 'return-not-recorded']);
    assert.equal(order(id).payouts!.refund, 6_980 - 598);
  });
});

describe('orders: a recall refunds the open orders holding its items', () => {
  it('refunds at once on request, by default at the deadline, and never reserves recalled items again', () => {
    const buyer = nextKey();
    // LIFO picks from batch b2, which the publisher then recalls.
    const delivered = placed({ key: buyer, listing: 'shop/hlm-lifo' });
    assertOk(pay(delivered));
    assertOk(ship(delivered));
    assertOk(deliver(delivered, buyer));
    const paid = placed({ key: buyer, listing: 'shop/hlm-lifo' });
    assertOk(pay(paid));
    assert.ok(order(paid).codes.every((c) => c.includes(':b2:')));
    assertFails(
      chain.submit(keys.brand, 'orders', 'refundRecalled', { order: paid }),
      OrdersErrors.ORDERS_NOT_RECALLED,
    );
    assertOk(
      chain.submit(keys.brand, 'items', 'recallBatch', {
        sku: 'isbn-9787020002207',
        batch: 'b2',
        reason: 'misprint',
      }),
    );
    assertFails(ship(paid), OrdersErrors.ORDERS_RECALLED);
    const refunded = ended(assertOk(chain.submit(keys.brand, 'orders', 'refundRecalled', { order: paid })));
    assert.deepEqual(
      [refunded.status, refunded.reason, refunded.payouts.refund],
      ['refunded', 'recall', 6_980],
    );
    assert.equal(item(order(paid).codes[0]!).state.status, 'recalled');
    // The delivered one is refunded by its deadline instead of released.
    assertFails(asBuyer('confirm', delivered, buyer), OrdersErrors.ORDERS_RECALLED);
    advanceUntilNot(delivered, 'delivered');
    assert.deepEqual([order(delivered).status, order(delivered).reason], ['refunded', 'recall']);
    const code = order(delivered).codes[0]!;
    assert.deepEqual(
      [item(code).state.owner, item(code).state.custodian, item(code).state.status],
      ['org:shop', `acct:${address(buyer)}`, 'recalled'],
    );
    const fresh = placed({ key: buyer, listing: 'shop/hlm-lifo' });
    assert.ok(
      order(fresh).codes.every((c) => c.includes(':b1:')),
      'recalled items are never offered',
    );
  });
});

describe('orders: a destroyed item stays destroyed, and its order resolves by refund', () => {
  const destroy = (signer: SigningKey, code: string) =>
    chain.submit(signer, 'items', 'recordEvent', {
      items: { codes: [code] },
      bizStep: 'destroying',
      where: 'depot',
      why: 'water damage',
    });
  const verdict = (code: string, claimedOwner?: string) =>
    chain.query<{ verdict: string; flags: string[] }>(
      'items',
      'verify',
      claimedOwner === undefined ? { code } : { code, claimedOwner },
    );

  it('the merchant destroys a reserved copy and the buyer cancels: the copy does not come back in stock', () => {
    const buyer = nextKey();
    const id = placed({ key: buyer });
    assertOk(pay(id));
    const code = order(id).codes[0]!;
    assertOk(destroy(keys.shop, code));
    const refunded = ended(assertOk(asBuyer('cancel', id, buyer)));
    assert.deepEqual([refunded.status, refunded.payouts.refund], ['refunded', 6_980]);
    assert.equal(item(code).state.status, 'destroyed', 'cancelling revives nothing');
    assert.equal(verdict(code).verdict, 'suspect');
    assert.ok(verdict(code).flags.includes('destroyed'));
    // No later order is ever given it (FIFO would offer it first, were it in stock again).
    const again = placed({ key: nextKey(), quantity: 3 });
    assert.ok(!order(again).codes.includes(code), 'a destroyed code is never reserved again');
  });

  it('the carrier destroys the parcel in its custody: it cannot deliver it, and the order is refunded', () => {
    const buyer = nextKey();
    const id = placed({ key: buyer });
    assertOk(pay(id));
    assertOk(ship(id));
    const code = order(id).codes[0]!;
    assertOk(destroy(keys.post, code));
    assertFails(deliver(id, buyer), OrdersErrors.ORDERS_ITEM_DESTROYED);
    assertFails(asBuyer('dispute', id, buyer, { reason: 'never came' }), OrdersErrors.ORDERS_ITEM_DESTROYED);
    const refunded = ended(assertOk(chain.submit(keys.brand, 'orders', 'refundRecalled', { order: id })));
    assert.deepEqual(
      [refunded.status, refunded.reason, refunded.payouts.refund],
      ['refunded', 'item-destroyed', 6_980],
    );
    assert.equal(item(code).state.status, 'destroyed');
    assert.notEqual(verdict(code, `acct:${address(buyer)}`).verdict, 'genuine');
  });

  it('by default at its deadline, an order holding a destroyed item is refunded (not disputed or released)', () => {
    const buyer = nextKey();
    const id = placed({ key: buyer });
    assertOk(pay(id));
    assertOk(ship(id));
    const code = order(id).codes[0]!;
    assertOk(destroy(keys.post, code));
    advanceUntilNot(id, 'shipped');
    assert.deepEqual([order(id).status, order(id).reason], ['refunded', 'item-destroyed']);
    assert.equal(item(code).state.status, 'destroyed');
  });

  it('a parcel destroyed on its way back: the merchant cannot record it in stock; the buyer is refunded', () => {
    const buyer = nextKey();
    const id = placed({ key: buyer });
    assertOk(pay(id));
    assertOk(ship(id));
    assertOk(deliver(id, buyer));
    assertOk(asBuyer('return', id, buyer));
    const code = order(id).codes[0]!;
    assertOk(destroy(keys.post, code));
    assertFails(
      chain.submit(keys.shop, 'orders', 'returnReceived', { order: id }),
      OrdersErrors.ORDERS_ITEM_DESTROYED,
    );
    const refunded = ended(assertOk(chain.submit(keys.brand, 'orders', 'refundRecalled', { order: id })));
    assert.deepEqual([refunded.status, refunded.payouts.refund], ['refunded', 6_980]);
    assert.equal(item(code).state.status, 'destroyed');
  });
});

describe('orders: money sent to an escrow address is never stranded', () => {
  const transfer = (from: SigningKey, to: string, amount: number) =>
    chain.submit(from, 'settlement', 'transfer', { to, amount });

  it('refuses a member’s transfer into an order’s escrow, open or ended; nothing is left after settlement', () => {
    const buyer = nextKey();
    const id = placed({ key: buyer });
    const escrow = escrowAccount(id);
    assertFails(transfer(keys.pay, escrow, 500), 'SETTLEMENT_MODULE_ACCOUNT');
    // Nor may an issuer issue new units into it.
    assertFails(
      chain.submit(keys.pay, 'settlement', 'issue', { to: escrow, amount: 500, reference: 'x' }),
      'SETTLEMENT_MODULE_ACCOUNT',
    );
    assertOk(pay(id));
    assertFails(transfer(keys.pay, escrow, 500), 'SETTLEMENT_MODULE_ACCOUNT');
    assertOk(ship(id));
    assertOk(deliver(id, buyer));
    assertOk(asBuyer('confirm', id, buyer));
    assert.equal(balance(escrow), 0, 'the escrow is empty once the order settled');
    assertFails(transfer(keys.pay, escrow, 500), 'SETTLEMENT_MODULE_ACCOUNT');
    assert.equal(balance(escrow), 0);
  });

  it('refuses a contract’s settlement transfer into an escrow', () => {
    deploy(chain, keys.shopAdmin, 'shop.treasury.v1', 'test.treasury/1', TREASURY);
    const treasury = contractAccount('shop.treasury.v1');
    assertOk(transfer(keys.pay, treasury, 1_000));
    const id = placed({ key: nextKey() });
    const result = chain.submit(keys.shop, 'registry', 'call', {
      implementation: 'shop.treasury.v1',
      method: 'pay',
      args: [{ to: escrowAccount(id), amount: 100 }],
    });
    assert.notEqual(result.code, 'OK');
    assert.match(result.message, /SETTLEMENT_MODULE_ACCOUNT/);
    assert.equal(balance(escrowAccount(id)), 0);
    assert.equal(balance(treasury), 1_000);
    // The same contract pays an ordinary account.
    assertOk(
      chain.submit(keys.shop, 'registry', 'call', {
        implementation: 'shop.treasury.v1',
        method: 'pay',
        args: [{ to: address(keys.shop), amount: 100 }],
      }),
    );
  });

  /** Sends money to the escrow of an order before the order exists (its id is its transaction's). */
  function frontRun(buyer: SigningKey, amount: number): string {
    const tx = chain.buildTx(keys.platform, 'orders', 'create', orderParams({ key: buyer }), {
      actors: [buyer],
    });
    const id = bytesToHex(tx.id).slice(0, 32);
    assertOk(transfer(keys.pay2, escrowAccount(id), amount));
    const [created] = chain.executeBlock([tx]).txResults;
    assertOk(created!);
    return id;
  }

  it('returns money sent before the order existed to the payer when the order settles', () => {
    const buyer = nextKey();
    const id = frontRun(buyer, 500);
    assert.equal(balance(escrowAccount(id)), 500);
    assertOk(pay(id));
    assertOk(ship(id));
    assertOk(deliver(id, buyer));
    const payerBefore = balance(address(keys.pay));
    const result = ended(assertOk(asBuyer('confirm', id, buyer)));
    assert.equal(result.status, 'completed');
    assert.equal(balance(escrowAccount(id)), 0, 'nothing stays locked');
    assert.equal(balance(address(keys.pay)), payerBefore + 500, 'the surplus goes where refunds go');
    assert.equal(order(id).surplus, 500);
  });

  it('returns it to the order key when the order ends unfunded', () => {
    const buyer = nextKey();
    const id = frontRun(buyer, 300);
    ended(assertOk(asBuyer('cancel', id, buyer)));
    assert.equal(balance(escrowAccount(id)), 0);
    assert.equal(balance(address(buyer)), 300, 'the wallet holds the order key');
  });
});

describe('item verification says what the chain knows, without the shopper asking', () => {
  type Verification = {
    verdict: string;
    flags: string[];
    channel: { channel: string; org: string | null; region: string | null };
  };
  const verify = (code: string, claimedOwner?: string) =>
    chain.query<Verification>(
      'items',
      'verify',
      claimedOwner === undefined ? { code } : { code, claimedOwner },
    );
  const deliveredCopy = (buyerRegion = 'CN-11'): { code: string; buyer: SigningKey } => {
    const buyer = nextKey();
    const id = placed({ key: buyer, buyerRegion });
    assertOk(pay(id));
    assertOk(ship(id));
    assertOk(deliver(id, buyer));
    assertOk(asBuyer('confirm', id, buyer));
    return { code: order(id).codes[0]!, buyer };
  };

  it('stock held without the producer’s authorisation is outside its channel (串货) in the verdict itself', () => {
    // The market's publisher never authorised the shop: every copy it holds is 串货.
    const code = order(placed({ key: nextKey() })).codes[0]!;
    const answer = verify(code);
    assert.equal(answer.verdict, 'suspect');
    assert.ok(answer.flags.includes('outside-channel'), JSON.stringify(answer.flags));
    assert.deepEqual([answer.channel.channel, answer.channel.org], ['outside-channel', 'shop']);
  });

  it('a sold code scanned without an owner reads "sold", not "genuine"; its owner sees it genuine', () => {
    assertOk(chain.submit(keys.brand, 'distribution', 'authoriseChannel', { org: 'shop' }));
    const { code, buyer } = deliveredCopy();
    const anyone = verify(code);
    assert.equal(anyone.verdict, 'sold', 'someone already bought this copy');
    assert.deepEqual(anyone.flags, ['sold']);
    assert.equal(verify(code, `acct:${address(buyer)}`).verdict, 'genuine', 'the buyer’s own copy');
    const offered = verify(code, 'org:shop');
    assert.equal(offered.verdict, 'suspect');
    assert.ok(offered.flags.includes('sold-to-another'));
  });

  it('a copy sold into a region outside its seller’s channel is outside its region', () => {
    assertOk(
      chain.submit(keys.brand, 'distribution', 'authoriseChannel', { org: 'shop', regions: ['CN-31'] }),
    );
    const inside = deliveredCopy('CN-31');
    assert.equal(verify(inside.code, `acct:${address(inside.buyer)}`).verdict, 'genuine');
    const outside = deliveredCopy('CN-11');
    const answer = verify(outside.code, `acct:${address(outside.buyer)}`);
    assert.equal(answer.verdict, 'suspect');
    assert.deepEqual(answer.flags, ['outside-region']);
    assert.deepEqual(
      [answer.channel.channel, answer.channel.org, answer.channel.region],
      ['outside-region', 'shop', 'CN-11'],
    );
    // Provenance says the same, judged at the sale.
    assert.equal(
      chain.query<{ channel: string }>('distribution', 'provenance', { code: outside.code }).channel,
      'outside-region',
    );
    assertOk(chain.submit(keys.brand, 'distribution', 'revokeChannel', { org: 'shop' }));
  });
});

describe('orders: the composition rule', () => {
  it('parts are non-negative integers that sum to the total exactly, or the order is refused', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000_000 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (price, quantity, shipping, platformFeeBps, hostCommissionBps, feeShare) => {
          const total = price * quantity + shipping;
          const paymentFee = Math.floor(total * feeShare);
          let parts: ReturnType<typeof composeOrder>;
          try {
            parts = composeOrder({
              price,
              quantity,
              shipping,
              paymentFee,
              platformFeeBps,
              hostCommissionBps,
            });
          } catch {
            // Refused only when the fees really exceed the total.
            const goods = BigInt(price * quantity);
            const platform = (goods * BigInt(platformFeeBps)) / 10_000n;
            const host = (goods * BigInt(hostCommissionBps)) / 10_000n;
            assert.ok(BigInt(shipping + paymentFee) + platform + host > BigInt(total));
            return;
          }
          const { goods, merchant, carrier, payment, platform, host } = parts;
          assert.equal(goods, price * quantity);
          assert.equal(parts.total, total);
          assert.equal(merchant + carrier + payment + platform + host, parts.total);
          for (const part of [merchant, carrier, payment, platform, host])
            assert.ok(Number.isSafeInteger(part) && part >= 0);
          assert.equal(carrier, shipping);
        },
      ),
      { numRuns: 2_000 },
    );
    assert.equal(
      thrownCode(() =>
        composeOrder({
          price: 100,
          quantity: 1,
          shipping: 0,
          paymentFee: 50,
          platformFeeBps: 5_000,
          hostCommissionBps: 100,
        }),
      ),
      OrdersErrors.ORDERS_FEES_EXCEED_PRICE,
    );
  });
});

describe('orders: the built-in choice reads only the first holdings it needs, and chooses what it chose before', () => {
  // The built-in (FIFO) choice used to read and decode a whole window of the merchant's holdings (up to
  // maxAvailableOffered + 64) for every order; it now reads a few more than the quantity, and falls back
  // to the whole window when those are not enough. The codes chosen and the errors must not change.
  it('skips a recalled first batch through the fallback, and words out-of-stock from the whole window', async () => {
    const own = market({ stock: 30 });
    try {
      const sku = 'isbn-9787020002207';
      const place = (quantity: number) =>
        placeOrder(own.chain, { key: orderKey(9_000 + quantity), quantity });
      // Key order of codes is textual: b1:1, b1:10, b1:11, … b1:19, b1:2, b1:20, …
      const first = place(2);
      assertOk(first.result);
      assert.deepEqual(own.chain.query<OrderView>('orders', 'order', { id: first.id }).codes, [
        `${sku}:b1:1`,
        `${sku}:b1:10`,
      ]);
      // Batch b1 recalled: the 28 codes of it still held come first in key order, far more than the short
      // read (quantity + 8), so only the whole window finds batch b2's codes.
      assertOk(
        own.chain.submit(keys.brand, 'items', 'recallBatch', { sku, batch: 'b1', reason: 'misprint' }),
      );
      const second = place(3);
      assertOk(second.result);
      assert.deepEqual(own.chain.query<OrderView>('orders', 'order', { id: second.id }).codes, [
        `${sku}:b2:1`,
        `${sku}:b2:10`,
        `${sku}:b2:2`,
      ]);
      // 7 good codes left (b2:3 … b2:9): asking for 8 fails, saying how many are available.
      const tooMany = place(8);
      assert.equal(tooMany.result.code, OrdersErrors.ORDERS_OUT_OF_STOCK);
      assert.match(tooMany.result.message, /holds 7 of/);
    } finally {
      await own.close();
    }
  });
});
