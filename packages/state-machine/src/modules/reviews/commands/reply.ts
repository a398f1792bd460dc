import { HanglianError, TextSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { ReviewsErrors } from '../errors.js';
import { ReviewsEvents } from '../events.js';
import type { IdentityForReviews } from '../expected.js';
import { reviewStore } from '../stores.js';

export const ReplyParamsSchema = Type.Object(
  {
    order: Type.String({ pattern: '^[0-9a-f]{32}$' }),
    text: TextSchema({ minChars: 1, maxChars: 2_000, multiline: true }),
  },
  { additionalProperties: false },
);
export type ReplyParams = Static<typeof ReplyParamsSchema>;

/** The merchant answers a review of its order, once; the review itself stays as written. */
export class ReplyCommand implements Command<typeof ReplyParamsSchema> {
  readonly name = 'reply';
  readonly summary = 'Answer a review of your order (the merchant), once.';
  readonly paramsSchema = ReplyParamsSchema;
  readonly #identity: IdentityForReviews;

  constructor(identity: IdentityForReviews) {
    this.#identity = identity;
  }

  execute(ctx: CommandContext<ReplyParams>): void {
    const review = reviewStore.get(ctx.state, ctx.params.order);
    if (review === undefined)
      throw new HanglianError(ReviewsErrors.REVIEWS_NO_REVIEW, `order ${ctx.params.order} has no review`);
    if (this.#identity.orgOf(ctx.state, ctx.tx.submitter) !== review.merchant) {
      throw new HanglianError(ReviewsErrors.REVIEWS_NOT_MERCHANT, `only ${review.merchant} answers it`);
    }
    if (review.reply !== undefined)
      throw new HanglianError(ReviewsErrors.REVIEWS_REPLIED, 'the review was already answered');
    reviewStore.set(ctx.state, review.order, {
      ...review,
      reply: { text: ctx.params.text, writtenAt: ctx.block.height },
    });
    ctx.emit(ReviewsEvents.replied, { order: review.order, merchant: review.merchant }, [
      review.listing,
      review.merchant,
    ]);
  }
}
