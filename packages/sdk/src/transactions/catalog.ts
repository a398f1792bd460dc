/**
 * Builders for the catalog module's commands (packages/state-machine/src/modules/catalog/README.md):
 * merchants' listings (one price for everyone) and hosts' live-stream sessions.
 */
import type * as Chain from '@hanglian/state-machine/client';
import { definedOnly, type TxCall } from './call.js';

export interface ReturnPolicy {
  /** Days after delivery a buyer may return, 0..365 (0: no returns). */
  days: number;
  /** Kept by the merchant from the refund of a return, in basis points of the price (0..10,000). */
  restockingFeeBps: number;
}
export type CreateListingParams = Chain.CreateListingParams;
export type UpdateListingParams = Chain.UpdateListingParams;
export type CreateSessionParams = Chain.CreateSessionParams;

const call = <P extends object>(command: string, params: P): TxCall<P> => ({
  module: 'catalog',
  command,
  params: definedOnly(params),
});

export const catalog = {
  /**
   * A merchant lists a product it holds.
   *
   * @example
   * ```ts
   * catalog.createListing({
   *   listing: 'hlm-2026',
   *   sku: 'isbn-9787020002207',
   *   title: '红楼梦 (2026 edition)',
   *   price: 5_980,
   *   carriers: ['carrier-a'],
   *   shipsFrom: 'CN-31',
   *   returnPolicy: { days: 7, restockingFeeBps: 500 },
   * });
   * ```
   */
  createListing: (params: CreateListingParams): TxCall<CreateListingParams> => call('createListing', params),
  /**
   * The merchant changes a listing (orders already placed keep their terms).
   *
   * @example
   * ```ts
   * catalog.updateListing({ listing: 'hlm-2026', price: 5_480 });
   * ```
   */
  updateListing: (params: UpdateListingParams): TxCall<UpdateListingParams> => call('updateListing', params),
  /**
   * A host announces a live-stream session featuring listings.
   *
   * @example
   * ```ts
   * catalog.createSession({
   *   session: 'reading-night',
   *   title: 'Reading night',
   *   startsAt: now,
   *   endsAt: now + 3 * 3_600_000,
   *   listings: ['bookstore/hlm-2026'],
   * });
   * ```
   */
  createSession: (params: CreateSessionParams): TxCall<CreateSessionParams> => call('createSession', params),
} as const;
