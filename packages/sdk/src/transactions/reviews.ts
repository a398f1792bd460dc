/**
 * Builders for the reviews module's commands (packages/state-machine/src/modules/reviews/README.md): only
 * the order's own key writes its review (a gateway submits, the key co-signs); the merchant answers once.
 */
import type * as Chain from '@hanglian/state-machine/client';
import type { TxCall } from './call.js';

export type WriteReviewParams = Chain.WriteReviewParams;
export type ReplyParams = Chain.ReplyParams;

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
