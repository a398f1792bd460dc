/**
 * Builders for the settlement module's commands (packages/state-machine/src/modules/settlement/README.md).
 * Amounts are integer minor units (fen for CNYS). A consumer's key is not a member identity: a member
 * submits, the consumer's key co-signs as an actor, and `from` names the consumer's address.
 */
import { definedOnly, type TxCall } from './call.js';

export interface AttestReservesParams {
  /** Fiat reserves in minor units, as stated in the audited report. */
  reserves: number;
  /** Where the report can be found (1..128 characters). */
  reportRef: string;
}
export interface IssueParams {
  to: string;
  amount: number;
  /** The fiat deposit this issue answers (1..128 characters). */
  reference: string;
}
export interface RedeemParams {
  /** Defaults to the submitter; must sign. */
  from?: string;
  /** The issuer organisation that pays out the fiat. */
  issuer: string;
  amount: number;
  reference?: string;
}
export interface TransferParams {
  /** Defaults to the submitter; must sign (a consumer's key signs as an actor). */
  from?: string;
  to: string;
  amount: number;
  memo?: string;
}

const call = <P extends object>(command: string, params: P): TxCall<P> => ({
  module: 'settlement',
  command,
  params: definedOnly(params),
});

export const settlement = {
  /**
   * An issuer's admin states its audited fiat reserves.
   *
   * @example
   * ```ts
   * settlement.attestReserves({ reserves: 100_000_000_00, reportRef: 'audit-2026-q1' });
   * ```
   */
  attestReserves: (params: AttestReservesParams): TxCall<AttestReservesParams> =>
    call('attestReserves', params),
  /**
   * An issuer mints units 1:1 against a fiat deposit.
   *
   * @example
   * ```ts
   * settlement.issue({ to: 'hl…', amount: 5000, reference: 'deposit-8812' });
   * ```
   */
  issue: (params: IssueParams): TxCall<IssueParams> => call('issue', params),
  /**
   * Gives units back to an issuer for fiat.
   *
   * @example
   * ```ts
   * settlement.redeem({ issuer: 'paybank-a', amount: 5000, reference: 'iban …' });
   * ```
   */
  redeem: (params: RedeemParams): TxCall<RedeemParams> => call('redeem', params),
  /**
   * Moves units between accounts.
   *
   * @example
   * ```ts
   * settlement.transfer({ to: 'hl…', amount: 1234, memo: 'invoice 77' });
   * ```
   */
  transfer: (params: TransferParams): TxCall<TransferParams> => call('transfer', params),
} as const;
