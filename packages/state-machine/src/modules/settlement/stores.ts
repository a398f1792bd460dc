/**
 * Stores of the settlement module. Key layouts (UTF-8, see README):
 *   settlement/config/unit              UnitConfig (symbol, decimals: fixed at genesis)
 *   settlement/balances/<address>       Balance (absent means 0; a balance reaching 0 is deleted)
 *   settlement/issuers/<orgId>          IssuerAccount (reserves, outstanding, last attestation)
 *   settlement/totals/all               Totals (supply and reserves, kept equal to the sums above)
 *   settlement/moduleAccounts/<address> ModuleAccount (an account only its module pays into)
 */
import { createCodec, IdentifierSchema, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { Store } from '../../framework/store.js';

export const SETTLEMENT_MODULE = 'settlement';

export const ReferenceSchema = Type.String({ minLength: 1, maxLength: 128 });
/** Positive amounts in integer minor units (fen for CNYS); the canonical encoding admits only safe integers. */
export const AmountSchema = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

export const UnitConfigSchema = Type.Object(
  {
    symbol: Type.String({ pattern: '^[A-Z][A-Z0-9]{1,11}$' }),
    /** Minor units per major unit are 10^decimals (2 for CNYS: 1 CNYS = 100 fen). */
    decimals: Type.Integer({ minimum: 0, maximum: 8 }),
  },
  { additionalProperties: false },
);
export type UnitConfig = Static<typeof UnitConfigSchema>;

export const BalanceSchema = Type.Object({ amount: UintSchema }, { additionalProperties: false });

export const IssuerAccountSchema = Type.Object(
  {
    org: IdentifierSchema,
    /** Fiat held in reserve, as last attested, in minor units. */
    reserves: UintSchema,
    /** Units this issuer has issued and not yet had redeemed. */
    outstanding: UintSchema,
    reportRef: ReferenceSchema,
    attestedAt: UintSchema,
    /** Block milliseconds of the attestation, for auditors. */
    attestedTime: UintSchema,
  },
  { additionalProperties: false },
);
export type IssuerAccount = Static<typeof IssuerAccountSchema>;

export const TotalsSchema = Type.Object(
  { supply: UintSchema, reserves: UintSchema },
  { additionalProperties: false },
);
export type Totals = Static<typeof TotalsSchema>;

export const unitConfigStore = new Store(
  SETTLEMENT_MODULE,
  'config',
  createCodec('UnitConfig', UnitConfigSchema, { maxBytes: 64 }),
);
export const balanceStore = new Store(
  SETTLEMENT_MODULE,
  'balances',
  createCodec('Balance', BalanceSchema, { maxBytes: 32 }),
);
export const issuerStore = new Store(
  SETTLEMENT_MODULE,
  'issuers',
  createCodec('IssuerAccount', IssuerAccountSchema, { maxBytes: 512 }),
);
export const totalsStore = new Store(
  SETTLEMENT_MODULE,
  'totals',
  createCodec('Totals', TotalsSchema, { maxBytes: 64 }),
);

/**
 * An account that nobody holds a key to and only its module pays into (an order's escrow): the module
 * that opened it names itself to deposit; every other transfer, issue or contract payment into it is
 * refused, so no money reaches it that its module's rules do not account for.
 */
export const ModuleAccountSchema = Type.Object({ module: IdentifierSchema }, { additionalProperties: false });
export type ModuleAccount = Static<typeof ModuleAccountSchema>;
export const moduleAccountStore = new Store(
  SETTLEMENT_MODULE,
  'moduleAccounts',
  createCodec('ModuleAccount', ModuleAccountSchema, { maxBytes: 128 }),
);
