import { ChainIdSchema, HanglianError, IdentifierSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { OrdersErrors } from '../errors.js';
import { OrdersEvents } from '../events.js';
import type { IdentityForOrders, RegistryForOrders } from '../expected.js';
import { ImplementationRefSchema, LOGISTICS_STANDARD, linkedLogisticsStore } from '../stores.js';

export const LinkLogisticsParamsSchema = Type.Object(
  {
    implementation: ImplementationRefSchema,
    /** The chain where this carrier records deliveries. */
    chainId: ChainIdSchema,
    /** The organisation on that chain whose messages prove them. */
    carrier: IdentifierSchema,
  },
  { additionalProperties: false },
);
export type LinkLogisticsParams = Static<typeof LinkLogisticsParamsSchema>;

/**
 * A carrier that records its deliveries on a logistics chain links its logistics implementation to that
 * chain: orders created from then on with this implementation move to delivered when a message from its
 * organisation there, proven by the interchain module, says so (the order records the link, so a later
 * change does not touch open orders). Linking again replaces the link for later orders.
 */
export class LinkLogisticsCommand implements Command<typeof LinkLogisticsParamsSchema> {
  readonly name = 'linkLogistics';
  readonly summary =
    'Link a logistics implementation to the chain where its deliveries are recorded (an admin of its organisation).';
  readonly paramsSchema = LinkLogisticsParamsSchema;
  readonly #identity: IdentityForOrders;
  readonly #registry: () => RegistryForOrders;

  constructor(identity: IdentityForOrders, registry: () => RegistryForOrders) {
    this.#identity = identity;
    this.#registry = registry;
  }

  execute(ctx: CommandContext<LinkLogisticsParams>): void {
    const { implementation } = this.#registry().method.requireDeployment(
      ctx.state,
      ctx.params.implementation,
    );
    if (implementation.standard !== LOGISTICS_STANDARD) {
      throw new HanglianError(
        OrdersErrors.ORDERS_WRONG_STANDARD,
        `${implementation.id} implements ${implementation.standard}, not ${LOGISTICS_STANDARD}`,
      );
    }
    const org = this.#identity.orgOf(ctx.state, ctx.tx.submitter);
    if (org !== implementation.org || !this.#identity.hasPermission(ctx.state, ctx.tx.submitter, 'admin')) {
      throw new HanglianError(
        OrdersErrors.ORDERS_NOT_IMPLEMENTATION_ADMIN,
        `only an admin of ${implementation.org} links ${implementation.id}`,
      );
    }
    linkedLogisticsStore.set(ctx.state, implementation.id, {
      chainId: ctx.params.chainId,
      carrier: ctx.params.carrier,
    });
    ctx.emit(
      OrdersEvents.logisticsLinked,
      { implementation: implementation.id, chainId: ctx.params.chainId, carrier: ctx.params.carrier },
      [implementation.org, ctx.params.chainId],
    );
  }
}
