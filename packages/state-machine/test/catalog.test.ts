import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CatalogErrors,
  type ListingView,
  type Session,
  standardTestNetwork,
  TestChain,
  testKey,
} from '../src/index.js';
import { assertFails, assertOk } from './helpers.js';

const brand = testKey('brand/clerk');
const shop = testKey('shop/clerk');
const reg = testKey('reg/clerk');
const SKU = 'isbn-9787020002207';

/** Brand mints 20 copies and sells 10 to shop wholesale; `post` is a carrier. */
function market(): TestChain {
  const genesis = standardTestNetwork()
    .organisation('post', ['carrier'], 'Post Co.')
    .identity('post/clerk', { org: 'post', kind: 'person', permissions: ['transact'] })
    .build();
  const chain = new TestChain(genesis);
  assertOk(
    chain.submit(brand, 'items', 'registerProduct', {
      sku: SKU,
      name: '红楼梦',
      category: 'books',
      factoryPrice: 3_500,
    }),
  );
  assertOk(chain.submit(brand, 'items', 'mintBatch', { sku: SKU, batch: 'b1', count: 20, site: 'press-1' }));
  assertOk(
    chain.submit(brand, 'distribution', 'ship', {
      shipment: 's1',
      to: 'shop',
      items: { range: { sku: SKU, batch: 'b1', from: 1, to: 10 } },
      where: 'dock',
    }),
  );
  assertOk(
    chain.submit(shop, 'distribution', 'receive', {
      from: 'brand',
      shipment: 's1',
      accept: true,
      where: 'shop',
    }),
  );
  return chain;
}

const listing = {
  listing: 'hlm-2026',
  sku: SKU,
  title: '红楼梦 (2026 edition)',
  price: 5_980,
  carriers: ['post'],
  returnPolicy: { days: 7, restockingFeeBps: 500 },
  hostCommissionBps: 800,
};

describe('catalog: listings and live sessions', () => {
  it('lists only with real carriers, and shows live stock and channel verdict', () => {
    const chain = market();
    assertFails(
      chain.submit(shop, 'catalog', 'createListing', { ...listing, carriers: ['reg'] }),
      CatalogErrors.CATALOG_NOT_CARRIER,
    );
    assertFails(chain.submit(brand, 'catalog', 'createListing', listing), CatalogErrors.CATALOG_NOT_MERCHANT);
  });
});

