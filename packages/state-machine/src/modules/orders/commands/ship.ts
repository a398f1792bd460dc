import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { accountParty, orgParty } from '../../items/stores.js';
import { OrdersErrors } from '../errors.js';
import type { IdentityForOrders } from '../expected.js';
import { commandStep, type OrderLifecycle } from '../lifecycle.js';
import { DAY_MS, OrderIdSchema } from '../stores.js';
import { requireOrg, WhereSchema } from './common.js';

export const ShipOrderParamsSchema = Type.Object(
  { order: OrderIdSchema, where: Type.Optional(WhereSchema) },
  { additionalProperties: false },
);
export type ShipOrderParams = Static<typeof ShipOrderParamsSchema>;

/** The merchant hands the items to the order's carrier: custody moves, ownership does not. */
export class ShipOrderCommand implements Command<typeof ShipOrderParamsSchema> {
  readonly name = 'ship';
  readonly summary = "Hand a paid order's items to its carrier (the merchant).";
  readonly paramsSchema = ShipOrderParamsSchema;
  readonly #identity: IdentityForOrders;
  readonly #lifecycle: OrderLifecycle;

  constructor(identity: IdentityForOrders, lifecycle: OrderLifecycle) {
    this.#identity = identity;
    this.#lifecycle = lifecycle;
  }

  execute(ctx: CommandContext<ShipOrderParams>): void {
    const order = this.#lifecycle.require(ctx.state, ctx.params.order);
    requireOrg(this.#identity, ctx, order.merchant, OrdersErrors.ORDERS_NOT_MERCHANT, 'merchant');
    this.#lifecycle.requireStatus(order, 'paid');
    this.#lifecycle.requireDeliverable(ctx.state, order);
    const step = commandStep(ctx, ctx.tx.submitter);
    this.#lifecycle.moveItems(
      step,
      order,
      { custodian: orgParty(order.carrier), status: 'in-transit' },
      {
        bizStep: 'shipping',
        by: orgParty(order.merchant),
        source: orgParty(order.merchant),
        destination: accountParty(order.buyer),
        where: ctx.params.where ?? '',
      },
    );
    this.#lifecycle.step(
      step,
      order,
      'shipped',
      ctx.block.time + order.deliveryDays * DAY_MS + order.windows.deliveryGraceMs,
      { shippedAt: ctx.block.time },
    );
  }
}
