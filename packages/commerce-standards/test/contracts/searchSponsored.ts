/**
 * A broken commerce.search/1 implementation: it puts a sponsored listing that was not among the given ones
 * first. Registration must refuse it (ids must be a subset of the listings given).
 */
import { defineContract } from '@hanglian/contract-sdk';
import type { SearchRankRequest, SearchRankResult } from '../../src/standards/search.js';

export default defineContract({
  rank(request: SearchRankRequest): SearchRankResult {
    return { ids: ['sponsor/1', ...request.listings.map((listing) => listing.id)] };
  },
});
