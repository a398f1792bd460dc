/**
 * Orders across chains: a carrier that records deliveries on a logistics chain sends there a message for
 * this chain's `orders` module; the interchain module proves and delivers it here, and this moves the
 * order to delivered exactly as the carrier's `deliver` would, the buyer's confirmation or the deadline
 * then releasing the escrow as for any order. Only an order whose logistics implementation was linked to
 * that chain and organisation when it was created accepts such a message (orders README).
 */
import { HanglianError } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { InterchainApp, InterchainReceiveContext } from '../interchain/expected.js';
import { WhereSchema } from './commands/common.js';
import { OrdersErrors } from './errors.js';
import type { OrderLifecycle } from './lifecycle.js';
import { OrderIdSchema } from './stores.js';

/** The payload of a delivery message (`interchain send --dest-module orders`). */
export const DeliveredMessageSchema = Type.Object(
  { type: Type.Literal('delivered'), order: OrderIdSchema, where: Type.Optional(WhereSchema) },
  { additionalProperties: false },
);
export type DeliveredMessage = Static<typeof DeliveredMessageSchema>;
const checkMessage = TypeCompiler.Compile(DeliveredMessageSchema);

export class OrdersInterchainApp implements InterchainApp {
  readonly #lifecycle: OrderLifecycle;

  constructor(lifecycle: OrderLifecycle) {
    this.#lifecycle = lifecycle;
  }

  onReceive(ctx: InterchainReceiveContext): void {
    const { packet } = ctx;
    if (!checkMessage.Check(packet.payload)) {
      throw new HanglianError(
        OrdersErrors.ORDERS_BAD_MESSAGE,
        'expected {type: "delivered", order, where?} from another chain',
      );
    }
    const message = packet.payload;
    const order = this.#lifecycle.require(ctx.state, message.order);
    const link = order.linkedDelivery;
    if (link === undefined || link.chainId !== packet.sourceChain || link.carrier !== packet.sender.org) {
      throw new HanglianError(
        OrdersErrors.ORDERS_NOT_LINKED,
        `order ${order.id}'s delivery is not proven by ${packet.sender.org} of ${packet.sourceChain}`,
      );
    }
    this.#lifecycle.requireStatus(order, 'shipped');
    this.#lifecycle.requireDeliverable(ctx.state, order);
    // The step is recorded as done by the sender on the other chain (its address there).
    const step = {
      state: ctx.state,
      block: ctx.block,
      txId: ctx.txId,
      by: packet.sender.address,
      emit: ctx.emit,
    };
    this.#lifecycle.itemsToBuyer(step, order, message.where ?? '');
    this.#lifecycle.step(step, order, 'delivered', this.#lifecycle.deliveredDeadline(order, ctx.block.time), {
      deliveredAt: ctx.block.time,
    });
  }
}
