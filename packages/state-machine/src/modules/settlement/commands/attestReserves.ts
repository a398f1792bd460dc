import { HanglianError, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { SettlementErrors } from '../errors.js';
import { type ReservesAttestedData, SettlementEvents } from '../events.js';
import type { IdentityForSettlement } from '../expected.js';
import type { SettlementMethod } from '../method.js';
import { type IssuerAccount, issuerStore, ReferenceSchema, totalsStore } from '../stores.js';

export const AttestReservesParamsSchema = Type.Object(
  {
    /** Fiat reserve in minor units, as stated in the report. */
    reserves: UintSchema,
    /** Where the audited report can be found (a document hash or registry number). */
    reportRef: ReferenceSchema,
  },
  { additionalProperties: false },
);
export type AttestReservesParams = Static<typeof AttestReservesParamsSchema>;

/**
 * A licensed issuer (an organisation with the issuer role, through an admin identity) reports its fiat
 * reserve. A report below what is outstanding is refused: the unit is 1:1 backed by rule, so an issuer
 * short of reserves must restore them (or buy back and redeem) before it can attest again.
 */
export class AttestReservesCommand implements Command<typeof AttestReservesParamsSchema> {
  readonly name = 'attestReserves';
  readonly summary = 'An issuer reports its fiat reserve amount and the reference of the report.';
  readonly paramsSchema = AttestReservesParamsSchema;
  readonly #identity: IdentityForSettlement;
  readonly #settlement: SettlementMethod;

  constructor(identity: IdentityForSettlement, settlement: SettlementMethod) {
    this.#identity = identity;
    this.#settlement = settlement;
  }

  execute(ctx: CommandContext<AttestReservesParams>): void {
    const org = this.#identity.requireOrgRole(ctx.state, ctx.tx.submitter, 'issuer');
    this.#identity.requirePermission(ctx.state, ctx.tx.submitter, 'admin');
    const { reserves, reportRef } = ctx.params;
    const previous = this.#settlement.issuer(ctx.state, org.id);
    const outstanding = previous?.outstanding ?? 0;
    if (reserves < outstanding) {
      throw new HanglianError(
        SettlementErrors.SETTLEMENT_RESERVES_BELOW_OUTSTANDING,
        `reserves ${reserves} are below the outstanding ${outstanding}`,
        { details: { reserves, outstanding } },
      );
    }
    const totals = this.#settlement.totals(ctx.state);
    const totalReserves = totals.reserves - (previous?.reserves ?? 0) + reserves;
    if (!Number.isSafeInteger(totalReserves)) {
      throw new HanglianError(SettlementErrors.SETTLEMENT_RESERVES_TOO_LARGE, 'total reserves too large');
    }
    const account: IssuerAccount = {
      org: org.id,
      reserves,
      outstanding,
      reportRef,
      attestedAt: ctx.block.height,
      attestedTime: ctx.block.time,
    };
    issuerStore.set(ctx.state, org.id, account);
    totalsStore.set(ctx.state, 'all', { supply: totals.supply, reserves: totalReserves });
    const data: ReservesAttestedData = { issuer: org.id, reserves, outstanding, reportRef };
    ctx.emit(SettlementEvents.reservesAttested, data, [org.id]);
  }
}
