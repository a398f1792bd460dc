import { HanglianError, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { OrdersErrors } from '../errors.js';
import type { IdentityForOrders } from '../expected.js';
import { commandStep, type OrderLifecycle } from '../lifecycle.js';
import { OrderIdSchema } from '../stores.js';
import { requireOrg } from './common.js';

export const ArbitrateParamsSchema = Type.Object(
  {
    order: OrderIdSchema,
    /** What the buyer gets back (to the payer's account), 0 … total; the rest pays the shares by the rule. */
    refund: UintSchema,
    /** Who ends up with the items. */
    items: Type.Union([Type.Literal('buyer'), Type.Literal('merchant')]),
  },
  { additionalProperties: false },
);
export type ArbitrateParams = Static<typeof ArbitrateParamsSchema>;

/** The arbiter named at creation decides a disputed order: a split of its escrow and where the items go. */
export class ArbitrateCommand implements Command<typeof ArbitrateParamsSchema> {
  readonly name = 'arbitrate';
  readonly summary = "Decide a dispute (the order's arbiter): refund to the buyer, the rest by the rule.";
  readonly paramsSchema = ArbitrateParamsSchema;
  readonly #identity: IdentityForOrders;
  readonly #lifecycle: OrderLifecycle;

  constructor(identity: IdentityForOrders, lifecycle: OrderLifecycle) {
    this.#identity = identity;
    this.#lifecycle = lifecycle;
  }

  execute(ctx: CommandContext<ArbitrateParams>): void {
    const order = this.#lifecycle.require(ctx.state, ctx.params.order);
    requireOrg(this.#identity, ctx, order.arbiter, OrdersErrors.ORDERS_NOT_ORDER_ARBITER, 'arbiter');
    this.#lifecycle.requireStatus(order, 'disputed');
    this.#lifecycle.requireDeliverable(ctx.state, order);
    if (ctx.params.refund > order.composition.total) {
      throw new HanglianError(
        OrdersErrors.ORDERS_BAD_SPLIT,
        `a refund of ${ctx.params.refund} exceeds the escrow of ${order.composition.total}`,
      );
    }
    this.#lifecycle.arbitrate(
      commandStep(ctx, ctx.tx.submitter),
      order,
      ctx.params.refund,
      ctx.params.items,
      'arbiter-decided',
    );
  }
}
