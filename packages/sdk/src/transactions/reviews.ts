/**
 * Builders for the reviews module's commands (packages/state-machine/src/modules/reviews/README.md): only
 * the order's own key writes its review (a gateway submits, the key co-signs); the merchant answers once.
 */
import type { TxCall } from './call.js';

export interface WriteReviewParams {
  /** A delivered order's id. */
  order: string;
  /** 1..5 stars. */
  rating: number;
  /** At most 2,000 characters; public and never edited. */
  text: string;
}
export interface ReplyParams {
  order: string;
  /** 1..2,000 characters. */
  text: string;
}

const call = <P extends object>(command: string, params: P): TxCall<P> => ({
  module: 'reviews',
  command,
  params,
});

export const reviews = {
  /**
   * The buyer reviews a delivered order, signed by the order's key.
   *
   * @example
   * ```ts
   * await signAndSubmit(client, {
   *   signer: gateway,
   *   actors: [key],
   *   ...reviews.write({ order, rating: 5, text: 'Beautiful binding, fast delivery.' }),
   * });
   * ```
   */
  write: (params: WriteReviewParams): TxCall<WriteReviewParams> =>
    call('write', { order: params.order, rating: params.rating, text: params.text }),
  /**
   * The merchant answers a review of its order, once.
   *
   * @example
   * ```ts
   * reviews.reply({ order, text: 'Thank you for reading with us.' });
   * ```
   */
  reply: (params: ReplyParams): TxCall<ReplyParams> =>
    call('reply', { order: params.order, text: params.text }),
} as const;
