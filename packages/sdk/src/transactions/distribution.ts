/**
 * Builders for the distribution module's commands (packages/state-machine/src/modules/distribution/README.md):
 * a producer authorises channels; organisations ship named items to each other and the receiver confirms.
 */
import { definedOnly, type TxCall } from './call.js';
import type { ItemSelection } from './items.js';

export interface AuthoriseChannelParams {
  /** The channel organisation. */
  org: string;
  /** Products it may sell (absent: all of the producer's). */
  skus?: string[];
  /** ISO 3166 regions it may sell in (`CN` covers `CN-31`; absent: anywhere). */
  regions?: string[];
  /** Block time (ms) after which the authorisation lapses (absent: no end). */
  until?: number;
}
export interface RevokeChannelParams {
  org: string;
}
export interface ShipParams {
  /** The sender's shipment id: lower-case letters, digits, `.`, `_`, `-`, at most 64 characters. */
  shipment: string;
  /** The receiving organisation. */
  to: string;
  items: ItemSelection;
  /** 1..128 characters. */
  where: string;
}
export interface ReceiveParams {
  /** The sending organisation. */
  from: string;
  shipment: string;
  /** False refuses the whole shipment: the items go back to the sender's stock. */
  accept: boolean;
  where: string;
}

const call = <P extends object>(command: string, params: P): TxCall<P> => ({
  module: 'distribution',
  command,
  params: definedOnly(params),
});

export const distribution = {
  /**
   * A producer authorises (or re-authorises, replacing the terms) a channel organisation.
   *
   * @example
   * ```ts
   * distribution.authoriseChannel({ org: 'bookstore', skus: ['isbn-9787020002207'], regions: ['CN'] });
   * ```
   */
  authoriseChannel: (params: AuthoriseChannelParams): TxCall<AuthoriseChannelParams> =>
    call('authoriseChannel', params),
  /**
   * A producer withdraws a channel authorisation.
   *
   * @example
   * ```ts
   * distribution.revokeChannel({ org: 'bookstore' });
   * ```
   */
  revokeChannel: (params: RevokeChannelParams): TxCall<RevokeChannelParams> => call('revokeChannel', params),
  /**
   * The owner sends named items to another organisation (custody moves now, ownership on receipt).
   *
   * @example
   * ```ts
   * distribution.ship({
   *   shipment: 'wholesale-001',
   *   to: 'bookstore',
   *   items: { range: { sku: 'isbn-9787020002207', batch: 'b2026-11', from: 1, to: 200 } },
   *   where: 'dock 3',
   * });
   * ```
   */
  ship: (params: ShipParams): TxCall<ShipParams> => call('ship', params),
  /**
   * The receiver confirms (or refuses) a shipment.
   *
   * @example
   * ```ts
   * distribution.receive({ from: 'bookpress', shipment: 'wholesale-001', accept: true, where: 'warehouse' });
   * ```
   */
  receive: (params: ReceiveParams): TxCall<ReceiveParams> => call('receive', params),
} as const;
