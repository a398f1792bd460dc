import { AddressSchema, HanglianError, TextSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { ExecutionErrors } from '../../../framework/errors.js';
import type { Command, CommandContext } from '../../../framework/module.js';
import { SettlementEvents, type TransferredData } from '../events.js';
import type { SettlementMethod } from '../method.js';
import { AmountSchema } from '../stores.js';

export const TransferParamsSchema = Type.Object(
  {
    /** The paying account; defaults to the submitter. It must sign (a consumer's key signs as an actor). */
    from: Type.Optional(AddressSchema),
    to: AddressSchema,
    amount: AmountSchema,
    memo: Type.Optional(TextSchema({ maxChars: 128 })),
  },
  { additionalProperties: false },
);
export type TransferParams = Static<typeof TransferParamsSchema>;

export class TransferCommand implements Command<typeof TransferParamsSchema> {
  readonly name = 'transfer';
  readonly summary = 'Move units between accounts; the paying account must sign.';
  readonly paramsSchema = TransferParamsSchema;
  readonly #settlement: SettlementMethod;

  constructor(settlement: SettlementMethod) {
    this.#settlement = settlement;
  }

  execute(ctx: CommandContext<TransferParams>): void {
    const from = ctx.params.from ?? ctx.tx.submitter;
    if (!ctx.signedBy(from)) {
      throw new HanglianError(ExecutionErrors.TX_NOT_SIGNER, `${from} did not sign the transfer`, {
        details: { account: from },
      });
    }
    const { to, amount, memo } = ctx.params;
    this.#settlement.transfer(ctx.state, from, to, amount);
    const data: TransferredData = { from, to, amount };
    if (memo !== undefined) data.memo = memo;
    ctx.emit(SettlementEvents.transferred, data, [from, to]);
  }
}
