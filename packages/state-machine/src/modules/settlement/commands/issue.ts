import { AddressSchema, HanglianError } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { SettlementErrors } from '../errors.js';
import { type IssuedData, SettlementEvents } from '../events.js';
import type { IdentityForSettlement } from '../expected.js';
import type { SettlementMethod } from '../method.js';
import { AmountSchema, issuerStore, ReferenceSchema, totalsStore } from '../stores.js';

export const IssueParamsSchema = Type.Object(
  {
    to: AddressSchema,
    amount: AmountSchema,
    /** The fiat deposit this issue answers (a payment reference), for reconciliation. */
    reference: ReferenceSchema,
  },
  { additionalProperties: false },
);
export type IssueParams = Static<typeof IssueParamsSchema>;

/** An issuer creates units against fiat it received, never beyond its attested reserves. */
export class IssueCommand implements Command<typeof IssueParamsSchema> {
  readonly name = 'issue';
  readonly summary = 'An issuer creates units for an account, within its attested reserves.';
  readonly paramsSchema = IssueParamsSchema;
  readonly #identity: IdentityForSettlement;
  readonly #settlement: SettlementMethod;

  constructor(identity: IdentityForSettlement, settlement: SettlementMethod) {
    this.#identity = identity;
    this.#settlement = settlement;
  }

  execute(ctx: CommandContext<IssueParams>): void {
    const org = this.#identity.requireOrgRole(ctx.state, ctx.tx.submitter, 'issuer');
    this.#identity.requirePermission(ctx.state, ctx.tx.submitter, 'transact');
    const { to, amount, reference } = ctx.params;
    // Units issued into an escrow would be money no order accounts for.
    this.#settlement.requireOpen(ctx.state, to);
    const account = this.#settlement.issuer(ctx.state, org.id);
    const reserves = account?.reserves ?? 0;
    const outstanding = account?.outstanding ?? 0;
    if (account === undefined || outstanding + amount > reserves) {
      throw new HanglianError(
        SettlementErrors.SETTLEMENT_EXCEEDS_RESERVES,
        `issuing ${amount} would exceed the reserves of ${org.id} (${outstanding} of ${reserves} used)`,
        { details: { outstanding, reserves, amount } },
      );
    }
    issuerStore.set(ctx.state, org.id, { ...account, outstanding: outstanding + amount });
    const totals = this.#settlement.totals(ctx.state);
    totalsStore.set(ctx.state, 'all', { ...totals, supply: totals.supply + amount });
    this.#settlement.credit(ctx.state, to, amount);
    const data: IssuedData = { issuer: org.id, to, amount, reference };
    ctx.emit(SettlementEvents.issued, data, [org.id, to]);
  }
}
