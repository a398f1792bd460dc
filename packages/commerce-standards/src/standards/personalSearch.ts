/**
 * `commerce.search/2`: rank candidate listings for a query with a private context the caller supplies (the
 * wallet's purchases, reviews and grants). The second version of the search standard, beside `search/1`:
 * up to 1,000 candidates, a structured context instead of a bare history, and the promise that the answer
 * is a function of the arguments alone, so a wallet runs the platform's registered code locally
 * (`@hanglian/sdk/local`) and gets exactly the chain's answer while the context never leaves the device.
 */
import { type StandardDefinition, schemaValue } from '@hanglian/state-machine';
import { Type } from '@sinclair/typebox';

export const PERSONAL_SEARCH_STANDARD_ID = 'commerce.search/2';

/** Candidates per call: a whole catalogue page set a wallet fetched (1,000 listings ≈ 0.3 MiB of JSON). */
export const MAX_PERSONAL_SEARCH_LISTINGS = 1_000;
/** Purchases, and reviews, a context may hold. */
export const MAX_CONTEXT_PURCHASES = 500;
export const MAX_CONTEXT_REVIEWS = 500;
/** Grants a context may hold. */
export const MAX_CONTEXT_GRANTS = 64;

/**
 * A listing as the catalog module's `listings` query serves it (with the average rating added). Other
 * fields of that view (carriers, returnPolicy, …) are allowed and ignored, so a wallet passes the view
 * through unchanged.
 */
export const PersonalSearchListingSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 160, description: '<merchant>/<listing id>' }),
  sku: Type.String({ minLength: 1, maxLength: 64 }),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  category: Type.String({ minLength: 1, maxLength: 64 }),
  price: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'minor units' }),
  stock: Type.Integer({ minimum: 0 }),
  merchant: Type.String({ minLength: 1, maxLength: 64 }),
  channel: Type.Union([Type.Literal('authorised'), Type.Literal('outside-channel')]),
  /** Average review stars × 100 (0–500): an integer, as the canonical encoding has no floats. */
  rating: Type.Optional(Type.Integer({ minimum: 0, maximum: 500 })),
  /** When the listing was created (block time, unix ms): lets an implementation favour what is new. */
  createdAt: Type.Integer({ minimum: 0 }),
});
export type PersonalSearchListing = {
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

/** One past purchase (an order of the wallet that was not cancelled or refunded). */
export const ContextPurchaseSchema = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 64 }),
    category: Type.String({ minLength: 1, maxLength: 64 }),
    merchant: Type.String({ minLength: 1, maxLength: 64 }),
    /** Unit price paid, minor units. */
    price: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    quantity: Type.Integer({ minimum: 1, maximum: 1_000 }),
    time: Type.Integer({ minimum: 0, description: 'unix ms' }),
  },
  { additionalProperties: false },
);
export type ContextPurchase = {
  sku: string;
  category: string;
  merchant: string;
  price: number;
  quantity: number;
  time: number;
};

/** One review the consumer wrote (reviews are public, but which ones are theirs is not). */
export const ContextReviewSchema = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 64 }),
    merchant: Type.String({ minLength: 1, maxLength: 64 }),
    stars: Type.Integer({ minimum: 1, maximum: 5 }),
    time: Type.Integer({ minimum: 0, description: 'unix ms' }),
  },
  { additionalProperties: false },
);
export type ContextReview = {
  sku: string;
  merchant: string;
  stars: number;
  time: number;
};

/** One grant of history the consumer gave (privacy module): to whom, which categories, until when. */
export const ContextGrantSchema = Type.Object(
  {
    grantee: Type.String({ minLength: 1, maxLength: 64 }),
    categories: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32 }),
    expiresAt: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type ContextGrant = {
  grantee: string;
  categories: string[];
  expiresAt: number;
};

export const SearchContextSchema = Type.Object(
  {
    purchases: Type.Array(ContextPurchaseSchema, { maxItems: MAX_CONTEXT_PURCHASES }),
    reviews: Type.Array(ContextReviewSchema, { maxItems: MAX_CONTEXT_REVIEWS }),
    grants: Type.Array(ContextGrantSchema, { maxItems: MAX_CONTEXT_GRANTS }),
  },
  { additionalProperties: false },
);
export type SearchContext = {
  purchases: ContextPurchase[];
  reviews: ContextReview[];
  grants: ContextGrant[];
};

/** The empty context: what an anonymous search passes. */
export const EMPTY_SEARCH_CONTEXT: SearchContext = Object.freeze({
  purchases: [],
  reviews: [],
  grants: [],
}) as SearchContext;

export const PersonalSearchRequestSchema = Type.Object(
  {
    query: Type.String({ maxLength: 200 }),
    /**
     * The time the ranking is for (unix ms), given by the caller: the contract reads no clock, so "new"
     * is measured against this.
     */
    time: Type.Integer({ minimum: 0 }),
    listings: Type.Array(PersonalSearchListingSchema, { maxItems: MAX_PERSONAL_SEARCH_LISTINGS }),
    context: SearchContextSchema,
  },
  { additionalProperties: false },
);
export type PersonalSearchRequest = {
  query: string;
  time: number;
  listings: PersonalSearchListing[];
  context: SearchContext;
};

export const PersonalSearchResultSchema = Type.Object(
  {
    ids: Type.Array(Type.String({ minLength: 1, maxLength: 160 }), {
      maxItems: MAX_PERSONAL_SEARCH_LISTINGS,
      uniqueItems: true,
    }),
  },
  { additionalProperties: false },
);
export type PersonalSearchResult = {
  ids: string[];
};

