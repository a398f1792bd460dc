import type { StateReader } from '../../framework/state.js';

/** The facts of an order a review needs. */
export interface ReviewableOrder {
  readonly id: string;
  readonly buyer: string;
  readonly listing: string;
  readonly merchant: string;
  readonly sku: string;
  readonly deliveredAt?: number;
}

export interface OrdersForReviews {
  getOrder(state: StateReader, id: string): ReviewableOrder | undefined;
}

export interface IdentityForReviews {
  orgOf(state: StateReader, address: string): string | undefined;
}
