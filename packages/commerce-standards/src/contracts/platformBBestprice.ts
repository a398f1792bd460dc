/**
 * `platform-b.bestprice` (commerce.search/1): cheapest first among what matches and can be bought. A listing
 * matches when any query term is in its title or category (an empty query matches everything); sold-out
 * listings are left out. Listings from authorised channels come before outside-channel ones (串货: the
 * producer did not authorise that merchant, so warranty and provenance are doubtful), then cheaper first,
 * then id. It ignores the purchase history: the same query gets the same answer for everyone.
 */
import { defineContract } from '@hanglian/contract-sdk';
import type { SearchRankRequest, SearchRankResult } from '../standards/search.js';
import { compareText, distinctById, termsOf } from './searchTerms.js';

export default defineContract({
  rank(request: SearchRankRequest): SearchRankResult {
    const terms = termsOf(request.query);
    const matches = distinctById(request.listings).filter((listing) => {
      if (listing.stock === 0) return false;
      const text = `${listing.title}\n${listing.category}`.toLowerCase();
      return terms.length === 0 || terms.some((term) => text.indexOf(term) >= 0);
    });
    matches.sort(
      (a, b) =>
        Number(b.channel === 'authorised') - Number(a.channel === 'authorised') ||
        a.price - b.price ||
        compareText(a.id, b.id),
    );
    return { ids: matches.map((listing) => listing.id) };
  },
});
