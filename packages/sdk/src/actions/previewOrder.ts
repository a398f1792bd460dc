import { composeOrder } from '@hanglian/state-machine/client';
import type { BaseClient } from '../baseClient.js';
import { HanglianSdkError, SdkErrors } from '../errors.js';
import { getStatus } from './getStatus.js';
import { query } from './query.js';

export interface PreviewOrderParameters {
  /** The listing, `<merchant>/<id>`. */
  readonly listing: string;
  readonly quantity: number;
  /** The `commerce.payment/1` implementation the order will name. */
  readonly payment: string;
  /** The `commerce.logistics/1` implementation the order will name. */
  readonly logistics: string;
  /** The buyer's ISO 3166 region (the carrier quotes to it). */
  readonly buyerRegion: string;
  readonly weightGrams: number;
  /** A live session featuring the listing: its host's commission, if the session is running now. */
  readonly session?: string;
}

/** The price composition an order placed now would fix (orders README), with the carrier's days. */
export interface OrderPreview {
  readonly unitPrice: number;
  readonly goods: number;
  readonly shipping: number;
  /** goods + shipping: what the buyer pays, and what its order key should sign as `maxTotal`. */
  readonly total: number;
  readonly merchant: number;
  readonly carrier: number;
  readonly payment: number;
  readonly platform: number;
  readonly host: number;
  /** The carrier's quoted delivery days. */
  readonly days: number;
}

interface ReadOnlyAnswer {
  readonly ok: boolean;
  readonly value?: unknown;
  readonly code?: string;
  readonly message?: string;
}

/**
 * What an order would cost if placed now: the listing's price, the carrier's quote and the payment
 * provider's fee, each asked of the node (the implementations run read-only there), composed by the
 * orders module's rule. Show it to the buyer, then sign its `total` as the order's `maxTotal` (and the
 * unit price and shipping as `unitPrice`/`maxShipping`): an implementation that answers differently when
 * the order runs cannot make the buyer pay more. Not proven; the order itself is the binding answer.
 *
 * @example
 * ```ts
 * const preview = await previewOrder(client, { listing, quantity: 1, payment, logistics, buyerRegion: 'CN-11', weightGrams: 900 });
 * orders.create({ ...rest, maxTotal: preview.total, unitPrice: preview.unitPrice, maxShipping: preview.shipping });
 * ```
 */
export async function previewOrder(
  client: BaseClient,
  parameters: PreviewOrderParameters,
): Promise<OrderPreview> {
  const [{ result: listing }, { result: orderParameters }, status] = await Promise.all([
    query(client, 'catalog', 'listing', { id: parameters.listing }),
    query(client, 'orders', 'parameters'),
    getStatus(client),
  ]);
  if (listing === null) {
    throw new HanglianSdkError('ORDERS_LISTING_UNAVAILABLE', `listing ${parameters.listing} does not exist`);
  }
  const quote = (await callReadOnly(client, parameters.logistics, 'quote', {
    items: parameters.quantity,
    weightGrams: parameters.weightGrams,
    fromRegion: listing.shipsFrom ?? '',
    toRegion: parameters.buyerRegion,
  })) as { fee: number; days: number };
  const goods = listing.price * parameters.quantity;
  const total = goods + quote.fee;
  const { fee } = (await callReadOnly(client, parameters.payment, 'fee', { amount: total })) as {
    fee: number;
  };
  let hostBps = 0;
  if (parameters.session !== undefined) {
    const { result: session } = await query(client, 'catalog', 'session', { id: parameters.session });
    const featured = session?.featured.find((f) => f.listing === parameters.listing);
    const now = status.latestBlockTime;
    if (session !== null && featured !== undefined && session.startsAt <= now && now < session.endsAt) {
      hostBps = featured.commissionBps;
    }
  }
  // The orders module's own rule, so the preview is what the order will fix on chain.
  const composition = composeOrder({
    price: listing.price,
    quantity: parameters.quantity,
    shipping: quote.fee,
    paymentFee: fee,
    platformFeeBps: orderParameters.platformFeeBps,
    hostCommissionBps: hostBps,
  });
  return {
    unitPrice: listing.price,
    goods: composition.goods,
    shipping: composition.shipping,
    total: composition.total,
    merchant: composition.merchant,
    carrier: composition.carrier,
    payment: composition.payment,
    platform: composition.platform,
    host: composition.host,
    days: quote.days,
  };
}

async function callReadOnly(
  client: BaseClient,
  implementation: string,
  method: string,
  arg: unknown,
): Promise<unknown> {
  const { result } = await query<ReadOnlyAnswer>(client, {
    module: 'registry',
    name: 'callReadOnly',
    params: { implementation, method, args: [arg] },
  });
  if (!result.ok) {
    throw new HanglianSdkError(
      result.code ?? SdkErrors.SDK_BAD_RESPONSE,
      `${implementation}.${method}: ${result.message ?? 'failed'}`,
      { details: { implementation, method } },
    );
  }
  return result.value;
}
