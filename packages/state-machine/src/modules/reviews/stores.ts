import { createCodec, IdentifierSchema, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { Store } from '../../framework/store.js';

export const REVIEWS_MODULE = 'reviews';

export const ReviewSchema = Type.Object(
  {
    order: Type.String({ maxLength: 64 }),
    listing: Type.String({ maxLength: 200 }),
    merchant: IdentifierSchema,
    sku: Type.String({ maxLength: 64 }),
    /** 1 to 5 stars. */
    rating: Type.Integer({ minimum: 1, maximum: 5 }),
    text: Type.String({ maxLength: 2_000 }),
    writtenAt: UintSchema,
    reply: Type.Optional(Type.Object({ text: Type.String({ maxLength: 2_000 }), writtenAt: UintSchema })),
  },
  { additionalProperties: false },
);
export type Review = Static<typeof ReviewSchema>;

/** Running totals; the average is derived when read, so state holds integers only. */
export const RatingSchema = Type.Object(
  { count: UintSchema, sum: UintSchema },
  { additionalProperties: false },
);
export type Rating = Static<typeof RatingSchema>;

export const reviewStore = new Store(
  REVIEWS_MODULE,
  'reviews',
  createCodec('Review', ReviewSchema, { maxBytes: 8 * 1024 }),
);
/** `reviews/byListing/<listing>/<order>`: a listing's reviews. */
export const reviewsByListingStore = new Store(
  REVIEWS_MODULE,
  'byListing',
  createCodec('Empty', Type.Object({}, { additionalProperties: false }), { maxBytes: 8 }),
);
/** `reviews/ratings/listing/<listing>` and `reviews/ratings/merchant/<org>`. */
export const ratingStore = new Store(
  REVIEWS_MODULE,
  'ratings',
  createCodec('Rating', RatingSchema, { maxBytes: 64 }),
);
