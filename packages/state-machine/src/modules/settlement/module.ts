import { AddressSchema, HanglianError, IdentifierSchema, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { ExecutionErrors } from '../../framework/errors.js';
import {
  type Command,
  type GenesisContext,
  type Module,
  type Query,
  queryList,
  type StoreDescription,
} from '../../framework/module.js';
import { AttestReservesCommand } from './commands/attestReserves.js';
import { IssueCommand } from './commands/issue.js';
import { RedeemCommand } from './commands/redeem.js';
import { TransferCommand } from './commands/transfer.js';
import type { IdentityForSettlement } from './expected.js';
import { SettlementMethod } from './method.js';
import { createSettlementQueries } from './queries.js';
import {
  AmountSchema,
  issuerStore,
  ReferenceSchema,
  SETTLEMENT_MODULE,
  totalsStore,
  UnitConfigSchema,
  unitConfigStore,
} from './stores.js';

export const SettlementGenesisSchema = Type.Object(
  {
    symbol: UnitConfigSchema.properties.symbol,
    decimals: UnitConfigSchema.properties.decimals,
    issuers: Type.Array(
      Type.Object(
        { org: IdentifierSchema, reserves: UintSchema, reportRef: ReferenceSchema },
        { additionalProperties: false },
      ),
    ),
    /** Opening balances, each counted against the reserves of the issuer named. */
    balances: Type.Array(
      Type.Object(
        { address: AddressSchema, amount: AmountSchema, issuer: IdentifierSchema },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SettlementGenesis = Static<typeof SettlementGenesisSchema>;

/**
 * The settlement unit: fiat-backed money issued 1:1 by licensed issuer members, redeemable at any issuer,
 * transferable between any accounts. Supply = Σ balances = Σ outstanding ≤ Σ attested reserves, always.
 */
export class SettlementModule implements Module {
  readonly name = SETTLEMENT_MODULE;
  readonly method = new SettlementMethod();
  readonly commands: readonly Command<any>[];
  readonly queries: readonly Query<any, any>[] = queryList(createSettlementQueries(this.method));
  readonly stores: readonly StoreDescription[] = [
    {
      name: 'config',
      access: 'public',
      keyLayout: 'settlement/config/unit',
      summary: 'Symbol and decimals, from genesis.',
    },
    { name: 'balances', keyLayout: 'settlement/balances/<address>', summary: 'Non-zero balances.' },
    {
      name: 'issuers',
      access: 'public',
      keyLayout: 'settlement/issuers/<orgId>',
      summary: 'Issuer reserves and outstanding.',
    },
    {
      name: 'totals',
      access: 'public',
      keyLayout: 'settlement/totals/all',
      summary: 'Total supply and total reserves.',
    },
    {
      name: 'moduleAccounts',
      access: 'public',
      keyLayout: 'settlement/moduleAccounts/<address>',
      summary: 'Accounts only their module pays into (order escrows).',
    },
  ];
  readonly genesisSchema = SettlementGenesisSchema;
  readonly #identity: IdentityForSettlement;

  constructor(identity: IdentityForSettlement) {
    this.#identity = identity;
    this.commands = [
      new AttestReservesCommand(identity, this.method),
      new IssueCommand(identity, this.method),
      new RedeemCommand(this.method),
      new TransferCommand(this.method),
    ];
  }

  initGenesis(ctx: GenesisContext, genesis: unknown): void {
    const section = genesis as SettlementGenesis;
    const fail = (message: string): never => {
      throw new HanglianError(ExecutionErrors.GENESIS_INVALID, `genesis of settlement: ${message}`);
    };
    unitConfigStore.set(ctx.state, 'unit', { symbol: section.symbol, decimals: section.decimals });
    let reserves = 0;
    let supply = 0;
    for (const issuer of section.issuers) {
      const org = this.#identity.getOrganisation(ctx.state, issuer.org);
      if (org === undefined || !org.roles.includes('issuer'))
        fail(`${issuer.org} is not an issuer organisation`);
      if (issuerStore.has(ctx.state, issuer.org)) fail(`issuer ${issuer.org} listed twice`);
      reserves += issuer.reserves;
      issuerStore.set(ctx.state, issuer.org, {
        org: issuer.org,
        reserves: issuer.reserves,
        outstanding: 0,
        reportRef: issuer.reportRef,
        attestedAt: 0,
        attestedTime: ctx.genesisTime,
      });
    }
    for (const opening of section.balances) {
      const account = issuerStore.get(ctx.state, opening.issuer) ?? fail(`unknown issuer ${opening.issuer}`);
      const outstanding = account.outstanding + opening.amount;
      if (outstanding > account.reserves) fail(`opening balances exceed the reserves of ${opening.issuer}`);
      issuerStore.set(ctx.state, opening.issuer, { ...account, outstanding });
      this.method.credit(ctx.state, opening.address, opening.amount);
      supply += opening.amount;
    }
    if (!Number.isSafeInteger(reserves)) fail('total reserves exceed the largest safe integer');
    // A fresh chain writes only what it holds: a zero-supply, zero-reserve totals record is implied.
    if (reserves > 0 || supply > 0) totalsStore.set(ctx.state, 'all', { supply, reserves });
  }
}
