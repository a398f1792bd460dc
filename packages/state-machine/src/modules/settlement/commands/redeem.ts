import { AddressSchema, HanglianError, IdentifierSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { ExecutionErrors } from '../../../framework/errors.js';
import type { Command, CommandContext } from '../../../framework/module.js';
import { SettlementErrors } from '../errors.js';
import { type RedeemedData, SettlementEvents } from '../events.js';
import type { SettlementMethod } from '../method.js';
import { AmountSchema, issuerStore, ReferenceSchema, totalsStore } from '../stores.js';

export const RedeemParamsSchema = Type.Object(
  {
    /** The account that gives up the units; defaults to the submitter, and must have signed. */
    from: Type.Optional(AddressSchema),
    /** The issuer organisation that pays out the fiat (any issuer: the unit is fungible). */
    issuer: IdentifierSchema,
    amount: AmountSchema,
    /** The payout instruction the issuer honours off chain (a bank account reference). */
    reference: Type.Optional(ReferenceSchema),
  },
  { additionalProperties: false },
);
export type RedeemParams = Static<typeof RedeemParamsSchema>;

/**
 * A holder burns units in exchange for fiat from an issuer of its choice. Redemption stays possible from a
 * suspended issuer: holders keep their claim whatever happens to the issuer's membership.
 */
export class RedeemCommand implements Command<typeof RedeemParamsSchema> {
  readonly name = 'redeem';
  readonly summary = 'A holder burns units; the chosen issuer owes it the fiat.';
  readonly paramsSchema = RedeemParamsSchema;
  readonly #settlement: SettlementMethod;

  constructor(settlement: SettlementMethod) {
    this.#settlement = settlement;
  }

  execute(ctx: CommandContext<RedeemParams>): void {
    const from = ctx.params.from ?? ctx.tx.submitter;
    if (!ctx.signedBy(from)) {
      throw new HanglianError(ExecutionErrors.TX_NOT_SIGNER, `${from} did not sign the redemption`, {
        details: { account: from },
      });
    }
    const { issuer, amount } = ctx.params;
    const account = this.#settlement.issuer(ctx.state, issuer);
    if (account === undefined) {
      throw new HanglianError(SettlementErrors.SETTLEMENT_UNKNOWN_ISSUER, `${issuer} is not an issuer`);
    }
    if (amount > account.outstanding) {
      throw new HanglianError(
        SettlementErrors.SETTLEMENT_EXCEEDS_OUTSTANDING,
        `${issuer} has ${account.outstanding} outstanding, less than ${amount}`,
        { details: { outstanding: account.outstanding, amount } },
      );
    }
    this.#settlement.debit(ctx.state, from, amount);
    issuerStore.set(ctx.state, issuer, { ...account, outstanding: account.outstanding - amount });
    const totals = this.#settlement.totals(ctx.state);
    totalsStore.set(ctx.state, 'all', { ...totals, supply: totals.supply - amount });
    const data: RedeemedData = { issuer, from, amount, reference: ctx.params.reference ?? '' };
    ctx.emit(SettlementEvents.redeemed, data, [issuer, from]);
  }
}
