/**
 * `platform-a.relevance` (commerce.search/1): best match first. A listing matches when any query term is in
 * its title (10 points a term) or its category (5 points a term); an empty query matches everything. With
 * a purchase history, each listing gains 2 points per earlier purchase in its category, at most 3 purchases
 * counted, so what the consumer buys often rises among comparable matches but never adds a non-match.
 * Ties: in stock before sold out, then cheaper first, then id.
 */
import { defineContract } from '@hanglian/contract-sdk';
import type { SearchRankRequest, SearchRankResult } from '../standards/search.js';
import { compareText, distinctById, termsOf } from './searchTerms.js';

const TITLE_POINTS = 10;
const CATEGORY_POINTS = 5;
const HISTORY_POINTS = 2;
const HISTORY_COUNTED = 3;

export default defineContract({
  rank(request: SearchRankRequest): SearchRankResult {
    const terms = termsOf(request.query);
    const purchasesByCategory = new Map<string, number>();
    for (const purchase of request.history ?? []) {
      const category = purchase.category.toLowerCase();
      purchasesByCategory.set(category, (purchasesByCategory.get(category) ?? 0) + 1);
    }
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
      const bought = Math.min(HISTORY_COUNTED, purchasesByCategory.get(category) ?? 0);
      scored.push({ listing, score: match + HISTORY_POINTS * bought });
    }
    scored.sort(
      (a, b) =>
        b.score - a.score ||
        Number(b.listing.stock > 0) - Number(a.listing.stock > 0) ||
        a.listing.price - b.listing.price ||
        compareText(a.listing.id, b.listing.id),
    );
    return { ids: scored.map((entry) => entry.listing.id) };
  },
});
