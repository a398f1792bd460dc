/**
 * Found from outside (issue 16): control characters (NUL, ESC) and bidirectional overrides (U+202E) were
 * accepted and stored byte-exact in product names, listing titles, batch sites, item event places, review
 * text and memos. The text rule (core schema/text.ts) refuses them at authentication, so such a
 * transaction never reaches a block: TX_TEXT_INVALID, with the field and the reason.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HanglianError } from '@hanglian/core';
import { assertOk } from './helpers.js';
import { address, keys, type Market, market, SKU } from './orders.market.test.js';

let m: Market;
before(() => {
  m = market();
});
after(() => m.close());

const NUL = '\u0000';
const ESC = '\u001b';
const RLO = '\u202e';

/** The refusal of a transaction at authentication: its code and message. */
function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HanglianError, String(error));
    return { code: error.code, message: error.message };
  }
  assert.fail('the transaction was accepted');
}

describe('the text rule at the door', () => {
  it('refuses control characters and bidirectional overrides in every free-text field tried from outside', () => {
    const chain = m.chain;
    const tries: Array<[string, () => unknown]> = [
      [
        'product name',
        () =>
          chain.submit(keys.brand, 'items', 'registerProduct', {
            sku: 'nul-book',
            name: `Book${NUL}`,
            category: 'books',
            factoryPrice: 100,
          }),
      ],
      [
        'product attribute',
        () =>
          chain.submit(keys.brand, 'items', 'registerProduct', {
            sku: 'esc-book',
            name: 'Book',
            category: 'books',
            factoryPrice: 100,
            attributes: { author: `${ESC}[2J${ESC}[31mpwned` },
          }),
      ],
      [
        'listing title',
        () =>
          chain.submit(keys.shop, 'catalog', 'createListing', {
            listing: 'rlo',
            sku: SKU,
            title: `Genuine ${RLO}exe.elbuod`,
            price: 100,
            carriers: ['post'],
            shipsFrom: 'CN-31',
            shipsTo: ['CN-31'],
            returnPolicy: { days: 0, restockingFeeBps: 0 },
          }),
      ],
      [
        'batch site',
        () =>
          chain.submit(keys.brand, 'items', 'mintBatch', {
            sku: SKU,
            batch: 'b9',
            count: 1,
            site: `press${ESC}]0;x`,
          }),
      ],
      [
        'item event place',
        () =>
          chain.submit(keys.brand, 'items', 'recordEvent', {
            items: { range: { sku: SKU, batch: 'b1', from: 1, to: 1 } },
            bizStep: 'packing',
            where: `dock${RLO}1`,
            why: 'carton',
          }),
      ],
      [
        'review text',
        () =>
          chain.submit(keys.platform, 'reviews', 'write', {
            order: '0'.repeat(32),
            rating: 5,
            text: `great${NUL}`,
          }),
      ],
      [
        'transfer memo',
        () =>
          chain.submit(keys.pay, 'settlement', 'transfer', {
            to: address(keys.shop),
            amount: 1,
            memo: `${ESC}[8m`,
          }),
      ],
      [
        'transaction memo',
        () =>
          chain.submit(
            keys.pay,
            'settlement',
            'transfer',
            { to: address(keys.shop), amount: 1 },
            { memo: `hi${RLO}` },
          ),
      ],
      [
        'not NFC',
        () =>
          chain.submit(keys.brand, 'items', 'registerProduct', {
            sku: 'nfd-book',
            name: 'Cafe\u0301',
            category: 'books',
            factoryPrice: 100,
          }),
      ],
    ];
    const heightBefore = chain.height;
    for (const [field, attempt] of tries) {
      const { code, message } = refusal(attempt);
      // The product attribute's name is checked by the command; values and every other field at the door.
      assert.equal(code, 'TX_TEXT_INVALID', `${field}: ${code} ${message}`);
      assert.match(message, /control|bidirectional|NFC/, field);
    }
    assert.equal(chain.height, heightBefore, 'nothing was included');
  });

  it('an attribute name breaking the rule fails its transaction with the same code', () => {
    const result = m.chain.submit(keys.brand, 'items', 'registerProduct', {
      sku: 'attr-book',
      name: 'Book',
      category: 'books',
      factoryPrice: 100,
      attributes: { [`au${NUL}thor`]: 'x' },
    });
    assert.equal(result.code, 'TX_TEXT_INVALID');
  });

  it('still accepts text in any script, right-to-left marks, and lines where a field allows them', () => {
    const chain = m.chain;
    assertOk(
      chain.submit(keys.brand, 'items', 'registerProduct', {
        sku: 'rtl-book',
        name: 'كتاب\u200f 红楼梦 Café 📚',
        category: 'books',
        factoryPrice: 100,
        attributes: { author: '曹雪芹' },
      }),
    );
    assertOk(
      chain.submit(keys.pay, 'settlement', 'transfer', {
        to: address(keys.shop),
        amount: 1,
        memo: '货款 ok',
      }),
    );
    // A review may hold several lines: it passes the door (and fails later only for its unknown order).
    const review = chain.submit(keys.platform, 'reviews', 'write', {
      order: '0'.repeat(32),
      rating: 5,
      text: 'good book\nfast delivery',
    });
    assert.notEqual(review.code, 'TX_TEXT_INVALID');
  });
});
