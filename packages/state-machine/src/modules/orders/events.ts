/** Events of the orders module: names and data shapes (topics in the README). */
import type { Address } from '@hanglian/core';
import type { Composition, OrderStatus, Payouts } from './stores.js';

export const OrdersEvents = {
  created: 'created',
  paid: 'paid',
  shipped: 'shipped',
  delivered: 'delivered',
  returnRequested: 'returnRequested',
  disputed: 'disputed',
  /** The order ended: released, refunded, cancelled, returned or arbitrated (data says which and who got what). */
  ended: 'ended',
  payeeSet: 'payeeSet',
  /** A logistics implementation's deliveries are proven on another chain from now on. */
  logisticsLinked: 'logisticsLinked',
  /** A default transition failed (a bug): the entry is dropped so the block goes on; the order stays as it was. */
  deadlineFailed: 'deadlineFailed',
} as const;

export interface CreatedData {
  order: string;
  listing: string;
  quantity: number;
  codes: string[];
  composition: Composition;
  implementations: { inventory?: string; payment: string; logistics: string };
  host: string | null;
  deadline: number;
}

export interface StepData {
  order: string;
  status: OrderStatus;
  deadline: number;
}

export interface EndedData {
  order: string;
  status: OrderStatus;
  reason: string;
  payouts: Payouts;
  /** Who triggered it: a signer's address, or `deadline` for a default transition. */
  by: Address | 'deadline';
  /** Money sent to the escrow address before the order existed, returned with the refund (when any). */
  surplus?: number;
}
