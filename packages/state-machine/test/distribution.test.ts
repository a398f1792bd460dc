import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DistributionErrors,
  type ItemView,
  type ProvenanceView,
  TEST_GENESIS_TIME,
  TestChain,
  testKey,
} from '../src/index.js';
import { assertFails, assertOk } from './helpers.js';

const brand = testKey('brand/clerk');
const shop = testKey('shop/clerk');
const reg = testKey('reg/clerk');
const SKU = 'isbn-9787020002207';

function stocked(): TestChain {
  const chain = new TestChain();
  assertOk(
    chain.submit(brand, 'items', 'registerProduct', {
      sku: SKU,
      name: '红楼梦',
      category: 'books',
      factoryPrice: 3_500,
    }),
  );
  assertOk(chain.submit(brand, 'items', 'mintBatch', { sku: SKU, batch: 'b1', count: 100, site: 'press-1' }));
  return chain;
}

const range = (from: number, to: number) => ({ range: { sku: SKU, batch: 'b1', from, to } });

describe('distribution: wholesale by named items', () => {
  it('moves ownership only when the receiver confirms, item by item', () => {
    const chain = stocked();
    assertOk(
      chain.submit(brand, 'distribution', 'ship', {
        shipment: 's1',
        to: 'shop',
        items: range(1, 40),
        where: 'press-1/dock',
      }),
    );
    const inTransit = chain.query<ItemView>('items', 'item', { code: `${SKU}:b1:7` });
    assert.equal(inTransit.state.status, 'in-transit');
    assert.equal(inTransit.state.owner, 'org:brand', 'ownership has not moved yet');
    // Nobody else may confirm, and the items cannot be shipped twice meanwhile.
    assertFails(
      chain.submit(reg, 'distribution', 'receive', {
        from: 'brand',
        shipment: 's1',
        accept: true,
        where: 'x',
      }),
      DistributionErrors.DISTRIBUTION_NOT_RECEIVER,
    );
    assertFails(
      chain.submit(brand, 'distribution', 'ship', {
        shipment: 's2',
        to: 'reg',
        items: range(30, 50),
        where: 'x',
      }),
      DistributionErrors.DISTRIBUTION_NOT_SHIPPABLE,
    );
    assertOk(
      chain.submit(shop, 'distribution', 'receive', {
        from: 'brand',
        shipment: 's1',
        accept: true,
        where: 'shop/warehouse',
      }),
    );
    const received = chain.query<ItemView>('items', 'item', { code: `${SKU}:b1:7` });
    assert.equal(received.state.owner, 'org:shop');
    assert.equal(received.state.custodian, 'org:shop');
    assert.deepEqual(
      received.history.map((e) => e.bizStep),
      ['commissioning', 'shipping', 'receiving'],
    );
    assert.equal(
      chain.query<ItemView>('items', 'item', { code: `${SKU}:b1:41` }).state.owner,
      'org:brand',
      'items outside the shipment stay',
    );
    assertFails(
      chain.submit(shop, 'distribution', 'receive', {
        from: 'brand',
        shipment: 's1',
        accept: true,
        where: 'x',
      }),
      DistributionErrors.DISTRIBUTION_ALREADY_SETTLED,
    );
    assertFails(
      chain.submit(brand, 'distribution', 'ship', {
        shipment: 's1',
        to: 'shop',
        items: range(60, 61),
        where: 'x',
      }),
      DistributionErrors.DISTRIBUTION_SHIPMENT_EXISTS,
    );
  });

  it('lists the shipments addressed to an organisation, by status', () => {
    const chain = stocked();
    const ship = (shipment: string, to: string, from: number, until: number) =>
      assertOk(
        chain.submit(brand, 'distribution', 'ship', {
          shipment,
          to,
          items: range(from, until),
          where: 'press-1/dock',
        }),
      );
    ship('s1', 'shop', 1, 10);
    ship('s2', 'shop', 11, 20);
    ship('s3', 'reg', 21, 30);
    assertOk(
      chain.submit(shop, 'distribution', 'receive', {
        from: 'brand',
        shipment: 's1',
        accept: true,
        where: 'w',
      }),
    );
    type Row = { id: string; from: string; to: string; status: string; count: number };
    const list = (params: object) =>
      chain.query<Row[]>('distribution', 'shipments', params).map((s) => `${s.from}/${s.id}:${s.status}`);
    assert.deepEqual(list({ to: 'shop' }), ['brand/s1:received', 'brand/s2:sent']);
    assert.deepEqual(list({ to: 'shop', status: 'sent' }), ['brand/s2:sent']);
    assert.deepEqual(list({ to: 'shop', limit: 1 }), ['brand/s1:received']);
    assert.deepEqual(list({ to: 'shop', after: 'brand/s1' }), ['brand/s2:sent']);
    assert.deepEqual(list({ to: 'reg' }), ['brand/s3:sent']);
    assert.deepEqual(list({ to: 'brand' }), []);
    const [first] = chain.query<Row[]>('distribution', 'shipments', { to: 'shop' });
    assert.equal(first?.count, 10);
  });

  it('returns refused shipments to the sender', () => {
    const chain = stocked();
    assertOk(
      chain.submit(brand, 'distribution', 'ship', {
        shipment: 's1',
        to: 'shop',
        items: { codes: [`${SKU}:b1:1`, `${SKU}:b1:2`] },
        where: 'dock',
      }),
    );
    assertOk(
      chain.submit(shop, 'distribution', 'receive', {
        from: 'brand',
        shipment: 's1',
        accept: false,
        where: 'gate',
      }),
    );
    const back = chain.query<ItemView>('items', 'item', { code: `${SKU}:b1:2` });
    assert.equal(back.state.owner, 'org:brand');
    assert.equal(back.state.status, 'in-stock');
    assert.equal(back.history.at(-1)?.bizStep, 'returning');
  });

  it('judges provenance against the producer’s channels (anti-串货)', () => {
    const chain = stocked();
    const provenance = (code: string, region?: string) =>
      chain.query<ProvenanceView>(
        'distribution',
        'provenance',
        region === undefined ? { code } : { code, region },
      );
    assert.equal(provenance(`${SKU}:b1:1`).channel, 'direct');
    assertOk(
      chain.submit(brand, 'distribution', 'ship', {
        shipment: 's1',
        to: 'shop',
        items: range(1, 5),
        where: 'dock',
      }),
    );
    assertOk(
      chain.submit(shop, 'distribution', 'receive', {
        from: 'brand',
        shipment: 's1',
        accept: true,
        where: 'w',
      }),
    );
    assert.equal(provenance(`${SKU}:b1:3`).channel, 'outside-channel', 'shop holds it without authorisation');
    assertFails(
      chain.submit(shop, 'distribution', 'authoriseChannel', { org: 'shop' }),
      DistributionErrors.DISTRIBUTION_NOT_PRODUCER,
    );
    assertOk(
      chain.submit(brand, 'distribution', 'authoriseChannel', {
        org: 'shop',
        skus: [SKU],
        regions: ['CN-31'],
        until: TEST_GENESIS_TIME + 10_000_000,
      }),
    );
    assert.equal(provenance(`${SKU}:b1:3`).channel, 'authorised');
    assert.equal(provenance(`${SKU}:b1:3`, 'CN-31').channel, 'authorised');
    assert.equal(provenance(`${SKU}:b1:3`, 'CN-11').channel, 'outside-region', 'another region');
    assertOk(chain.submit(brand, 'distribution', 'revokeChannel', { org: 'shop' }));
    assert.equal(provenance(`${SKU}:b1:3`).channel, 'outside-channel');
    assert.equal(provenance('nope:b1:1').channel, 'unknown-code');
  });

  it('an expired channel no longer authorises the stock it still holds (provenance and listings)', () => {
    const chain = stocked();
    assertOk(
      chain.submit(brand, 'distribution', 'ship', {
        shipment: 's1',
        to: 'shop',
        items: range(1, 5),
        where: 'd',
      }),
    );
    assertOk(
      chain.submit(shop, 'distribution', 'receive', {
        from: 'brand',
        shipment: 's1',
        accept: true,
        where: 'w',
      }),
    );
    // The channel ends five blocks from now (blocks are one second apart).
    const until = chain.blockInfo().time + 5_000;
    assertOk(chain.submit(brand, 'distribution', 'authoriseChannel', { org: 'shop', skus: [SKU], until }));
    const provenance = () =>
      chain.query<ProvenanceView>('distribution', 'provenance', { code: `${SKU}:b1:3` });
    assert.equal(provenance().channel, 'authorised', 'within its dates');
    while (chain.blockInfo(chain.height).time <= until) chain.advance();
    const after = provenance();
    assert.equal(
      after.channel,
      'outside-channel',
      'past its end date the shop holds it without authorisation',
    );
    assert.equal(after.org, 'shop');
  });
});
