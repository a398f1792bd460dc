/**
 * Personalised search in the wallet (`commerce.search/2`): the request's types as the standard defines them
 * (packages/commerce-standards, `personalSearch.ts`; a test checks they agree), a context built from what
 * the wallet already holds, and a local ranking by a platform's verified code. The context goes into the
 * sandbox and nowhere else.
 */
import { query } from '../actions/query.js';
import type { BaseClient } from '../baseClient.js';
import { HanglianSdkError, SdkErrors } from '../errors.js';
import type { PurchasedOrder } from '../privacy/share.js';
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

/** Orders in these states are not purchases the shopper kept: they stay out of the context. */
const NOT_KEPT = new Set(['cancelled', 'refunded', 'returned']);

/**
 * The search context from the wallet's purchases as discovery found them (`discoverPurchases` /
 * `listPurchases`): each kept order as a purchase (its product's category, the merchant, the unit price
 * paid, quantity and time), the review its order key wrote, and the grants given (`grants`, from the
 * wallet's own records). The newest 500 of each.
 *
 * It makes no request: the category and the review come in the bucket answers discovery already asked
 * for (`orders.buyerBucket`), among other consumers' orders. Asking the node for a product per SKU or a
 * review per order, as this did before, named exactly the shopper's orders and told the serving node
 * which orders belong together: the link the buckets exist to hide (docs/privacy.md). An order without
 * a category (not from a bucket answer, or its product unknown) stays out of the context.
 *
 * @example
 * ```ts
 * const { purchases } = await discoverPurchases(client, wallet);
 * const context = searchContextFromPurchases(purchases);
 * ```
 */
export function searchContextFromPurchases(
  purchases: ReadonlyArray<{ readonly order: PurchasedOrder }>,
  options: { readonly grants?: readonly SearchContextGrant[] } = {},
): SearchContext {
  const kept = purchases
    .map((p) => p.order)
    .filter((order) => !NOT_KEPT.has(order.status))
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, 500);
  const reviews: SearchContextReview[] = [];
  for (const order of kept) {
    if (order.review !== undefined && order.review !== null) {
      reviews.push({
        sku: order.sku,
        merchant: order.merchant,
        stars: order.review.rating,
        time: order.review.writtenAt,
      });
    }
  }
  return {
    purchases: kept.flatMap((order) =>
      typeof order.category === 'string'
        ? [
            {
              sku: order.sku,
              category: order.category,
              merchant: order.merchant,
              price: Math.max(
                1,
                Number(order.unitPrice ?? Math.floor(order.composition.total / order.quantity)),
              ),
              quantity: order.quantity,
              time: order.createdAt,
            },
          ]
        : [],
    ),
    reviews,
    grants: [...(options.grants ?? [])].slice(0, 64),
  };
}

/**
 * The public catalogue as search candidates: active listings in id order, page by page, at most `max`
 * (default 1,000, the standard's limit), reduced to the fields the standard reads. The same requests for
 * every shopper.
 *
 * @example
 * ```ts
 * const listings = await searchCandidates(client);
 * ```
 */
export async function searchCandidates(
  client: BaseClient,
  options: { readonly max?: number } = {},
): Promise<SearchListingInput[]> {
  const max = Math.min(options.max ?? MAX_CANDIDATES, MAX_CANDIDATES);
  const out: SearchListingInput[] = [];
  let after: string | undefined;
  while (out.length < max) {
    const limit = Math.min(500, max - out.length);
    const { result } = await query(client, 'catalog', 'listings', {
      limit,
      ...(after === undefined ? {} : { after }),
    });
    for (const view of result)
      out.push(searchListing(view as unknown as SearchListingInput & Record<string, unknown>));
    if (result.length < limit) break;
    after = result[result.length - 1]!.id;
  }
  return out;
}

/** Candidates per ranking: `commerce.search/2`'s limit. */
export const MAX_CANDIDATES = 1_000;
