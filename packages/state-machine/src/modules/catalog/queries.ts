import { IdentifierSchema } from '@hanglian/core';
import { Type } from '@sinclair/typebox';
import type { Query } from '../../framework/module.js';
import type { StateReader } from '../../framework/state.js';
import { orgParty } from '../items/stores.js';
import type { DistributionForCatalog, ItemsForCatalog } from './expected.js';
import { type Listing, listingStore, listingsBySkuStore, type Session, sessionStore } from './stores.js';

export interface ListingView extends Listing {
  /** Items the merchant holds in stock now. */
  stock: number;
  /** Whether the product's producer authorised this merchant (anti-串货). */
  channel: 'authorised' | 'outside-channel';
  producer: string;
  category: string;
}

/**
 * What counting a merchant's stock reads (items' `stock`): the owner index, `held` from the stock-index
 * upgrade on and `holdings` before it, and the record of which is in effect.
 */
const STOCK_READS = ['items/held', 'items/holdings', 'upgrades/applied'];

const ListingsParams = Type.Object(
  {
    sku: Type.Optional(Type.String({ maxLength: 64 })),
    merchant: Type.Optional(IdentifierSchema),
    /** Include paused listings too. */
    includePaused: Type.Optional(Type.Boolean()),
    /** Continue after this listing id (pagination). */
    after: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

export function createCatalogQueries(items: ItemsForCatalog, distribution: DistributionForCatalog) {
  /** The listing as the public sees it at block time `time` (a channel past its end date no longer counts). */
  const view = (state: StateReader, listing: Listing, time: number): ListingView | undefined => {
    const product = items.getProduct(state, listing.sku);
    if (product === undefined) return undefined;
    return {
      ...listing,
      stock: items.stock(state, orgParty(listing.merchant), listing.sku),
      channel: distribution.isAuthorised(state, {
        producer: product.producer,
        org: listing.merchant,
        sku: listing.sku,
        time,
      })
        ? 'authorised'
        : 'outside-channel',
      producer: product.producer,
      category: product.category,
    };
  };

  const listing = {
    name: 'listing',
    reads: { public: ['catalog/listings', 'distribution/channels', ...STOCK_READS, 'items/products'] },
    access: 'public',
    summary: 'A listing with its stock and channel verdict.',
    paramsSchema: Type.Object({ id: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
    execute: (ctx) => {
      const found = listingStore.get(ctx.state, (ctx.params as { id: string }).id);
      return found === undefined ? null : (view(ctx.state, found, ctx.time) ?? null);
    },
  } satisfies Query<any, ListingView | null>;

  const listings = {
    name: 'listings',
    reads: {
      public: [
        'catalog/bySku',
        'catalog/listings',
        'distribution/channels',
        ...STOCK_READS,
        'items/products',
      ],
    },
    access: 'public',
    summary: 'The public catalogue: active listings (of a product or a merchant), with stock, in id order.',
    paramsSchema: ListingsParams,
    execute: (ctx) => {
      const { sku, merchant, includePaused, after, limit = 100 } = ctx.params;
      let ids: Iterable<string>;
      if (sku !== undefined)
        ids = [...listingsBySkuStore.entries(ctx.state, `${sku}/`)].map(([key]) => key.slice(sku.length + 1));
      else
        ids = [...listingStore.entries(ctx.state, merchant === undefined ? '' : `${merchant}/`)].map(
          ([id]) => id,
        );
      const out: ListingView[] = [];
      for (const id of ids) {
        if (after !== undefined && id <= after) continue;
        const found = listingStore.get(ctx.state, id);
        if (found === undefined || (merchant !== undefined && found.merchant !== merchant)) continue;
        if (found.status !== 'active' && !includePaused) continue;
        const v = view(ctx.state, found, ctx.time);
        if (v !== undefined) out.push(v);
        if (out.length >= limit) break;
      }
      return out;
    },
  } satisfies Query<typeof ListingsParams, ListingView[]>;

  const session = {
    name: 'session',
    reads: { public: ['catalog/sessions'] },
    access: 'public',
    summary: 'A live-stream session and its featured listings.',
    paramsSchema: Type.Object({ id: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
    execute: (ctx) => sessionStore.get(ctx.state, (ctx.params as { id: string }).id) ?? null,
  } satisfies Query<any, Session | null>;

  const SessionsParams = Type.Object(
    {
      host: Type.Optional(IdentifierSchema),
      /** Only sessions featuring this listing. */
      listing: Type.Optional(Type.String({ maxLength: 200 })),
      /** Only sessions running at this time (unix ms): `startsAt ≤ at < endsAt`. */
      at: Type.Optional(Type.Integer({ minimum: 0 })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    },
    { additionalProperties: false },
  );
  const sessions = {
    name: 'sessions',
    reads: { public: ['catalog/sessions'] },
    access: 'public',
    summary: 'Live-stream sessions (of a host, featuring a listing, running at a time), in id order.',
    paramsSchema: SessionsParams,
    execute: (ctx) => {
      const { host, listing: featured, at, limit = 100 } = ctx.params;
      const out: Session[] = [];
      for (const [, found] of sessionStore.entries(ctx.state, host === undefined ? '' : `${host}/`)) {
        if (featured !== undefined && !found.featured.some((f) => f.listing === featured)) continue;
        if (at !== undefined && !(found.startsAt <= at && at < found.endsAt)) continue;
        out.push(found);
        if (out.length >= limit) break;
      }
      return out;
    },
  } satisfies Query<typeof SessionsParams, Session[]>;

  return { listing, listings, session, sessions };
}
