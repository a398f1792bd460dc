/**
 * `filter.category` (commerce.search/1): a consumer-written filter. The query is the list of categories to
 * keep (separated by spaces or commas, case-insensitive); listings of other categories are dropped and the
 * rest keep the order they were given in, so it composes: rank with a platform, then pass that ranking
 * through this filter. An empty query keeps nothing (no category is listed). Ignores the history.
 */
import { defineContract } from '@hanglian/contract-sdk';
import type { SearchRankRequest, SearchRankResult } from '../standards/search.js';
import { distinctById, termsOf } from './searchTerms.js';

export default defineContract({
  rank(request: SearchRankRequest): SearchRankResult {
    const categories = termsOf(request.query);
    const kept = distinctById(request.listings).filter(
      (listing) => categories.indexOf(listing.category.toLowerCase()) >= 0,
    );
    return { ids: kept.map((listing) => listing.id) };
  },
});
