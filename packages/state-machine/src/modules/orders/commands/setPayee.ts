import { AddressSchema, HanglianError } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { ExecutionErrors } from '../../../framework/errors.js';
import type { Command, CommandContext } from '../../../framework/module.js';
import { OrdersErrors } from '../errors.js';
import { OrdersEvents } from '../events.js';
import type { IdentityForOrders } from '../expected.js';
import { payeeStore } from '../stores.js';

export const SetPayeeParamsSchema = Type.Object({ address: AddressSchema }, { additionalProperties: false });
export type SetPayeeParams = Static<typeof SetPayeeParamsSchema>;

/**
 * An organisation names the account its order shares are paid to (default: its root key's address).
 * The account must sign too, so money is never sent to an address nobody controls by a typo.
 */
export class SetPayeeCommand implements Command<typeof SetPayeeParamsSchema> {
  readonly name = 'setPayee';
  readonly summary =
    "Set the account your organisation's order shares are paid to (an admin; the account co-signs).";
  readonly paramsSchema = SetPayeeParamsSchema;
  readonly #identity: IdentityForOrders;

  constructor(identity: IdentityForOrders) {
    this.#identity = identity;
  }

  execute(ctx: CommandContext<SetPayeeParams>): void {
    const org = this.#identity.orgOf(ctx.state, ctx.tx.submitter);
    if (org === undefined || !this.#identity.hasPermission(ctx.state, ctx.tx.submitter, 'admin')) {
      throw new HanglianError(OrdersErrors.ORDERS_NOT_ADMIN, 'only an admin identity sets the payee');
    }
    if (!ctx.signedBy(ctx.params.address)) {
      throw new HanglianError(ExecutionErrors.TX_NOT_SIGNER, `${ctx.params.address} did not sign`);
    }
    payeeStore.set(ctx.state, org, { address: ctx.params.address });
    ctx.emit(OrdersEvents.payeeSet, { org, address: ctx.params.address }, [org]);
  }
}
