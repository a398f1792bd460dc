import { HanglianError } from '@hanglian/core';
import type { Static } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { OrdersErrors } from '../errors.js';
import { commandStep, type OrderLifecycle } from '../lifecycle.js';
import { OPEN_STATUSES } from '../stores.js';
import { OrderRefSchema } from './common.js';

export type RefundRecalledParams = Static<typeof OrderRefSchema>;

/**
 * Refunds an open order holding recalled or destroyed items at once, instead of at its deadline (where
 * the same refund happens by default). The outcome is fixed by the rule, so any member may trigger it.
 */
export class RefundRecalledCommand implements Command<typeof OrderRefSchema> {
  readonly name = 'refundRecalled';
  readonly summary =
    'Refund an open order whose items were recalled or destroyed (any member; the rule decides).';
  readonly paramsSchema = OrderRefSchema;
  readonly #lifecycle: OrderLifecycle;

  constructor(lifecycle: OrderLifecycle) {
    this.#lifecycle = lifecycle;
  }

  execute(ctx: CommandContext<RefundRecalledParams>): void {
    const order = this.#lifecycle.require(ctx.state, ctx.params.order);
    if (!OPEN_STATUSES.has(order.status)) this.#lifecycle.requireStatus(order, ...OPEN_STATUSES);
    const voided = this.#lifecycle.voidReason(ctx.state, order);
    if (voided === undefined) {
      throw new HanglianError(
        OrdersErrors.ORDERS_NOT_RECALLED,
        `order ${order.id} holds no recalled or destroyed item`,
      );
    }
    this.#lifecycle.refundInFull(commandStep(ctx, ctx.tx.submitter), order, voided, voided === 'recall');
  }
}
