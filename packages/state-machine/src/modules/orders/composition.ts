/** The price composition rule, as a pure function so that it can be stated, tested and reused exactly. */
import { HanglianError } from '@hanglian/core';
import { OrdersErrors } from './errors.js';
import type { Composition } from './stores.js';

export interface CompositionInput {
  /** The listing's price per item and the quantity ordered. */
  readonly price: number;
  readonly quantity: number;
  /** The carrier's quoted fee (checked: a safe integer ≥ 0). */
  readonly shipping: number;
  /** The payment implementation's fee on the total (checked: 0 ≤ fee ≤ total). */
  readonly paymentFee: number;
  readonly platformFeeBps: number;
  /** The agreed commission of a running session featuring the listing; 0 without one. */
  readonly hostCommissionBps: number;
}

/**
 * goods = price × quantity; total = goods + shipping; carrier = shipping; payment = the provider's fee;
 * platform = ⌊goods × platformFeeBps / 10⁴⌋; host = ⌊goods × hostCommissionBps / 10⁴⌋; merchant = the
 * rest. Integers only, so the parts sum to the total exactly. Throws ORDERS_FEES_EXCEED_PRICE when the
 * total is not a safe integer or the merchant's share would be negative.
 */
export function composeOrder(input: CompositionInput): Composition {
  const goods = input.price * input.quantity;
  const total = goods + input.shipping;
  if (!Number.isSafeInteger(goods) || !Number.isSafeInteger(total)) {
    throw new HanglianError(
      OrdersErrors.ORDERS_FEES_EXCEED_PRICE,
      'the total is beyond the largest safe amount',
    );
  }
  const platform = bps(goods, input.platformFeeBps);
  const host = bps(goods, input.hostCommissionBps);
  const merchant = total - input.shipping - input.paymentFee - platform - host;
  if (merchant < 0) {
    throw new HanglianError(
      OrdersErrors.ORDERS_FEES_EXCEED_PRICE,
      `shipping ${input.shipping}, payment ${input.paymentFee}, platform ${platform} and host ${host} exceed ${total}`,
    );
  }
  return {
    goods,
    shipping: input.shipping,
    total,
    merchant,
    carrier: input.shipping,
    payment: input.paymentFee,
    platform,
    host,
  };
}

/** ⌊amount × basisPoints / 10,000⌋ without losing precision on large amounts. */
export function bps(amount: number, basisPoints: number): number {
  return Number((BigInt(amount) * BigInt(basisPoints)) / 10_000n);
}
