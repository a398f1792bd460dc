import { IdentifierSchema } from '@hanglian/core';
import { Type } from '@sinclair/typebox';
import type { Query } from '../../framework/module.js';
import { type Review, ReviewSchema, ratingStore, reviewStore, reviewsByListingStore } from './stores.js';

export interface RatingView {
  count: number;
  /** Average stars × 100, rounded (integers only in chain data). */
  averageTimes100: number;
}

const ListingParams = Type.Object(
  {
    listing: Type.String({ maxLength: 200 }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);

export const reviewsQueries = {
  review: {
    name: 'review',
    reads: { public: ['reviews/reviews'] },
    resultSchema: Type.Union([ReviewSchema, Type.Null()]),
    access: 'public',
    summary: 'The review of an order (with the merchant’s answer), if any.',
    paramsSchema: Type.Object({ order: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
    execute: (ctx): Review | null =>
      reviewStore.get(ctx.state, (ctx.params as { order: string }).order) ?? null,
  } satisfies Query<any, Review | null>,
  reviews: {
    name: 'reviews',
    reads: { public: ['reviews/byListing', 'reviews/reviews'] },
    resultSchema: Type.Array(ReviewSchema),
    access: 'public',
    summary: "A listing's reviews.",
    paramsSchema: ListingParams,
    execute: (ctx): Review[] => {
      const { listing, limit = 50 } = ctx.params as { listing: string; limit?: number };
      const out: Review[] = [];
      for (const [key] of reviewsByListingStore.entries(ctx.state, `${listing}/`)) {
        const review = reviewStore.get(ctx.state, key.slice(listing.length + 1));
        if (review !== undefined) out.push(review);
        if (out.length >= limit) break;
      }
      return out;
    },
  } satisfies Query<any, Review[]>,
  rating: {
    name: 'rating',
    reads: { public: ['reviews/ratings'] },
    access: 'public',
    summary: 'Aggregate rating of a listing or of a merchant.',
    paramsSchema: Type.Union([
      Type.Object({ listing: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
      Type.Object({ merchant: IdentifierSchema }, { additionalProperties: false }),
    ]),
    execute: (ctx): RatingView => {
      const p = ctx.params as { listing?: string; merchant?: string };
      const rating = ratingStore.get(
        ctx.state,
        p.listing !== undefined ? `listing/${p.listing}` : `merchant/${p.merchant}`,
      );
      if (rating === undefined) return { count: 0, averageTimes100: 0 };
      return { count: rating.count, averageTimes100: Math.round((rating.sum * 100) / rating.count) };
    },
  } satisfies Query<any, RatingView>,
};
