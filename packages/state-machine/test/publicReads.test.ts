/**
 * The public-read rule (docs/privacy.md): a read answered to someone who is not a member never returns
 * what a members-only store holds. Every query declares the stores it reads (`Query.reads`); here each
 * declaration is checked against the module declarations (a public read lists only public stores) and
 * against what the query really touches on a market with orders, run both as a member and as the public.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HanglianError } from '@hanglian/core';
import {
  type Query,
  type ReadAccess,
  RecordingStateView,
  type StateMachine,
  type TestChain,
  testAddress,
  testKey,
} from '../src/index.js';
import { assertOk, thrownCode } from './helpers.js';
import {
  address,
  deploy,
  keys,
  LISTING,
  type Market,
  market,
  orderKey,
  placeOrder,
  SKU,
} from './orders.market.test.js';

/** Payment fees computed from the contract's own state (members-only, as all contract state). */
const READS_OWN_STATE = `var contract = {
  fee(r) { var rate = chain.state.get('rate'); return { fee: rate === undefined || rate === null ? 1 : Number(rate) }; },
};`;
/** A fee that looks at the contract's own balance (balances are members-only). */
const READS_A_BALANCE = `var contract = {
  fee(r) { var held = chain.call('settlement.balanceOf'); return { fee: held > 0 ? 2 : 1 }; },
};`;

let m: Market;
let chain: TestChain;
let orderId = '';
let buyer = '';
let sold = '';

before(() => {
  m = market();
  chain = m.chain;
  const key = orderKey(9001);
  buyer = address(key);
  const placed = placeOrder(chain, { key });
  assertOk(placed.result);
  orderId = placed.id;
  assertOk(chain.submit(keys.pay, 'orders', 'confirmPayment', { order: orderId }));
  deploy(chain, testKey('pay/admin'), 'pay.stateful.v1', 'commerce.payment/1', READS_OWN_STATE);
  deploy(chain, testKey('pay/admin'), 'pay.balance.v1', 'commerce.payment/1', READS_A_BALANCE);
  sold = chain.query<{ codes: string[] }>('orders', 'order', { id: orderId }).codes[0]!;
});
after(() => m.close());

/** Parameters to run each query with (every query of the kernel must have some: a new one adds its own). */
function samples(): Record<string, unknown[]> {
  const first = `${SKU}:b1:1`;
  return {
    'identity.organisation': [{ id: 'shop' }],
    'identity.organisations': [{}],
    'identity.identity': [{ address: address(keys.shop) }],
    'identity.members': [{ org: 'shop' }],
    'identity.encryptionKey': [{ org: 'post' }],
    'governance.proposal': [{ id: 1 }],
    'governance.proposals': [{}],
    'governance.validators': [{}],
    'governance.parameters': [{}],
    'governance.upgradePlan': [{}],
    'governance.upgrades': [{}],
    'settlement.balance': [{ address: address(keys.pay) }],
    'settlement.supply': [{}],
    'settlement.issuer': [{ org: 'pay' }],
    'evidence.equivocations': [{}, { org: 'shop' }],
    'items.product': [{ sku: SKU }],
    'items.products': [{ producer: 'brand' }],
    'items.batch': [{ sku: SKU, batch: 'b1' }],
    'items.batches': [{ sku: SKU }],
    'items.item': [{ code: first }, { code: sold }],
    'items.verify': [
      { code: first },
      { code: sold },
      { code: sold, owner: `acct:${buyer}` },
      { code: 'nope' },
    ],
    'distribution.channels': [{ producer: 'brand' }],
    'distribution.shipment': [{ from: 'brand', id: 's1' }],
    'distribution.shipments': [{ to: 'shop' }],
    'distribution.provenance': [{ code: first }, { code: sold, region: 'CN-11' }],
    'catalog.listing': [{ id: LISTING }],
    'catalog.listings': [{}, { sku: SKU }, { merchant: 'shop' }],
    'catalog.session': [{ id: 'live/launch' }],
    'catalog.sessions': [{}, { host: 'live' }],
    'registry.standard': [{ id: 'commerce.payment/1' }],
    'registry.standards': [{}],
    'registry.implementation': [{ id: 'pay.fee.v1' }],
    'registry.implementations': [{}, { standard: 'commerce.payment/1' }],
    'registry.code': [{ hash: '0'.repeat(64) }],
    'registry.contractState': [{ implementation: 'pay.fee.v1', key: 'x' }],
    'registry.parameters': [{}],
    'registry.callReadOnly': [{ implementation: 'pay.fee.v1', method: 'fee', args: [{ amount: 1000 }] }],
    'orders.order': [{ id: orderId }],
    'orders.orders': [{ buyer }, { merchant: 'shop' }, { carrier: 'post' }],
    'orders.escrow': [{}],
    'orders.delivery': [{ id: orderId }],
    'orders.payee': [{ org: 'shop' }],
    'orders.parameters': [{}],
    'orders.buyerBucket': [{ bucket: buyer.slice(2, 3) }, { bucket: buyer.slice(2, 8), limit: 1 }],
    'reviews.review': [{ order: orderId }],
    'reviews.reviews': [{ listing: LISTING }],
    'reviews.rating': [{ listing: LISTING }, { merchant: 'shop' }],
    'privacy.grant': [{ id: testAddress('grant/none') }],
    'privacy.grants': [{ grantee: 'plat' }],
    'privacy.parameters': [{}],
    'insights.aggregates': [{ producer: 'brand', month: '2026-01', measure: 'sales' }],
    'insights.products': [{ producer: 'brand' }],
    'insights.status': [{}],
    'interchain.sequences': [{ chainId: 'hanglian-other' }],
    'interchain.outbox': [{ chainId: 'hanglian-other' }],
    'interchain.receipts': [{ chainId: 'hanglian-other' }],
    'interchain.receipt': [{ chainId: 'hanglian-other', sequence: 1 }],
    'lightclients.client': [{ chainId: 'hanglian-other' }],
    'lightclients.clients': [{}],
    'lightclients.consensusState': [{ chainId: 'hanglian-other', height: 1 }],
    'lightclients.misbehaviour': [{ chainId: 'hanglian-other' }],
    'lightclients.parameters': [{}],
  };
}

