/**
 * `commerce.search/2` without a chain: the two reference implementations use the private context in their
 * own ways (platform A: merchants bought from and rated well; platform B: new products in the categories
 * bought, at prices like those paid), neither depends on who calls or when, a broken one that hides exact
 * matches is refused by the vectors, and the largest request (1,000 candidates, 500 purchases) fits the
 * commerce network's query gas limit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runConformanceLocally } from '@hanglian/contract-sdk/testing';
import { COMMERCE_QUERY_GAS_LIMIT } from '../src/genesis.js';
import { searchWorkload } from '../src/searchWorkload.js';
import {
  EMPTY_SEARCH_CONTEXT,
  MAX_CONTEXT_PURCHASES,
  MAX_PERSONAL_SEARCH_LISTINGS,
  PERSONAL_SEARCH_STANDARD,
  type PersonalSearchListing,
  type PersonalSearchRequest,
  type SearchContext,
} from '../src/standards/personalSearch.js';
import { BROKEN, callLocally, valueLocally } from './fixtures.js';

const NOW = 1_780_272_000_000;
const DAY = 86_400_000;

const listing = (
  fields: Partial<PersonalSearchListing> & Pick<PersonalSearchListing, 'id' | 'title' | 'category'>,
): PersonalSearchListing => ({
  sku: `sku-${fields.id.replace('/', '-')}`,
  price: 3_000,
  stock: 10,
  merchant: fields.id.split('/')[0]!,
  channel: 'authorised',
  createdAt: NOW - 90 * DAY,
  ...fields,
});

/** Tea from four shops: an old favourite, a stranger, a shop the shopper disliked, a new expensive one. */
const TEA: PersonalSearchListing[] = [
  listing({ id: 'teahouse/longjing', title: '龙井 Longjing tea', category: 'tea', rating: 420 }),
  listing({
    id: 'stranger/longjing',
    title: 'Longjing tea 龙井',
    category: 'tea',
    rating: 480,
    price: 2_800,
  }),
  listing({ id: 'badshop/puer', title: "Pu'er tea 普洱", category: 'tea', rating: 300, price: 2_500 }),
  listing({
    id: 'newshop/tieguanyin',
    title: 'Tieguanyin tea 铁观音',
    category: 'tea',
    price: 3_400,
    createdAt: NOW - 3 * DAY,
  }),
  listing({
    id: 'newshop/gold-tea',
    title: 'Gold-leaf tea',
    category: 'tea',
    price: 90_000,
    createdAt: NOW - DAY,
  }),
  listing({ id: 'stranger/soldout', title: 'Tea sampler', category: 'tea', stock: 0, price: 1_000 }),
];

/** Bought Longjing three times at the teahouse (rated 5), once Pu'er at badshop (rated 1). */
const TEA_LOVER: SearchContext = {
  purchases: [
    {
      sku: 'sku-teahouse-longjing',
      category: 'tea',
      merchant: 'teahouse',
      price: 3_000,
      quantity: 1,
      time: NOW - 200 * DAY,
    },
    {
      sku: 'sku-teahouse-longjing',
      category: 'tea',
      merchant: 'teahouse',
      price: 3_000,
      quantity: 2,
      time: NOW - 100 * DAY,
    },
    {
      sku: 'sku-teahouse-longjing',
      category: 'tea',
      merchant: 'teahouse',
      price: 3_200,
      quantity: 1,
      time: NOW - 20 * DAY,
    },
    {
      sku: 'sku-badshop-puer',
      category: 'tea',
      merchant: 'badshop',
      price: 2_500,
      quantity: 1,
      time: NOW - 50 * DAY,
    },
  ],
  reviews: [
    { sku: 'sku-teahouse-longjing', merchant: 'teahouse', stars: 5, time: NOW - 19 * DAY },
    { sku: 'sku-badshop-puer', merchant: 'badshop', stars: 1, time: NOW - 49 * DAY },
  ],
  grants: [],
};

const rank = async (id: string, context: SearchContext, query = 'tea'): Promise<string[]> => {
  const request: PersonalSearchRequest = { query, time: NOW, listings: TEA, context };
  return (await valueLocally<{ ids: string[] }>(id, 'rank', [request])).ids;
};

