import { HanglianError, TextSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { OrdersErrors } from '../errors.js';
import type { IdentityForOrders } from '../expected.js';
import { commandStep, type OrderLifecycle } from '../lifecycle.js';
import { OrderIdSchema } from '../stores.js';

export const DisputeParamsSchema = Type.Object(
  { order: OrderIdSchema, reason: TextSchema({ minChars: 1, maxChars: 256, multiline: true }) },
  { additionalProperties: false },
);
export type DisputeParams = Static<typeof DisputeParamsSchema>;

/** The buyer (order key) or the merchant takes a funded, unreleased order to the arbiter named at creation. */
export class DisputeCommand implements Command<typeof DisputeParamsSchema> {
  readonly name = 'dispute';
  readonly summary = 'Take an order to its arbiter (the order key or the merchant), before release.';
  readonly paramsSchema = DisputeParamsSchema;
  readonly #identity: IdentityForOrders;
  readonly #lifecycle: OrderLifecycle;

  constructor(identity: IdentityForOrders, lifecycle: OrderLifecycle) {
    this.#identity = identity;
    this.#lifecycle = lifecycle;
  }

  execute(ctx: CommandContext<DisputeParams>): void {
    const order = this.#lifecycle.require(ctx.state, ctx.params.order);
    const byBuyer = ctx.signedBy(order.buyer);
    if (!byBuyer && this.#identity.orgOf(ctx.state, ctx.tx.submitter) !== order.merchant) {
      throw new HanglianError(
        OrdersErrors.ORDERS_NOT_BUYER,
        'only the buyer or the merchant disputes an order',
      );
    }
    this.#lifecycle.requireStatus(order, 'paid', 'shipped', 'delivered', 'returning');
    // Nothing is left to decide about an order that can only be refunded.
    this.#lifecycle.requireDeliverable(ctx.state, order);
    this.#lifecycle.step(
      commandStep(ctx, byBuyer ? order.buyer : ctx.tx.submitter),
      order,
      'disputed',
      ctx.block.time + order.windows.arbitrationWindowMs,
      { disputedFrom: order.status, disputedBy: byBuyer ? 'buyer' : 'merchant', disputedAt: ctx.block.time },
    );
  }
}
