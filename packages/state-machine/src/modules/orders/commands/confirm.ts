import type { Static } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { commandStep, type OrderLifecycle } from '../lifecycle.js';
import { OrderRefSchema, requireBuyer } from './common.js';

export type ConfirmParams = Static<typeof OrderRefSchema>;

/**
 * The buyer confirms receipt: the escrow pays the composition now (commissions included). Confirming
 * ends the return period early: release happens once, so nothing paid is ever clawed back.
 */
export class ConfirmCommand implements Command<typeof OrderRefSchema> {
  readonly name = 'confirm';
  readonly summary = 'Confirm receipt (the order key): the escrow pays every share; no return afterwards.';
  readonly paramsSchema = OrderRefSchema;
  readonly #lifecycle: OrderLifecycle;

  constructor(lifecycle: OrderLifecycle) {
    this.#lifecycle = lifecycle;
  }

  execute(ctx: CommandContext<ConfirmParams>): void {
    const order = this.#lifecycle.require(ctx.state, ctx.params.order);
    requireBuyer(ctx, order);
    this.#lifecycle.requireStatus(order, 'delivered');
    this.#lifecycle.requireDeliverable(ctx.state, order);
    this.#lifecycle.release(commandStep(ctx, order.buyer), order, 'confirmed-by-buyer');
  }
}
