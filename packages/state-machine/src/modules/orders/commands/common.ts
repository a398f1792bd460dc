import { HanglianError, TextSchema } from '@hanglian/core';
import { Type } from '@sinclair/typebox';
import type { CommandContext } from '../../../framework/module.js';
import { OrdersErrors } from '../errors.js';
import type { IdentityForOrders } from '../expected.js';
import { type Order, OrderIdSchema } from '../stores.js';

/** Most commands name just the order (and, for physical steps, where it happened). */
export const OrderRefSchema = Type.Object({ order: OrderIdSchema }, { additionalProperties: false });
export const WhereSchema = TextSchema({ maxChars: 128 });

export function requireBuyer(ctx: CommandContext, order: Order): void {
  if (!ctx.signedBy(order.buyer)) {
    throw new HanglianError(OrdersErrors.ORDERS_NOT_BUYER, `the key of order ${order.id} did not sign`);
  }
}

/** The submitter must be an identity of `org` (the merchant, carrier, provider or arbiter of the order). */
export function requireOrg(
  identity: IdentityForOrders,
  ctx: CommandContext,
  org: string,
  code: string,
  role: string,
): void {
  if (identity.orgOf(ctx.state, ctx.tx.submitter) !== org) {
    throw new HanglianError(code, `only an identity of ${org} (the order's ${role}) may do this`);
  }
}
