import { HanglianError, TextSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import type { StateWriter } from '../../../framework/state.js';
import { ReviewsErrors } from '../errors.js';
import { ReviewsEvents } from '../events.js';
import type { OrdersForReviews } from '../expected.js';
import { ratingStore, reviewStore, reviewsByListingStore } from '../stores.js';

export const WriteReviewParamsSchema = Type.Object(
  {
    order: Type.String({ pattern: '^[0-9a-f]{32}$' }),
    rating: Type.Integer({ minimum: 1, maximum: 5 }),
    text: TextSchema({ maxChars: 2_000, multiline: true }),
  },
  { additionalProperties: false },
);
export type WriteReviewParams = Static<typeof WriteReviewParamsSchema>;

function addRating(state: StateWriter, key: string, rating: number): void {
  const current = ratingStore.get(state, key) ?? { count: 0, sum: 0 };
  ratingStore.set(state, key, { count: current.count + 1, sum: current.sum + rating });
}

/**
 * Only a verified buyer reviews: the transaction must carry the signature of the order's own one-time key,
 * and the order must have been delivered. One review per order, never edited: a review is part of the
 * record, like the sale it is about.
 */
export class WriteReviewCommand implements Command<typeof WriteReviewParamsSchema> {
  readonly name = 'write';
  readonly summary = "Review a delivered order, signed by the order's own key; once, never edited.";
  readonly paramsSchema = WriteReviewParamsSchema;
  readonly #orders: OrdersForReviews;

  constructor(orders: OrdersForReviews) {
    this.#orders = orders;
  }

  execute(ctx: CommandContext<WriteReviewParams>): void {
    const order = this.#orders.getOrder(ctx.state, ctx.params.order);
    if (order === undefined)
      throw new HanglianError(ReviewsErrors.REVIEWS_UNKNOWN_ORDER, `no order ${ctx.params.order}`);
    if (!ctx.signedBy(order.buyer))
      throw new HanglianError(ReviewsErrors.REVIEWS_NOT_BUYER, "the order's key did not sign");
    if (order.deliveredAt === undefined) {
      throw new HanglianError(ReviewsErrors.REVIEWS_NOT_DELIVERED, `order ${order.id} was not delivered`);
    }
    if (reviewStore.has(ctx.state, order.id))
      throw new HanglianError(ReviewsErrors.REVIEWS_EXISTS, `order ${order.id} is reviewed`);
    const review = {
      order: order.id,
      listing: order.listing,
      merchant: order.merchant,
      sku: order.sku,
      rating: ctx.params.rating,
      text: ctx.params.text,
      writtenAt: ctx.block.height,
    };
    reviewStore.set(ctx.state, order.id, review);
    reviewsByListingStore.set(ctx.state, `${order.listing}/${order.id}`, {});
    addRating(ctx.state, `listing/${order.listing}`, review.rating);
    addRating(ctx.state, `merchant/${order.merchant}`, review.rating);
    ctx.emit(ReviewsEvents.reviewed, { order: order.id, listing: order.listing, rating: review.rating }, [
      order.listing,
      order.merchant,
    ]);
  }
}