const VECTOR_TIME = 1_767_225_600_000;

const listing = (
  id: string,
  word: string,
  overrides: Partial<PersonalSearchListing> = {},
): PersonalSearchListing => ({
  id,
  sku: `sku-${word}`,
  title: word,
  category: word,
  price: 4_500,
  stock: 3,
  merchant: id.split('/')[0]!,
  channel: 'authorised',
  createdAt: VECTOR_TIME - 86_400_000,
  ...overrides,
});

const FULL_CONTEXT: SearchContext = {
  purchases: [
    {
      sku: 'sku-books',
      category: 'books',
      merchant: 'shop',
      price: 5_000,
      quantity: 1,
      time: VECTOR_TIME - 5,
    },
    {
      sku: 'sku-toys',
      category: 'toys',
      merchant: 'outlet',
      price: 1_200,
      quantity: 2,
      time: VECTOR_TIME - 9,
    },
  ],
  reviews: [{ sku: 'sku-books', merchant: 'shop', stars: 5, time: VECTOR_TIME - 4 }],
  grants: [{ grantee: 'platform-b', categories: ['books'], expiresAt: VECTOR_TIME + 1 }],
};

export const PERSONAL_SEARCH_STANDARD: StandardDefinition = {
  id: PERSONAL_SEARCH_STANDARD_ID,
  title: 'Rank listings for a query with the consumer’s private context',
  behaviour: [
    'rank({query, time, listings, context}) returns {ids}: ids of the given listings, best first, each at',
    'most once; what matches and the order are the implementation’s, and it may use every part of the',
    'context (purchases, reviews, grants). It returns ids only, so it cannot change a price. A listing that',
    'matches the query exactly (title and category both equal the query), is in stock and sold through an',
    'authorised channel is never hidden, whatever the context. The answer is a function of the arguments',
    'alone: an implementation must not read chain.caller, chain.height, chain.time, its state or other',
    'contracts, so a wallet running the registered code locally gets the chain’s answer, and the context',
    'never has to leave the wallet. `time` is the caller’s clock for what "new" means.',
  ].join(' '),
  methods: [
    {
      name: 'rank',
      summary: 'Listing ids, best first, for this consumer.',
      params: [{ name: 'request', schema: schemaValue(PersonalSearchRequestSchema) }],
      output: schemaValue(PersonalSearchResultSchema),
      readOnly: true,
    },
  ],
  events: [],
  vectors: [
    {
      name: 'an empty catalogue ranks nothing',
      method: 'rank',
      args: [{ query: 'books', time: VECTOR_TIME, listings: [], context: EMPTY_SEARCH_CONTEXT }],
      expect: { ok: true, value: { ids: [] } },
    },
    {
      name: 'an exact match is returned, once, and nothing that was not given',
      method: 'rank',
      args: [
        {
          query: 'books',
          time: VECTOR_TIME,
          listings: [listing('shop/1', 'books')],
          context: EMPTY_SEARCH_CONTEXT,
        },
      ],
      expect: { ok: true, value: { ids: ['shop/1'] } },
    },
    {
      name: 'an exact match is returned whatever the context',
      method: 'rank',
      args: [
        {
          query: 'books',
          time: VECTOR_TIME,
          listings: [listing('shop/1', 'books', { merchant: 'stranger' })],
          context: {
            purchases: [
              { sku: 'sku-toys', category: 'toys', merchant: 'outlet', price: 99, quantity: 1, time: 1 },
            ],
            reviews: [{ sku: 'sku-books', merchant: 'stranger', stars: 1, time: 2 }],
            grants: [],
          },
        },
      ],
      expect: { ok: true, value: { ids: ['shop/1'] } },
    },
    {
      name: 'the answer does not depend on who calls',
      method: 'rank',
      caller: 'hl35c25b61fa28d2fbbba9cea490e2106f8c66b483',
      args: [
        {
          query: 'books',
          time: VECTOR_TIME,
          listings: [listing('shop/1', 'books')],
          context: FULL_CONTEXT,
        },
      ],
      expect: { ok: true, value: { ids: ['shop/1'] } },
    },
    {
      name: 'ranks a mixed catalogue with a full context',
      method: 'rank',
      args: [
        {
          query: 'books',
          time: VECTOR_TIME,
          listings: [
            listing('shop/1', 'books', { price: 5_900, rating: 450 }),
            listing('shop/2', 'toys', { stock: 0 }),
            listing('outlet/3', 'books', {
              price: 3_900,
              channel: 'outside-channel',
              createdAt: VECTOR_TIME,
            }),
            listing('outlet/4', 'books', { price: 4_100, sku: 'sku-new' }),
          ],
          context: FULL_CONTEXT,
        },
      ],
      expect: { ok: true },
    },
    {
      name: 'a context with fields outside the standard is refused',
      method: 'rank',
      args: [
        {
          query: 'books',
          time: VECTOR_TIME,
          listings: [],
          context: { ...EMPTY_SEARCH_CONTEXT, address: 'somewhere' },
        },
      ],
      expect: { ok: false, code: 'REGISTRY_BAD_ARGS' },
    },
    {
      name: 'a review of six stars is outside the standard',
      method: 'rank',
      args: [
        {
          query: 'books',
          time: VECTOR_TIME,
          listings: [],
          context: { ...EMPTY_SEARCH_CONTEXT, reviews: [{ sku: 'x', merchant: 'shop', stars: 6, time: 0 }] },
        },
      ],
      expect: { ok: false, code: 'REGISTRY_BAD_ARGS' },
    },
  ],
  implementerRoles: ['platform'],
};
