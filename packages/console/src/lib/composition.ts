/**
 * The price composition a shopper sees before paying: the same rule as the orders module's
 * `composeOrder` (packages/state-machine/src/modules/orders/composition.ts), fed with the carrier's and
 * the payment provider's own answers (their implementations run read-only on the node), so the preview
 * equals what the order will fix on chain.
 */
import { type Composition, chain } from './chain.js';

export interface CompositionRequest {
  readonly price: number;
  readonly quantity: number;
  readonly logistics: string;
  readonly payment: string;
  readonly fromRegion: string;
  readonly toRegion: string;
  readonly weightGrams: number;
  /** The commission of a live session featuring the listing, 0 without one. */
  readonly hostCommissionBps: number;
}

export interface CompositionPreview extends Composition {
  readonly days: number;
  readonly platformFeeBps: number;
}

const bps = (amount: number, basisPoints: number) => Number((BigInt(amount) * BigInt(basisPoints)) / 10_000n);

export async function previewComposition(request: CompositionRequest): Promise<CompositionPreview> {
  const [quote, parameters] = await Promise.all([
    chain.callReadOnly<{ fee: number; days: number }>(request.logistics, 'quote', [
      {
        items: request.quantity,
        weightGrams: request.weightGrams,
        fromRegion: request.fromRegion,
        toRegion: request.toRegion,
      },
    ]),
    chain.ordersParameters(),
  ]);
  const goods = request.price * request.quantity;
  const total = goods + quote.fee;
  const { fee } = await chain.callReadOnly<{ fee: number }>(request.payment, 'fee', [{ amount: total }]);
  const platform = bps(goods, parameters.platformFeeBps);
  const host = bps(goods, request.hostCommissionBps);
  return {
    goods,
    shipping: quote.fee,
    total,
    carrier: quote.fee,
    payment: fee,
    platform,
    host,
    merchant: total - quote.fee - fee - platform - host,
    days: quote.days,
    platformFeeBps: parameters.platformFeeBps,
  };
}
