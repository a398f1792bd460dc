import { createCodec, IdentifierSchema, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { Store } from '../../framework/store.js';
import { RegionSchema } from '../distribution/stores.js';
import { SkuSchema } from '../items/stores.js';

export const CATALOG_MODULE = 'catalog';

export const LocalIdSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' });
/** Basis points: 100 = 1 %. */
export const BasisPointsSchema = Type.Integer({ minimum: 0, maximum: 10_000 });

export const ReturnPolicySchema = Type.Object(
  {
    /** Days after delivery a buyer may return; 0: no returns. */
    days: Type.Integer({ minimum: 0, maximum: 365 }),
    /** Kept by the merchant from the refund of a return, in basis points of the price. */
    restockingFeeBps: BasisPointsSchema,
  },
  { additionalProperties: false },
);

export const ListingSchema = Type.Object(
  {
    /** `<merchant>/<listing id>` */
    id: Type.String(),
    merchant: IdentifierSchema,
    sku: SkuSchema,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    /** The one price of the item for everyone, in minor units of the settlement unit. */
    price: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    carriers: Type.Array(IdentifierSchema, { minItems: 1, maxItems: 16 }),
    shipsTo: Type.Array(RegionSchema, { maxItems: 64 }),
    returnPolicy: ReturnPolicySchema,
    /** What the merchant pays a live-stream host who sells it, in basis points of the price; 0: none. */
    hostCommissionBps: BasisPointsSchema,
    /**
     * The merchant's inventory implementation (`commerce.inventory/1`) that chooses which item codes an
     * order gets; absent: the orders module's built-in FIFO (first codes in key order).
     */
    inventory: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' })),
    /** Where the merchant ships from (the logistics quote's origin); orders need it. */
    shipsFrom: Type.Optional(RegionSchema),
    status: Type.Union([Type.Literal('active'), Type.Literal('paused')]),
    createdAt: UintSchema,
    updatedAt: UintSchema,
  },
  { additionalProperties: false },
);
export type Listing = Static<typeof ListingSchema>;

export const SessionSchema = Type.Object(
  {
    id: Type.String(),
    host: IdentifierSchema,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    startsAt: UintSchema,
    endsAt: UintSchema,
    /** The featured listings and the commission agreed for each when the session was made. */
    featured: Type.Array(Type.Object({ listing: Type.String(), commissionBps: BasisPointsSchema }), {
      minItems: 1,
      maxItems: 200,
    }),
  },
  { additionalProperties: false },
);
export type Session = Static<typeof SessionSchema>;

export const listingStore = new Store(
  CATALOG_MODULE,
  'listings',
  createCodec('Listing', ListingSchema, { maxBytes: 8 * 1024 }),
);
export const sessionStore = new Store(
  CATALOG_MODULE,
  'sessions',
  createCodec('Session', SessionSchema, { maxBytes: 32 * 1024 }),
);
/** `catalog/bySku/<sku>/<listing id>`: listings of a product, for search. */
export const listingsBySkuStore = new Store(
  CATALOG_MODULE,
  'bySku',
  createCodec('Empty', Type.Object({}, { additionalProperties: false }), { maxBytes: 8 }),
);
