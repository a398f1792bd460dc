/**
 * Personalised search in the wallet (`commerce.search/2`): the request's types as the standard defines them
 * (packages/commerce-standards, `personalSearch.ts`; a test checks they agree), a context built from what
 * the wallet already holds, and a local ranking by a platform's verified code. The context goes into the
 * sandbox and nowhere else.
 */
import { HanglianSdkError, SdkErrors } from '../errors.js';
import type { VerifiedImplementation } from './fetchImplementation.js';
import type { LocalCallResult, LocalRunner } from './runner.js';

export const PERSONAL_SEARCH_STANDARD_ID = 'commerce.search/2';

export type SearchListingInput = {
  id: string;
  sku: string;
  title: string;
  category: string;
  price: number;
  stock: number;
  merchant: string;
  channel: 'authorised' | 'outside-channel';
  rating?: number;
  createdAt: number;
};
export type SearchContextPurchase = {
  sku: string;
  category: string;
  merchant: string;
  price: number;
  quantity: number;
  time: number;
};
export type SearchContextReview = { sku: string; merchant: string; stars: number; time: number };
export type SearchContextGrant = { grantee: string; categories: string[]; expiresAt: number };
export type SearchContext = {
  purchases: SearchContextPurchase[];
  reviews: SearchContextReview[];
  grants: SearchContextGrant[];
};
export type PersonalSearchInput = {
  query: string;
  time: number;
  listings: SearchListingInput[];
  context: SearchContext;
};

export const emptySearchContext = (): SearchContext => ({ purchases: [], reviews: [], grants: [] });

/**
 * Keeps of a listing view (the catalog module's, with a rating) only the fields the standard reads, so
 * the request stays small (1,000 listings ≈ 0.3 MiB).
 *
 * @example
 * ```ts
 * const listings = (await client.query({ module: 'catalog', name: 'listings' })).result.map(searchListing);
 * ```
 */
export function searchListing(view: SearchListingInput & Record<string, unknown>): SearchListingInput {
  const { id, sku, title, category, price, stock, merchant, channel, rating, createdAt } = view;
  return {
    id,
    sku,
    title,
    category,
    price,
    stock,
    merchant,
    channel,
    createdAt,
    ...(rating === undefined ? {} : { rating }),
  };
}

export interface LocalRanking extends Omit<LocalCallResult, 'ok'> {
  readonly ids: string[];
  readonly gasUsed: number;
}

/**
 * Ranks `input` with the verified `commerce.search/2` implementation, in this process. Throws the
 * contract's failure as an SDK error (its code, e.g. REGISTRY_BAD_ARGS or CONTRACT_OUT_OF_GAS).
 *
 * @example
 * ```ts
 * const runner = await LocalRunner.create();
 * const platform = await fetchImplementation(light, 'platform-b.discover');
 * const { ids } = rankLocally(runner, platform, { query: '茶', time: Date.now(), listings, context });
 * ```
 */
export function rankLocally(
  runner: LocalRunner,
  verified: VerifiedImplementation,
  input: PersonalSearchInput,
): LocalRanking {
  if (verified.standard.id !== PERSONAL_SEARCH_STANDARD_ID) {
    throw new HanglianSdkError(
      SdkErrors.SDK_LOCAL_NOT_FOUND,
      `${verified.implementation.id} implements ${verified.standard.id}, not ${PERSONAL_SEARCH_STANDARD_ID}`,
      { details: { implementation: verified.implementation.id, standard: verified.standard.id } },
    );
  }
  const result = runner.call(verified, 'rank', [input]);
  if (!result.ok) {
    throw new HanglianSdkError(result.code, `${result.implementation}.rank: ${result.message}`, {
      details: { implementation: result.implementation, gasUsed: result.gasUsed },
    });
  }
  const { ok: _ok, value, ...rest } = result;
  return { ...rest, ids: (value as { ids: string[] }).ids };
}
