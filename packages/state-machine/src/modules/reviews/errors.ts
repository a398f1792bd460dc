import { defineErrorCodes } from '@hanglian/core';

/** Error codes of the reviews module. Registered once; their meaning never changes. */
export const ReviewsErrors = defineErrorCodes('reviews', {
  REVIEWS_UNKNOWN_ORDER: { kind: 'not_found', summary: 'No such order.' },
  REVIEWS_NOT_BUYER: {
    kind: 'forbidden',
    summary: "Only the order's own key (its buyer) writes its review.",
  },
  REVIEWS_NOT_DELIVERED: {
    kind: 'conflict',
    summary: 'The order was never delivered, so there is nothing to review.',
  },
  REVIEWS_EXISTS: {
    kind: 'conflict',
    summary: 'The order already has its review; reviews are never edited.',
  },
  REVIEWS_NO_REVIEW: { kind: 'not_found', summary: 'The order has no review to answer.' },
  REVIEWS_NOT_MERCHANT: { kind: 'forbidden', summary: 'Only the merchant of the order answers its review.' },
  REVIEWS_REPLIED: { kind: 'conflict', summary: 'The merchant already answered; answers are never edited.' },
});
