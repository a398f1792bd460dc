import { defineErrorCodes } from '@hanglian/core';

/** Error codes of the settlement module. Registered once; their meaning never changes. */
export const SettlementErrors = defineErrorCodes('settlement', {
  SETTLEMENT_INSUFFICIENT_BALANCE: { kind: 'conflict', summary: 'The account holds less than the amount.' },
  SETTLEMENT_EXCEEDS_RESERVES: {
    kind: 'conflict',
    summary: 'Issuing would raise the issuer’s outstanding amount above its attested reserves.',
  },
  SETTLEMENT_RESERVES_BELOW_OUTSTANDING: {
    kind: 'conflict',
    summary: 'Attested reserves may not be below what the issuer has outstanding; redeem first.',
  },
  SETTLEMENT_RESERVES_TOO_LARGE: {
    kind: 'invalid',
    summary: 'The total of attested reserves would exceed the largest safe integer.',
  },
  SETTLEMENT_UNKNOWN_ISSUER: {
    kind: 'not_found',
    summary: 'That organisation has never attested reserves, so it cannot redeem.',
  },
  SETTLEMENT_EXCEEDS_OUTSTANDING: {
    kind: 'conflict',
    summary: 'The issuer has less outstanding than the amount to redeem; redeem part elsewhere.',
  },
  SETTLEMENT_MODULE_ACCOUNT: {
    kind: 'forbidden',
    summary:
      "The recipient is a module's account (an order's escrow): only that module's own steps pay into it.",
  },
  SETTLEMENT_SELF_TRANSFER: {
    kind: 'invalid',
    summary: 'The sender and the recipient are the same account.',
  },
});
