import { HanglianError } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { accountParty, orgParty } from '../../items/stores.js';
import { OrdersErrors } from '../errors.js';
import { commandStep, type OrderLifecycle } from '../lifecycle.js';
import { DAY_MS, OrderIdSchema } from '../stores.js';
import { requireBuyer, WhereSchema } from './common.js';

export const RequestReturnParamsSchema = Type.Object(
  { order: OrderIdSchema, where: Type.Optional(WhereSchema) },
  { additionalProperties: false },
);
export type RequestReturnParams = Static<typeof RequestReturnParamsSchema>;

/**
 * The buyer returns the items within the listing's return period (its terms at creation), handing them
 * to the order's carrier. The refund waits until the merchant records them back (or the window passes).
 */
export class RequestReturnCommand implements Command<typeof RequestReturnParamsSchema> {
  readonly name = 'return';
  readonly summary = "Return a delivered order within the listing's return days (the order key).";
  readonly paramsSchema = RequestReturnParamsSchema;
  readonly #lifecycle: OrderLifecycle;

  constructor(lifecycle: OrderLifecycle) {
    this.#lifecycle = lifecycle;
  }

  execute(ctx: CommandContext<RequestReturnParams>): void {
    const order = this.#lifecycle.require(ctx.state, ctx.params.order);
    requireBuyer(ctx, order);
    this.#lifecycle.requireStatus(order, 'delivered');
    this.#lifecycle.requireDeliverable(ctx.state, order);
    const closesAt = (order.deliveredAt ?? 0) + order.returnPolicy.days * DAY_MS;
    if (order.returnPolicy.days === 0 || ctx.block.time >= closesAt) {
      throw new HanglianError(OrdersErrors.ORDERS_RETURN_CLOSED, `returns of order ${order.id} closed`, {
        details: { order: order.id, closesAt },
      });
    }
    const step = commandStep(ctx, order.buyer);
    this.#lifecycle.moveItems(
      step,
      order,
      { custodian: orgParty(order.carrier), status: 'in-transit' },
      {
        bizStep: 'returning',
        by: accountParty(order.buyer),
        source: accountParty(order.buyer),
        destination: orgParty(order.merchant),
        where: ctx.params.where ?? '',
      },
    );
    this.#lifecycle.step(step, order, 'returning', ctx.block.time + order.windows.returnWindowMs, {
      returnedAt: ctx.block.time,
    });
  }
}
