import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { OrdersErrors } from '../errors.js';
import type { IdentityForOrders } from '../expected.js';
import { commandStep, type OrderLifecycle } from '../lifecycle.js';
import { OrderIdSchema } from '../stores.js';
import { requireBuyer, requireOrg, WhereSchema } from './common.js';

export const DeliverParamsSchema = Type.Object(
  { order: OrderIdSchema, where: Type.Optional(WhereSchema) },
  { additionalProperties: false },
);
export type DeliverParams = Static<typeof DeliverParamsSchema>;

/**
 * The carrier records delivery; the order key's signature on the same transaction is the buyer's proof of
 * receipt. The items become the buyer's (owner and custodian: the order key's account).
 */
export class DeliverCommand implements Command<typeof DeliverParamsSchema> {
  readonly name = 'deliver';
  readonly summary = 'Record delivery (the carrier, with the order key co-signing as proof of receipt).';
  readonly paramsSchema = DeliverParamsSchema;
  readonly #identity: IdentityForOrders;
  readonly #lifecycle: OrderLifecycle;

  constructor(identity: IdentityForOrders, lifecycle: OrderLifecycle) {
    this.#identity = identity;
    this.#lifecycle = lifecycle;
  }

  execute(ctx: CommandContext<DeliverParams>): void {
    const order = this.#lifecycle.require(ctx.state, ctx.params.order);
    requireOrg(this.#identity, ctx, order.carrier, OrdersErrors.ORDERS_NOT_CARRIER, 'carrier');
    requireBuyer(ctx, order);
    this.#lifecycle.requireStatus(order, 'shipped');
    this.#lifecycle.requireDeliverable(ctx.state, order);
    const step = commandStep(ctx, ctx.tx.submitter);
    this.#lifecycle.itemsToBuyer(step, order, ctx.params.where ?? '');
    this.#lifecycle.step(step, order, 'delivered', this.#lifecycle.deliveredDeadline(order, ctx.block.time), {
      deliveredAt: ctx.block.time,
    });
  }
}
