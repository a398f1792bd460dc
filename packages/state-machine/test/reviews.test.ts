// Reviews only from verified buyers: the order's own key signs, the order was delivered, one review per
// order, never edited; the merchant answers once; ratings aggregate per listing and merchant.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RatingView, type Review, ReviewsErrors, type TestChain } from '../src/index.js';
import { assertFails, assertOk } from './helpers.js';
import { keys, LISTING, type Market, market, orderKey, placeOrder } from './orders.market.test.js';

describe('reviews', () => {
  let m: Market;
  let chain: TestChain;
  before(() => {
    m = market();
    chain = m.chain;
  });
  after(() => m.close());

  /** Places, pays, ships and delivers an order; returns its id. */
  function delivered(n: number): string {
    const key = orderKey(100 + n);
    const { result, id } = placeOrder(chain, { key });
    assertOk(result);
    assertOk(chain.submit(keys.pay, 'orders', 'confirmPayment', { order: id }));
    assertOk(chain.submit(keys.shop, 'orders', 'ship', { order: id }));
    assertOk(chain.submit(keys.post, 'orders', 'deliver', { order: id, where: 'door' }, { actors: [key] }));
    return id;
  }
  const write = (id: string, n: number, rating: number, text = 'good print, fast') =>
    chain.submit(
      keys.platform,
      'reviews',
      'write',
      { order: id, rating, text },
      { actors: [orderKey(100 + n)] },
    );

  it('accepts one review per delivered order, signed by that order’s key, and never an edit', () => {
    const id = delivered(1);
    // Someone else's key, or none: refused.
    assertFails(
      chain.submit(
        keys.platform,
        'reviews',
        'write',
        { order: id, rating: 1, text: 'fake' },
        { actors: [orderKey(999)] },
      ),
      ReviewsErrors.REVIEWS_NOT_BUYER,
    );
    assertFails(
      chain.submit(keys.platform, 'reviews', 'write', { order: id, rating: 1, text: 'fake' }),
      ReviewsErrors.REVIEWS_NOT_BUYER,
    );
    assertOk(write(id, 1, 5));
    assertFails(write(id, 1, 1, 'changed my mind'), ReviewsErrors.REVIEWS_EXISTS);
    const review = chain.query<Review>('reviews', 'review', { order: id });
    assert.equal(review.rating, 5);
    assert.equal(review.listing, LISTING);
  });

  it('refuses reviews of orders that were never delivered', () => {
    const key = orderKey(150);
    const { id } = placeOrder(chain, { key });
    assertFails(
      chain.submit(keys.platform, 'reviews', 'write', { order: id, rating: 3, text: 'x' }, { actors: [key] }),
      ReviewsErrors.REVIEWS_NOT_DELIVERED,
    );
    assertFails(
      chain.submit(
        keys.platform,
        'reviews',
        'write',
        { order: '0'.repeat(32), rating: 3, text: 'x' },
        { actors: [key] },
      ),
      ReviewsErrors.REVIEWS_UNKNOWN_ORDER,
    );
  });

  it('lets only the merchant answer, once, and aggregates ratings', () => {
    const id2 = delivered(2);
    const id3 = delivered(3);
    assertOk(write(id2, 2, 4));
    assertOk(write(id3, 3, 2, 'a torn cover'));
    assertFails(
      chain.submit(keys.pay, 'reviews', 'reply', { order: id3, text: 'sorry' }),
      ReviewsErrors.REVIEWS_NOT_MERCHANT,
    );
    assertOk(
      chain.submit(keys.shop, 'reviews', 'reply', { order: id3, text: 'sorry: a new copy is on its way' }),
    );
    assertFails(
      chain.submit(keys.shop, 'reviews', 'reply', { order: id3, text: 'again' }),
      ReviewsErrors.REVIEWS_REPLIED,
    );
    assert.equal(
      chain.query<Review>('reviews', 'review', { order: id3 }).reply?.text,
      'sorry: a new copy is on its way',
    );
    assert.equal(
      chain.query<Review>('reviews', 'review', { order: id3 }).text,
      'a torn cover',
      'the review stays as written',
    );
    // Three reviews so far on this listing: 5, 4 and 2 stars.
    const rating = chain.query<RatingView>('reviews', 'rating', { listing: LISTING });
    assert.deepEqual(rating, { count: 3, averageTimes100: 367 });
    assert.equal(chain.query<RatingView>('reviews', 'rating', { merchant: 'shop' }).count, 3);
    assert.equal(chain.query<Review[]>('reviews', 'reviews', { listing: LISTING }).length, 3);
  });
});