function allQueries(machine: StateMachine): Array<{ id: string; query: Query }> {
  return machine.modules.flatMap((module) =>
    module.queries.map((query) => ({ id: `${module.name}.${query.name}`, query: query as Query })),
  );
}

function accessOf(query: Query, params: unknown): ReadAccess {
  const access = query.access ?? 'members';
  return typeof access === 'string' ? access : access(params as never);
}

/** Runs a query as `reader` over a recording view; the stores it touched. */
function touched(id: string, params: unknown, reader: ReadAccess): Set<string> {
  const [module, name] = id.split('.') as [string, string];
  const view = new RecordingStateView(chain.state);
  const at = { height: chain.height, time: chain.blockInfo(chain.height).time };
  try {
    chain.machine.runCheckedQuery(module, name, params, view, at, reader);
  } catch (error) {
    // A query may refuse its params after reading (a month not over yet): what it read still counts.
    // The public-read refusal itself is what the declarations must prevent.
    if (!(error instanceof HanglianError) || error.code === 'QUERY_READ_DENIED') throw error;
  }
  return view.stores;
}

describe('the public-read rule', () => {
  it('every query declares only stores that exist, and a public read lists only public stores', () => {
    const stores = chain.machine.storeAccess();
    for (const { id, query } of allQueries(chain.machine)) {
      const declared = [...(query.reads.public ?? []), ...(query.reads.members ?? [])];
      for (const store of declared) assert.ok(stores.has(store), `${id} declares an unknown store ${store}`);
      for (const store of query.reads.public ?? []) {
        assert.equal(
          stores.get(store),
          'public',
          `${id} reads ${store} for the public, a members-only store`,
        );
      }
      if (query.access === undefined || query.access === 'members') {
        assert.deepEqual(query.reads.public ?? [], [], `${id} is members-only: it has no public reads`);
      }
    }
  });

  it('every key in the state belongs to a declared store (an undeclared one would default to members)', () => {
    const stores = chain.machine.storeAccess();
    const seen = new Set<string>();
    for (const { key } of chain.state.iterate(new Uint8Array())) {
      const [module, store] = new TextDecoder().decode(key).split('/');
      seen.add(`${module}/${store}`);
    }
    for (const store of seen)
      assert.ok(stores.has(store), `${store} is written but not declared by its module`);
  });

  it('every query of the kernel has sample parameters here', () => {
    const have = samples();
    for (const { id } of allQueries(chain.machine)) assert.ok(have[id] !== undefined, `no sample for ${id}`);
  });

  it('each query touches only what it declares, and a public answer only public stores', () => {
    const stores = chain.machine.storeAccess();
    const wrong: string[] = [];
    for (const [id, list] of Object.entries(samples())) {
      const found = allQueries(chain.machine).find((q) => q.id === id);
      assert.ok(found, `${id} is a query`);
      const declaredPublic = new Set(found.query.reads.public ?? []);
      const declaredAll = new Set([...declaredPublic, ...(found.query.reads.members ?? [])]);
      for (const params of list) {
        const call = `${id}(${JSON.stringify(params)})`;
        for (const store of touched(id, params, 'members')) {
          if (!declaredAll.has(store)) wrong.push(`${call} read ${store}, not declared`);
        }
        if (accessOf(found.query, params) !== 'public') continue;
        for (const store of touched(id, params, 'public')) {
          if (!declaredPublic.has(store) || stores.get(store) !== 'public')
            wrong.push(`${call} read ${store} for the public`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('a query that touches a members-only store while answering the public is refused (QUERY_READ_DENIED)', () => {
    const at = { height: chain.height, time: chain.blockInfo(chain.height).time };
    // settlement.balance reads the members-only balances: run it as the public would be refused.
    assert.equal(
      thrownCode(() =>
        chain.machine.runCheckedQuery('settlement', 'balance', { address: buyer }, chain.state, at, 'public'),
      ),
      'QUERY_READ_DENIED',
    );
  });

  it('a contract called read-only for the public cannot read its own state or a balance', () => {
    const at = { height: chain.height, time: chain.blockInfo(chain.height).time };
    for (const implementation of ['pay.stateful.v1', 'pay.balance.v1']) {
      const params = { implementation, method: 'fee', args: [{ amount: 1000 }] };
      const asMember = chain.machine.runCheckedQuery(
        'registry',
        'callReadOnly',
        params,
        chain.state,
        at,
        'members',
      );
      assert.equal((asMember as { ok: boolean }).ok, true, JSON.stringify(asMember));
      assert.equal(
        thrownCode(() =>
          chain.machine.runCheckedQuery('registry', 'callReadOnly', params, chain.state, at, 'public'),
        ),
        'QUERY_READ_DENIED',
        implementation,
      );
    }
    // A pure contract (the reference ones) answers the public as before.
    const pure = { implementation: 'pay.fee.v1', method: 'fee', args: [{ amount: 1000 }] };
    const open = chain.machine.runCheckedQuery('registry', 'callReadOnly', pure, chain.state, at, 'public');
    assert.equal((open as { ok: boolean }).ok, true);
  });

  // Found from outside (issue 16): the public order query returned the escrow balance read from the
  // members-only balances store, and the public escrow-totals query answered what the totals store refuses.
  it('the order answered to the public carries no escrow balance; members still see it', () => {
    const asPublic = chain.machine.query(
      'orders',
      'order',
      { id: orderId },
      chain.state,
      {
        height: chain.height,
        time: 0,
      },
      (access) => {
        assert.equal(access, 'public');
        return 'public';
      },
    ) as Record<string, unknown>;
    assert.equal(asPublic.id, orderId);
    assert.equal('escrowBalance' in asPublic, false, JSON.stringify(asPublic));
    const asMember = chain.query<Record<string, unknown>>('orders', 'order', { id: orderId });
    assert.equal(typeof asMember.escrowBalance, 'number');
    assert.ok((asMember.escrowBalance as number) > 0);
    const listed = chain.machine.query(
      'orders',
      'orders',
      { buyer },
      chain.state,
      { height: chain.height, time: 0 },
      () => 'public',
    ) as Array<Record<string, unknown>>;
    assert.equal(listed.length, 1);
    assert.equal('escrowBalance' in listed[0]!, false);
  });

  it('escrow totals are members-only, like the store that holds them', () => {
    const escrow = allQueries(chain.machine).find((q) => q.id === 'orders.escrow')!.query;
    assert.equal(escrow.access ?? 'members', 'members');
    assert.equal(chain.machine.stateAccess('orders/totals/all'), 'members');
    // A node's API refuses a members-only query to an unsigned read (its authorizer throws).
    assert.throws(
      () =>
        chain.machine.query(
          'orders',
          'escrow',
          {},
          chain.state,
          { height: chain.height, time: 0 },
          (access) => {
            if (access !== 'public') throw new Error('refused');
            return 'public';
          },
        ),
      /refused/,
    );
  });
});
