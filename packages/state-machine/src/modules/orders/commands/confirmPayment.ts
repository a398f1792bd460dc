import { AddressSchema, HanglianError } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { ExecutionErrors } from '../../../framework/errors.js';
import type { Command, CommandContext } from '../../../framework/module.js';
import { OrdersErrors } from '../errors.js';
import type { IdentityForOrders } from '../expected.js';
import { commandStep, type OrderLifecycle } from '../lifecycle.js';
import { OrderIdSchema } from '../stores.js';
import { requireOrg } from './common.js';

export const ConfirmPaymentParamsSchema = Type.Object(
  {
    order: OrderIdSchema,
    /** The account paying into escrow; default the submitter. It must have signed. */
    from: Type.Optional(AddressSchema),
  },
  { additionalProperties: false },
);
export type ConfirmPaymentParams = Static<typeof ConfirmPaymentParamsSchema>;

/**
 * The payment provider, having taken the consumer's money as it does today, moves the order's total from
 * its settlement account into the order's escrow. From here on no money of the order is ever stuck.
 */
export class ConfirmPaymentCommand implements Command<typeof ConfirmPaymentParamsSchema> {
  readonly name = 'confirmPayment';
  readonly summary = "Fund an order's escrow with its total (the order's payment provider).";
  readonly paramsSchema = ConfirmPaymentParamsSchema;
  readonly #identity: IdentityForOrders;
  readonly #lifecycle: OrderLifecycle;

  constructor(identity: IdentityForOrders, lifecycle: OrderLifecycle) {
    this.#identity = identity;
    this.#lifecycle = lifecycle;
  }

  execute(ctx: CommandContext<ConfirmPaymentParams>): void {
    const order = this.#lifecycle.require(ctx.state, ctx.params.order);
    requireOrg(
      this.#identity,
      ctx,
      order.paymentProvider,
      OrdersErrors.ORDERS_NOT_PROVIDER,
      'payment provider',
    );
    this.#lifecycle.requireStatus(order, 'created');
    this.#lifecycle.requireDeliverable(ctx.state, order);
    const payer = ctx.params.from ?? ctx.tx.submitter;
    if (!ctx.signedBy(payer)) throw new HanglianError(ExecutionErrors.TX_NOT_SIGNER, `${payer} did not sign`);
    const step = commandStep(ctx, ctx.tx.submitter);
    this.#lifecycle.fund(step, order, payer);
    this.#lifecycle.step(step, order, 'paid', ctx.block.time + order.windows.shippingWindowMs, {
      payer,
      paidAt: ctx.block.time,
    });
  }
}
