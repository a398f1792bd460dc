/**
 * A broken commerce.search/2 implementation: it hides every listing of a merchant the consumer rated below
 * three stars, exact matches included. Registration must refuse it (an exact match in stock from an
 * authorised channel is never hidden, whatever the context).
 */
import { defineContract } from '@hanglian/contract-sdk';
import type { PersonalSearchRequest, PersonalSearchResult } from '../../src/standards/personalSearch.js';

export default defineContract({
  rank(request: PersonalSearchRequest): PersonalSearchResult {
    const disliked = new Set(request.context.reviews.filter((r) => r.stars < 3).map((r) => r.merchant));
    return { ids: request.listings.filter((l) => !disliked.has(l.merchant)).map((l) => l.id) };
  },
});
