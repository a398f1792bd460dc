import type { Static } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { commandStep, type OrderLifecycle } from '../lifecycle.js';
import { OrderRefSchema, requireBuyer } from './common.js';

export type CancelParams = Static<typeof OrderRefSchema>;

/** The buyer cancels before shipment: the items go back in stock, a funded escrow back to the payer in full. */
export class CancelCommand implements Command<typeof OrderRefSchema> {
  readonly name = 'cancel';
  readonly summary = 'Cancel before shipment (the order key): full refund, items back in stock.';
  readonly paramsSchema = OrderRefSchema;
  readonly #lifecycle: OrderLifecycle;

  constructor(lifecycle: OrderLifecycle) {
    this.#lifecycle = lifecycle;
  }

  execute(ctx: CommandContext<CancelParams>): void {
    const order = this.#lifecycle.require(ctx.state, ctx.params.order);
    requireBuyer(ctx, order);
    this.#lifecycle.requireStatus(order, 'created', 'paid');
    this.#lifecycle.refundInFull(commandStep(ctx, order.buyer), order, 'cancelled-by-buyer');
  }
}
