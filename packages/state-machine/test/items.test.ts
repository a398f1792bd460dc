import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ExecutionErrors,
  ItemsErrors,
  type ItemView,
  TestChain,
  testKey,
  type VerificationView,
} from '../src/index.js';
import { assertFails, assertOk } from './helpers.js';

const brand = testKey('brand/clerk');
const shop = testKey('shop/clerk');

function withProduct(): TestChain {
  const chain = new TestChain();
  assertOk(
    chain.submit(brand, 'items', 'registerProduct', {
      sku: 'isbn-9787020002207',
      name: '红楼梦',
      category: 'books',
      factoryPrice: 3_500,
      attributes: { author: '曹雪芹', publisher: 'Spring Press' },
    }),
  );
  return chain;
}

describe('items: one code per item', () => {
  it('lets only a producer register a product, once', () => {
    const chain = withProduct();
    assertFails(
      chain.submit(brand, 'items', 'registerProduct', {
        sku: 'isbn-9787020002207',
        name: 'x',
        category: 'books',
        factoryPrice: 1,
      }),
      ItemsErrors.ITEMS_PRODUCT_EXISTS,
    );
    assertFails(
      chain.submit(shop, 'items', 'registerProduct', {
        sku: 'fake-sku',
        name: 'x',
        category: 'books',
        factoryPrice: 1,
      }),
      ExecutionErrors.TX_FORBIDDEN,
    );
    const products = chain.query<Array<{ sku: string }>>('items', 'products', { producer: 'brand' });
    assert.deepEqual(
      products.map((p) => p.sku),
      ['isbn-9787020002207'],
    );
  });

  it('mints 100,000 codes in one transaction with the state of one', () => {
    const chain = withProduct();
    const before = chain.entries().length;
    const result = assertOk(
      chain.submit(brand, 'items', 'mintBatch', {
        sku: 'isbn-9787020002207',
        batch: 'b2026-11',
        count: 100_000,
        site: 'press-1',
      }),
    );
    const written = chain.entries().length - before;
    assert.ok(written <= 3, `minting wrote ${written} state entries`);
    assert.ok(result.gasUsed < 100_000, `gas ${result.gasUsed}`);
    const minted = result.events[0]?.data as { last: string } | undefined;
    assert.equal(minted?.last, 'isbn-9787020002207:b2026-11:100000');
    assertFails(
      chain.submit(shop, 'items', 'mintBatch', {
        sku: 'isbn-9787020002207',
        batch: 'b2',
        count: 1,
        site: 's',
      }),
      ItemsErrors.ITEMS_NOT_PRODUCER,
    );
    assertFails(
      chain.submit(brand, 'items', 'mintBatch', {
        sku: 'isbn-9787020002207',
        batch: 'b2026-11',
        count: 1,
        site: 's',
      }),
      ItemsErrors.ITEMS_BATCH_EXISTS,
    );
    const item = chain.query<ItemView>('items', 'item', { code: 'isbn-9787020002207:b2026-11:99999' });
    assert.equal(item.state.owner, 'org:brand');
    assert.equal(item.state.status, 'in-stock');
    assert.equal(item.history[0]?.bizStep, 'commissioning');
    assert.equal(chain.query('items', 'item', { code: 'isbn-9787020002207:b2026-11:100001' }), null);
    const batches = chain.query<Array<{ batch: string; count: number }>>('items', 'batches', {
      sku: 'isbn-9787020002207',
    });
    assert.deepEqual(
      batches.map((b) => [b.batch, b.count]),
      [['b2026-11', 100_000]],
    );
    assert.deepEqual(chain.query('items', 'batches', { sku: 'nothing' }), []);
  });

  it('records trace events only from the holder, and never edits them', () => {
    const chain = withProduct();
    assertOk(
      chain.submit(brand, 'items', 'mintBatch', {
        sku: 'isbn-9787020002207',
        batch: 'b1',
        count: 50,
        site: 'press-1',
      }),
    );
    const pack = {
      items: { range: { sku: 'isbn-9787020002207', batch: 'b1', from: 1, to: 10 } },
      bizStep: 'packing',
      where: 'press-1/dock',
      why: 'carton 7',
    };
    assertOk(chain.submit(brand, 'items', 'recordEvent', pack));
    assertFails(chain.submit(shop, 'items', 'recordEvent', pack), ItemsErrors.ITEMS_NOT_HOLDER);
    assertFails(
      chain.submit(brand, 'items', 'recordEvent', {
        ...pack,
        items: { codes: ['isbn-9787020002207:b1:51'] },
      }),
      ItemsErrors.ITEMS_UNKNOWN_CODE,
    );
    assertFails(
      chain.submit(brand, 'items', 'recordEvent', {
        ...pack,
        items: { range: { sku: 'isbn-9787020002207', batch: 'b1', from: 1, to: 20_000 } },
      }),
      ItemsErrors.ITEMS_TOO_MANY,
    );
    assertOk(
      chain.submit(brand, 'items', 'recordEvent', {
        ...pack,
        bizStep: 'inspecting',
        why: 'QC 12',
        items: { codes: ['isbn-9787020002207:b1:3'] },
      }),
    );
    const item = chain.query<ItemView>('items', 'item', { code: 'isbn-9787020002207:b1:3' });
    assert.deepEqual(
      item.history.map((e) => e.bizStep),
      ['commissioning', 'packing', 'inspecting'],
    );
    assert.equal(item.state.events, 2);
  });

  it('verifies codes: genuine, unknown, recalled, sold to another, destroyed', () => {
    const chain = withProduct();
    assertOk(
      chain.submit(brand, 'items', 'mintBatch', {
        sku: 'isbn-9787020002207',
        batch: 'b1',
        count: 5,
        site: 'press-1',
      }),
    );
    assertOk(
      chain.submit(brand, 'items', 'mintBatch', {
        sku: 'isbn-9787020002207',
        batch: 'b2',
        count: 5,
        site: 'press-1',
      }),
    );
    const verify = (code: string, claimedOwner?: string) =>
      chain.query<VerificationView>(
        'items',
        'verify',
        claimedOwner === undefined ? { code } : { code, claimedOwner },
      );
    assert.equal(verify('isbn-9787020002207:b1:1').verdict, 'genuine');
    assert.deepEqual(verify('isbn-9787020002207:b1:6').flags, ['unknown-code']);
    assert.deepEqual(verify('not a code').flags, ['unknown-code']);
    assertOk(
      chain.submit(brand, 'items', 'recallBatch', {
        sku: 'isbn-9787020002207',
        batch: 'b2',
        reason: 'misprinted pages',
      }),
    );
    const recalled = verify('isbn-9787020002207:b2:4');
    assert.deepEqual(recalled.flags, ['recalled']);
    assert.equal(recalled.item?.history.at(-1)?.bizStep, 'recalling');
    assert.equal(verify('isbn-9787020002207:b1:4').verdict, 'genuine', 'the other batch is unaffected');
    assertFails(
      chain.submit(brand, 'items', 'recordEvent', {
        items: { codes: ['isbn-9787020002207:b2:1'] },
        bizStep: 'packing',
        where: 'w',
        why: 'y',
      }),
      ItemsErrors.ITEMS_RECALLED,
    );
    assertOk(
      chain.submit(brand, 'items', 'recordEvent', {
        items: { codes: ['isbn-9787020002207:b1:2'] },
        bizStep: 'destroying',
        where: 'w',
        why: 'damaged',
      }),
    );
    assert.deepEqual(verify('isbn-9787020002207:b1:2').flags, ['destroyed']);
  });
});
