import { HanglianError } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { OrdersErrors } from '../errors.js';
import type { IdentityForOrders } from '../expected.js';
import { commandStep, type OrderLifecycle } from '../lifecycle.js';
import { OrderIdSchema } from '../stores.js';
import { requireOrg, WhereSchema } from './common.js';

export const ReturnReceivedParamsSchema = Type.Object(
  { order: OrderIdSchema, where: Type.Optional(WhereSchema) },
  { additionalProperties: false },
);
export type ReturnReceivedParams = Static<typeof ReturnReceivedParamsSchema>;

/** The merchant has the returned items back: they are its stock again; the buyer is refunded. */
export class ReturnReceivedCommand implements Command<typeof ReturnReceivedParamsSchema> {
  readonly name = 'returnReceived';
  readonly summary = 'Record returned items back in stock (the merchant): refund less the restocking fee.';
  readonly paramsSchema = ReturnReceivedParamsSchema;
  readonly #identity: IdentityForOrders;
  readonly #lifecycle: OrderLifecycle;

  constructor(identity: IdentityForOrders, lifecycle: OrderLifecycle) {
    this.#identity = identity;
    this.#lifecycle = lifecycle;
  }

  execute(ctx: CommandContext<ReturnReceivedParams>): void {
    const order = this.#lifecycle.require(ctx.state, ctx.params.order);
    requireOrg(this.#identity, ctx, order.merchant, OrdersErrors.ORDERS_NOT_MERCHANT, 'merchant');
    this.#lifecycle.requireStatus(order, 'returning');
    // A recalled return may still come home (as recalled); a destroyed one cannot.
    if (this.#lifecycle.holdsDestroyed(ctx.state, order)) {
      throw new HanglianError(
        OrdersErrors.ORDERS_ITEM_DESTROYED,
        `an item of order ${order.id} was destroyed on its way back: refund it (refundRecalled) instead`,
      );
    }
    this.#lifecycle.completeReturn(
      commandStep(ctx, ctx.tx.submitter),
      order,
      'return-received',
      ctx.params.where ?? '',
    );
  }
}
