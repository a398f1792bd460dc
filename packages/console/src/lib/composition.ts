/**
 * The price composition a shopper sees before paying: the orders module's own `composeOrder` (from the
 * chain's client entry), fed with the carrier's and the payment provider's own answers (their
 * implementations run read-only on the node), so the preview equals what the order will fix on chain.
 */
import { composeOrder } from '@hanglian/state-machine/client';
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
  return {
    ...composeOrder({
      price: request.price,
      quantity: request.quantity,
      shipping: quote.fee,
      paymentFee: fee,
      platformFeeBps: parameters.platformFeeBps,
      hostCommissionBps: request.hostCommissionBps,
    }),
    days: quote.days,
    platformFeeBps: parameters.platformFeeBps,
  };
}
