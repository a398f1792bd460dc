/** Events of the settlement module: names and data shapes (topics listed in the README). */
import type { Address } from '@hanglian/core';

export const SettlementEvents = {
  reservesAttested: 'reservesAttested',
  issued: 'issued',
  redeemed: 'redeemed',
  transferred: 'transferred',
} as const;

export interface ReservesAttestedData {
  issuer: string;
  reserves: number;
  outstanding: number;
  reportRef: string;
}
export interface IssuedData {
  issuer: string;
  to: Address;
  amount: number;
  reference: string;
}
export interface RedeemedData {
  issuer: string;
  from: Address;
  amount: number;
  reference: string;
}
export interface TransferredData {
  from: Address;
  to: Address;
  amount: number;
  memo?: string;
}
