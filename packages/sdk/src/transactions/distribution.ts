/**
 * Builders for the distribution module's commands (packages/state-machine/src/modules/distribution/README.md):
 * a producer authorises channels; organisations ship named items to each other and the receiver confirms.
 */
import type * as Chain from '@hanglian/state-machine/client';
import type { Static } from '@sinclair/typebox';
import { definedOnly, type TxCall } from './call.js';

export type AuthoriseChannelParams = Chain.AuthoriseChannelParams;
export type RevokeChannelParams = Static<typeof Chain.RevokeChannelParamsSchema>;
export type ShipParams = Chain.ShipParams;
export type ReceiveParams = Chain.ReceiveParams;

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
