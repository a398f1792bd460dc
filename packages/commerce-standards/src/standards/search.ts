/**
 * `commerce.search/1`: rank the public catalogue for a query. Platforms compete on this method; a consumer
 * picks one per search, composes them (a platform's ranking, then their own filter) and may run any of them
 * in the wallet, where the private purchase history never leaves the device.
 */
import { type StandardDefinition, schemaValue } from '@hanglian/state-machine';
import { Type } from '@sinclair/typebox';

export const SEARCH_STANDARD_ID = 'commerce.search/1';

/** Listings per call: a page of the catalogue, as a wallet or platform fetches it from the catalog query. */
export const MAX_SEARCH_LISTINGS = 500;
/** Purchases a history may hold. */
export const MAX_SEARCH_HISTORY = 500;

/**
 * A listing as the catalog module's `listings` query serves it. Other fields of that view (carriers,
 * returnPolicy, …) are allowed and ignored, so a wallet can pass the view through unchanged.
 */
export const SearchListingSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 160, description: '<merchant>/<listing id>' }),
  sku: Type.String({ minLength: 1, maxLength: 64 }),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  category: Type.String({ minLength: 1, maxLength: 64 }),
  price: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'minor units' }),
  stock: Type.Integer({ minimum: 0 }),
  merchant: Type.String({ minLength: 1, maxLength: 64 }),
  /** The catalogue's channel verdict: `outside-channel` means the producer did not authorise the merchant. */
  channel: Type.Union([Type.Literal('authorised'), Type.Literal('outside-channel')]),
  /**
   * Average review stars × 100 (0–500). An integer, because transaction arguments are canonical data and
   * the canonical encoding has no floats.
   */
  rating: Type.Optional(Type.Integer({ minimum: 0, maximum: 500 })),
});
export type SearchListing = {
  id: string;
  sku: string;
  title: string;
  category: string;
  price: number;
  stock: number;
  merchant: string;
  channel: 'authorised' | 'outside-channel';
  rating?: number;
};

/** One past purchase of the consumer: private, held by the wallet. */
export const SearchPurchaseSchema = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 64 }),
    category: Type.String({ minLength: 1, maxLength: 64 }),
    price: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    time: Type.Integer({ minimum: 0, description: 'unix ms' }),
  },
  { additionalProperties: false },
);
export type SearchPurchase = {
  sku: string;
  category: string;
  price: number;
  time: number;
};

export const SearchRankRequestSchema = Type.Object(
  {
    query: Type.String({ maxLength: 200 }),
    listings: Type.Array(SearchListingSchema, { maxItems: MAX_SEARCH_LISTINGS }),
    history: Type.Optional(Type.Array(SearchPurchaseSchema, { maxItems: MAX_SEARCH_HISTORY })),
  },
  { additionalProperties: false },
);
export type SearchRankRequest = {
  query: string;
  listings: SearchListing[];
  history?: SearchPurchase[];
};

export const SearchRankResultSchema = Type.Object(
  {
    ids: Type.Array(Type.String({ minLength: 1, maxLength: 160 }), {
      maxItems: MAX_SEARCH_LISTINGS,
      uniqueItems: true,
    }),
  },
  { additionalProperties: false },
);
export type SearchRankResult = {
  ids: string[];
};

const listing = (id: string, word: string, overrides: Partial<SearchListing> = {}): SearchListing => ({
  id,
  sku: `sku-${word}`,
  title: word,
  category: word,
  price: 4_500,
  stock: 3,
  merchant: id.split('/')[0]!,
  channel: 'authorised',
  ...overrides,
});

export const SEARCH_STANDARD: StandardDefinition = {
  id: SEARCH_STANDARD_ID,
  title: 'Rank listings for a query',
  behaviour: [
    'rank({query, listings, history?}) returns {ids}: ids of the given listings, best first, each at most',
    'once; what matches and the order are the implementation’s. It returns ids only, so it cannot change a',
    'price: the order module reads prices from the catalogue. A listing that matches the query exactly (its',
    'title and category both equal the query), is in stock and sold through an authorised channel is never',
    'hidden. `history` is the consumer’s private purchase history; an implementation may personalise with it.',
    'Read-only and a function of its arguments (no caller data, no state), so a wallet can run it locally with',
    'the history and get the answer the chain would give.',
  ].join(' '),
  methods: [
    {
      name: 'rank',
      summary: 'Listing ids, best first.',
      params: [{ name: 'request', schema: schemaValue(SearchRankRequestSchema) }],
      output: schemaValue(SearchRankResultSchema),
      readOnly: true,
    },
  ],
  events: [],
  vectors: [
    {
      name: 'an empty catalogue ranks nothing',
      method: 'rank',
      args: [{ query: 'books', listings: [] }],
      expect: { ok: true, value: { ids: [] } },
    },
    {
      name: 'an exact match is returned, once, and nothing that was not given',
      method: 'rank',
      args: [{ query: 'books', listings: [listing('shop/1', 'books')] }],
      expect: { ok: true, value: { ids: ['shop/1'] } },
    },
    {
      name: 'an exact match is returned whatever the history',
      method: 'rank',
      args: [
        {
          query: 'books',
          listings: [listing('shop/1', 'books')],
          history: [{ sku: 'sku-toys', category: 'toys', price: 1_200, time: 1_700_000_000_000 }],
        },
      ],
      expect: { ok: true, value: { ids: ['shop/1'] } },
    },
    {
      name: 'ranks a mixed catalogue',
      method: 'rank',
      args: [
        {
          query: 'books',
          listings: [
            listing('shop/1', 'books', { price: 5_900, rating: 450 }),
            listing('shop/2', 'toys', { stock: 0 }),
            listing('outlet/3', 'books', { price: 3_900, channel: 'outside-channel' }),
          ],
          history: [{ sku: 'sku-books', category: 'books', price: 5_000, time: 1_700_000_000_000 }],
        },
      ],
      expect: { ok: true },
    },
    {
      name: 'a listing without a price is outside the standard',
      method: 'rank',
      args: [{ query: 'books', listings: [listing('shop/1', 'books', { price: 0 })] }],
      expect: { ok: false, code: 'REGISTRY_BAD_ARGS' },
    },
  ],
  implementerRoles: ['platform'],
};