describe('commerce.search/2: platform-a.merchants (merchants you trust first)', () => {
  it('without a context: best match, then public rating, then cheaper', async () => {
    assert.deepEqual(await rank('platform-a.merchants', EMPTY_SEARCH_CONTEXT), [
      'stranger/longjing',
      'teahouse/longjing',
      'badshop/puer',
      'newshop/tieguanyin',
      'newshop/gold-tea',
      'stranger/soldout',
    ]);
  });

  it('with the tea lover’s context: the teahouse first, the shop they rated 1 star last among those in stock', async () => {
    const ids = await rank('platform-a.merchants', TEA_LOVER);
    assert.equal(ids[0], 'teahouse/longjing');
    assert.ok(ids.indexOf('badshop/puer') > ids.indexOf('newshop/gold-tea'), ids.join(' '));
    assert.equal(ids.length, TEA.length, 'the context reorders, it hides nothing');
  });
});

describe('commerce.search/2: platform-b.discover (new in what you buy, at your prices)', () => {
  it('without a context: newest first, sold out left out', async () => {
    assert.deepEqual(await rank('platform-b.discover', EMPTY_SEARCH_CONTEXT), [
      'newshop/gold-tea',
      'newshop/tieguanyin',
      'badshop/puer',
      'stranger/longjing',
      'teahouse/longjing',
    ]);
  });

  it('with the tea lover’s context: a new tea in their price band first, not the one they already buy', async () => {
    const ids = await rank('platform-b.discover', TEA_LOVER);
    assert.equal(ids[0], 'newshop/tieguanyin', ids.join(' '));
    assert.ok(ids.indexOf('newshop/gold-tea') > ids.indexOf('stranger/longjing'), 'outside the price band');
    assert.ok(ids.indexOf('teahouse/longjing') > ids.indexOf('stranger/longjing'), 'already bought');
    assert.ok(!ids.includes('stranger/soldout'));
  });

  it('the two platforms use the same context differently', async () => {
    assert.notDeepEqual(
      await rank('platform-a.merchants', TEA_LOVER),
      await rank('platform-b.discover', TEA_LOVER),
    );
  });
});

describe('commerce.search/2: the standard', () => {
  it('answers the same whoever calls and whenever (a function of the arguments)', async () => {
    for (const id of ['platform-a.merchants', 'platform-b.discover']) {
      const request = { query: 'tea', time: NOW, listings: TEA, context: TEA_LOVER };
      const first = await callLocally(id, 'rank', [request]);
      const other = await callLocally(id, 'rank', [request], 50_000_000, {
        caller: 'hl35c25b61fa28d2fbbba9cea490e2106f8c66b483',
        time: NOW + 365 * DAY,
        height: 999,
      });
      // The same answer; the gas differs a little with the call's context (the caller and numbers the
      // engine is handed), which is why a wallet's local run uses the chain's height for the same gas.
      assert.ok(first.ok && other.ok, id);
      assert.deepEqual(other.value, first.value, id);
    }
  });

  it('refuses at the vectors an implementation that hides exact matches of merchants rated badly', async () => {
    const report = await runConformanceLocally({
      standard: PERSONAL_SEARCH_STANDARD,
      source: BROKEN.searchHidesBadMerchants(),
    });
    assert.equal(report.passed, false);
    assert.deepEqual(
      report.vectors.filter((v) => !v.passed).map((v) => v.vector),
      ['an exact match is returned whatever the context'],
    );
  });

  it('ranks the largest request (1,000 candidates, 500 purchases) within the commerce query gas limit', async () => {
    const request = searchWorkload({
      listings: MAX_PERSONAL_SEARCH_LISTINGS,
      purchases: MAX_CONTEXT_PURCHASES,
      query: 'tea',
    });
    for (const id of ['platform-a.merchants', 'platform-b.discover']) {
      const outcome = await callLocally(id, 'rank', [request], COMMERCE_QUERY_GAS_LIMIT);
      assert.ok(outcome.ok, outcome.ok ? '' : `${id}: ${outcome.code}: ${outcome.message}`);
      assert.ok(
        outcome.gasUsed < COMMERCE_QUERY_GAS_LIMIT / 2,
        `${id}: ${outcome.gasUsed} gas leaves less than half the limit spare`,
      );
      assert.ok((outcome.value as { ids: string[] }).ids.length > 0);
    }
  });
});