describe('catalog with a carrier', () => {
  const withCarrier = market;

  it('creates a listing with one price for everyone, stock following the merchant’s holdings', () => {
    const chain = withCarrier();
    assertOk(chain.submit(shop, 'catalog', 'createListing', listing));
    assertFails(
      chain.submit(shop, 'catalog', 'createListing', listing),
      CatalogErrors.CATALOG_LISTING_EXISTS,
    );
    const view = chain.query<ListingView>('catalog', 'listing', { id: 'shop/hlm-2026' });
    assert.equal(view.price, 5_980);
    assert.equal(view.stock, 10);
    assert.equal(view.channel, 'outside-channel');
    assertOk(chain.submit(brand, 'distribution', 'authoriseChannel', { org: 'shop', skus: [SKU] }));
    assert.equal(
      chain.query<ListingView>('catalog', 'listing', { id: 'shop/hlm-2026' }).channel,
      'authorised',
    );
    assertOk(
      chain.submit(brand, 'distribution', 'ship', {
        shipment: 's2',
        to: 'shop',
        items: { codes: [`${SKU}:b1:11`] },
        where: 'dock',
      }),
    );
    assert.equal(
      chain.query<ListingView>('catalog', 'listing', { id: 'shop/hlm-2026' }).stock,
      10,
      'in transit is not stock',
    );
    assertOk(
      chain.submit(shop, 'distribution', 'receive', {
        from: 'brand',
        shipment: 's2',
        accept: true,
        where: 'shop',
      }),
    );
    assert.equal(chain.query<ListingView>('catalog', 'listing', { id: 'shop/hlm-2026' }).stock, 11);
    const bySku = chain.query<ListingView[]>('catalog', 'listings', { sku: SKU });
    assert.deepEqual(
      bySku.map((l) => l.id),
      ['shop/hlm-2026'],
    );
    assertOk(
      chain.submit(shop, 'catalog', 'updateListing', { listing: 'hlm-2026', price: 5_500, status: 'paused' }),
    );
    assert.equal(
      chain.query<ListingView[]>('catalog', 'listings', {}).length,
      0,
      'paused listings are not offered',
    );
    assert.equal(chain.query<ListingView[]>('catalog', 'listings', { includePaused: true })[0]?.price, 5_500);
    assertFails(
      chain.submit(brand, 'catalog', 'updateListing', { listing: 'hlm-2026', price: 1 }),
      CatalogErrors.CATALOG_UNKNOWN_LISTING,
    );
  });

  it('shows a listing outside its channel once the channel’s end date has passed', () => {
    const chain = withCarrier();
    assertOk(chain.submit(shop, 'catalog', 'createListing', listing));
    const until = chain.blockInfo().time + 5_000;
    assertOk(chain.submit(brand, 'distribution', 'authoriseChannel', { org: 'shop', skus: [SKU], until }));
    const verdicts = () => [
      chain.query<ListingView>('catalog', 'listing', { id: 'shop/hlm-2026' }).channel,
      chain.query<ListingView[]>('catalog', 'listings', { sku: SKU })[0]?.channel,
    ];
    assert.deepEqual(verdicts(), ['authorised', 'authorised']);
    while (chain.blockInfo(chain.height).time <= until) chain.advance();
    assert.deepEqual(verdicts(), ['outside-channel', 'outside-channel']);
  });

  it('features listings in a host’s session at the commission offered then', () => {
    const chain = withCarrier();
    assertOk(chain.submit(shop, 'catalog', 'createListing', listing));
    assertOk(
      chain.submit(shop, 'catalog', 'createListing', {
        ...listing,
        listing: 'no-commission',
        hostCommissionBps: 0,
      }),
    );
    const session = {
      session: 'night-1',
      title: '读书夜',
      startsAt: 1,
      endsAt: 2,
      listings: ['shop/hlm-2026'],
    };
    assertFails(chain.submit(reg, 'catalog', 'createSession', session), CatalogErrors.CATALOG_NOT_HOST);
    assertFails(
      chain.submit(shop, 'catalog', 'createSession', { ...session, listings: ['shop/no-commission'] }),
      CatalogErrors.CATALOG_NO_COMMISSION,
    );
    assertFails(
      chain.submit(shop, 'catalog', 'createSession', { ...session, endsAt: 1 }),
      CatalogErrors.CATALOG_BAD_WINDOW,
    );
    assertOk(chain.submit(shop, 'catalog', 'createSession', session));
    assertOk(chain.submit(shop, 'catalog', 'updateListing', { listing: 'hlm-2026', hostCommissionBps: 100 }));
    const stored = chain.query<Session>('catalog', 'session', { id: 'shop/night-1' });
    assert.deepEqual(
      stored.featured,
      [{ listing: 'shop/hlm-2026', commissionBps: 800 }],
      'the agreed rate stays',
    );
    // Sessions are listed by host, by featured listing and by the time they run.
    const ids = (params: object) =>
      chain.query<Session[]>('catalog', 'sessions', params).map((found) => found.id);
    assert.deepEqual(ids({}), ['shop/night-1']);
    assert.deepEqual(ids({ host: 'shop', listing: 'shop/hlm-2026', at: 1 }), ['shop/night-1']);
    assert.deepEqual(ids({ at: 2 }), [], 'over at its end');
    assert.deepEqual(ids({ listing: 'shop/no-commission' }), []);
    assert.deepEqual(ids({ host: 'reg' }), []);
  });
});
