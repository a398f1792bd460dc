/**
 * Every step of an order the console can take, each one signed transaction through the SDK. The
 * consumer's one-time order key co-signs what the consumer does (create, receive, confirm, return,
 * dispute, review); a member submits (orders README). On a dev network the members are the dev signers
 * (lib/devKeys.ts); the order key never leaves this browser.
 */
import { hexToBytes } from '@hanglian/core';
import { type DeliveryDetails, type OrderKey, type Signer, sealDelivery, signAndSubmit } from '@hanglian/sdk';
import { client, type Listing, type OrderView, q } from './chain.js';
import { devSigner } from './devKeys.js';
import { browserWallet } from './wallet.js';

/** The platform gateway a shopper's order goes through by default (the platform whose search they used). */
export const DEFAULT_PLATFORM = 'platform-a';

async function encryptionKeyOf(org: string) {
  const key = await q('identity', 'encryptionKey', { org });
  if (key === null)
    throw new Error(`${org} has published no encryption key: delivery details cannot be sealed`);
  return { org, publicKey: hexToBytes(key.publicKey) };
}

async function submit(
  org: string,
  module: string,
  command: string,
  params: unknown,
  actors: readonly Signer[] = [],
): Promise<string> {
  const outcome = await signAndSubmit(client(), {
    signer: await devSigner(org),
    actors,
    module,
    command,
    params,
  });
  return outcome.txId;
}

export interface PlaceOrder {
  readonly listing: Listing;
  readonly logistics: { id: string; org: string };
  readonly payment: string;
  readonly region: string;
  readonly quantity: number;
  readonly weightGrams: number;
  /** The total shown to the shopper; a quote above it when the order runs fails the order. */
  readonly maxTotal: number;
  readonly platform: string;
  readonly arbiter: string;
  readonly details: DeliveryDetails;
  readonly session?: string;
}

/** Places an order with a fresh order key; the delivery details are sealed to the carrier and the merchant. */
export async function placeOrder(order: PlaceOrder): Promise<{ id: string; key: OrderKey }> {
  const key = browserWallet.nextOrderKey();
  const delivery = sealDelivery(
    order.details,
    [await encryptionKeyOf(order.logistics.org), await encryptionKeyOf(order.listing.merchant)],
    { context: key.address },
  );
  const txId = await submit(
    order.platform,
    'orders',
    'create',
    {
      buyer: key.address,
      listing: order.listing.id,
      quantity: order.quantity,
      payment: order.payment,
      logistics: order.logistics.id,
      platform: order.platform,
      ...(order.session === undefined ? {} : { session: order.session }),
      arbiter: order.arbiter,
      buyerRegion: order.region,
      delivery,
      weightGrams: order.weightGrams,
      maxTotal: order.maxTotal,
      unitPrice: order.listing.price,
    },
    [key],
  );
  // An order's id is the first 16 bytes of the transaction that created it (orders README).
  return { id: txId.slice(0, 32), key };
}

function keyOf(order: OrderView): OrderKey {
  const key = browserWallet.keyFor(order.buyer);
  if (key === undefined) throw new Error('this wallet did not place this order (or is locked)');
  return key;
}

export const orderSteps = {
  /** The payment provider's checkout confirms it took the money and funds the escrow. */
  pay: (o: OrderView) => submit(o.paymentProvider, 'orders', 'confirmPayment', { order: o.id }),
  ship: (o: OrderView) => submit(o.merchant, 'orders', 'ship', { order: o.id, where: o.merchant }),
  /** The carrier delivers; the order key signs the receipt. */
  deliver: (o: OrderView) =>
    submit(o.carrier, 'orders', 'deliver', { order: o.id, where: 'door' }, [keyOf(o)]),
  confirm: (o: OrderView) => submit(o.platform, 'orders', 'confirm', { order: o.id }, [keyOf(o)]),
  requestReturn: (o: OrderView) => submit(o.platform, 'orders', 'requestReturn', { order: o.id }, [keyOf(o)]),
  dispute: (o: OrderView, reason: string) =>
    submit(o.platform, 'orders', 'dispute', { order: o.id, reason }, [keyOf(o)]),
  review: (o: OrderView, rating: number, text: string) =>
    submit(o.platform, 'reviews', 'write', { order: o.id, rating, text }, [keyOf(o)]),
};
