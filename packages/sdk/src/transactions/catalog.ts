/**
 * Builders for the catalog module's commands (packages/state-machine/src/modules/catalog/README.md):
 * merchants' listings (one price for everyone) and hosts' live-stream sessions.
 */
import { definedOnly, type TxCall } from './call.js';

export interface ReturnPolicy {
  /** Days after delivery a buyer may return, 0..365 (0: no returns). */
  days: number;
  /** Kept by the merchant from the refund of a return, in basis points of the price (0..10,000). */
  restockingFeeBps: number;
}
export interface CreateListingParams {
  /** The merchant's own id for it; the listing's id is `<merchant>/<listing>`. */
  listing: string;
  sku: string;
  /** 1..200 characters. */
  title: string;
  /** The one price for everyone, minor units, at least 1. */
  price: number;
  /** Carrier organisations that may ship it (1..16). */
  carriers: string[];
  /** ISO 3166 regions it ships to (absent or empty: anywhere). */
  shipsTo?: string[];
  returnPolicy: ReturnPolicy;
  /** What a live-stream host earns on a sale, basis points of the price (absent: 0). */
  hostCommissionBps?: number;
  /** The merchant's `commerce.inventory/1` implementation (absent: first codes in key order). */
  inventory?: string;
  /** Where it ships from (orders need it for the carrier's quote). */
  shipsFrom?: string;
}
export interface UpdateListingParams {
  listing: string;
  price?: number;
  carriers?: string[];
  returnPolicy?: ReturnPolicy;
  hostCommissionBps?: number;
  inventory?: string;
  shipsFrom?: string;
  status?: 'active' | 'paused';
}
export interface CreateSessionParams {
  /** The host's own id for it; the session's id is `<host>/<session>`. */
  session: string;
  title: string;
  /** Block time (ms) the session starts and ends. */
  startsAt: number;
  endsAt: number;
  /** Listing ids (`<merchant>/<id>`) featured, each offering hosts a commission (1..200). */
  listings: string[];
}

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
