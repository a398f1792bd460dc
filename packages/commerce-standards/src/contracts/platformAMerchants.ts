/**
 * `platform-a.merchants` (commerce.search/2): the merchants you trust first. A listing matches when a query
 * term is in its title (10 points a term) or category (5 points a term); an empty query matches everything.
 * The context then moves merchants, not products: each earlier purchase from the listing's merchant adds 3
 * points (at most 5 purchases counted), and the consumer's own reviews of that merchant add 4 points per
 * star above 3 of their average, or take them away below it (a merchant rated 1 star on average loses 8).
 * Public ratings break ties. Ties: in stock first, higher public rating, cheaper, id.
 */
import { defineContract } from '@hanglian/contract-sdk';
import type { PersonalSearchRequest, PersonalSearchResult } from '../standards/personalSearch.js';
import { compareText, distinctById, termsOf } from './searchTerms.js';

const TITLE_POINTS = 10;
const CATEGORY_POINTS = 5;
const PURCHASE_POINTS = 3;
const PURCHASES_COUNTED = 5;
const STAR_POINTS = 4;

export default defineContract({
  rank(request: PersonalSearchRequest): PersonalSearchResult {
    const terms = termsOf(request.query);
    const purchases = new Map<string, number>();
    for (const purchase of request.context.purchases) {
      purchases.set(purchase.merchant, (purchases.get(purchase.merchant) ?? 0) + 1);
    }
    const stars = new Map<string, { sum: number; count: number }>();
    for (const review of request.context.reviews) {
      const entry = stars.get(review.merchant) ?? { sum: 0, count: 0 };
      entry.sum += review.stars;
      entry.count += 1;
      stars.set(review.merchant, entry);
    }
    const trust = new Map<string, number>();
    const trustOf = (merchant: string): number => {
      const known = trust.get(merchant);
      if (known !== undefined) return known;
      const bought = Math.min(PURCHASES_COUNTED, purchases.get(merchant) ?? 0);
      const reviewed = stars.get(merchant);
      // Integer arithmetic: the average's distance from 3 stars, in quarter points, rounded toward zero.
      const starPoints =
        reviewed === undefined
          ? 0
          : Math.trunc((STAR_POINTS * (reviewed.sum - 3 * reviewed.count)) / reviewed.count);
      const points = PURCHASE_POINTS * bought + starPoints;
      trust.set(merchant, points);
      return points;
    };
    const scored = [];
    for (const listing of distinctById(request.listings)) {
      const title = listing.title.toLowerCase();
      const category = listing.category.toLowerCase();
      let match = 0;
      for (const term of terms) {
        if (title.indexOf(term) >= 0) match += TITLE_POINTS;
        if (category.indexOf(term) >= 0) match += CATEGORY_POINTS;
      }
      if (terms.length > 0 && match === 0) continue;
      scored.push({ listing, score: match + trustOf(listing.merchant) });
    }
    scored.sort(
      (a, b) =>
        b.score - a.score ||
        Number(b.listing.stock > 0) - Number(a.listing.stock > 0) ||
        (b.listing.rating ?? 0) - (a.listing.rating ?? 0) ||
        a.listing.price - b.listing.price ||
        compareText(a.listing.id, b.listing.id),
    );
    return { ids: scored.map((entry) => entry.listing.id) };
  },
});
