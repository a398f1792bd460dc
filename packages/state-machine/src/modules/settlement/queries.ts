import { AddressSchema, IdentifierSchema } from '@hanglian/core';
import { Type } from '@sinclair/typebox';
import type { Query } from '../../framework/module.js';
import type { SettlementMethod } from './method.js';
import type { IssuerAccount } from './stores.js';

const BalanceParams = Type.Object({ address: AddressSchema }, { additionalProperties: false });
const NoParams = Type.Object({}, { additionalProperties: false });
const IssuerParams = Type.Object({ org: IdentifierSchema }, { additionalProperties: false });

export interface BalanceView {
  address: string;
  amount: number;
  symbol: string;
  decimals: number;
}
export interface SupplyView {
  symbol: string;
  decimals: number;
  /** Units in circulation: the sum of all balances, and of all issuers' outstanding amounts. */
  supply: number;
  /** Sum of the issuers' attested reserves; never below `supply`. */
  reserves: number;
  issuers: IssuerAccount[];
}

export function createSettlementQueries(settlement: SettlementMethod) {
  const unitOf = (state: Parameters<SettlementMethod['unit']>[0]) =>
    settlement.unit(state) ?? { symbol: '', decimals: 0 };
  const balance = {
    name: 'balance',
    reads: { members: ['settlement/balances', 'settlement/config'] },
    summary: 'The balance of an account, in minor units.',
    paramsSchema: BalanceParams,
    execute: (ctx) => ({
      address: ctx.params.address,
      amount: settlement.balanceOf(ctx.state, ctx.params.address),
      ...unitOf(ctx.state),
    }),
  } satisfies Query<typeof BalanceParams, BalanceView>;
  const supply = {
    name: 'supply',
    reads: { public: ['settlement/config', 'settlement/issuers', 'settlement/totals'] },
    access: 'public',
    summary: 'Total supply, total attested reserves, and every issuer’s account.',
    paramsSchema: NoParams,
    execute: (ctx) => ({
      ...unitOf(ctx.state),
      ...settlement.totals(ctx.state),
      issuers: settlement.listIssuers(ctx.state),
    }),
  } satisfies Query<typeof NoParams, SupplyView>;
  const issuer = {
    name: 'issuer',
    reads: { public: ['settlement/issuers'] },
    access: 'public',
    summary: 'One issuer’s reserves, outstanding amount and last attestation, or null.',
    paramsSchema: IssuerParams,
    execute: (ctx) => settlement.issuer(ctx.state, ctx.params.org) ?? null,
  } satisfies Query<typeof IssuerParams, IssuerAccount | null>;
  return { balance, supply, issuer };
}
