/**
 * One sale of the book story, as the commerce benchmark and the chaos campaign's order load run it: the
 * platform gateway creates the order with a consumer's one-time order key co-signing (the inventory,
 * payment and logistics contracts run), PayBank A funds the escrow, the bookstore ships, Swift Logistics
 * delivers (the order key signs the receipt) and the consumer confirms (the escrow pays out by the
 * composition). Each step is an SDK call with the organisation whose identity must submit it, so a caller
 * signs and submits it its own way (nonces handed out locally, retried on another node…).
 */
import {
  type OrderKey,
  orders,
  type SealRecipient,
  type Signer,
  sealDelivery,
  type TxCall,
} from '@hanglian/sdk';
import { LISTING_ID } from './bookStory.js';

/** The five steps of a sale, in order. */
export const LIFECYCLE_STEPS = ['create', 'confirmPayment', 'ship', 'deliver', 'confirm'] as const;
export type LifecycleStep = (typeof LIFECYCLE_STEPS)[number];

/** The organisations of the book story that take part in a sale (their identities submit its steps). */
export type SaleOrg = 'platform-a' | 'paybank-a' | 'bookstore' | 'carrier-a';

/** What every sale orders: one copy, paid with PayBank A, shipped by Swift Logistics to Beijing. */
export const BOOK_ORDER_REQUEST = {
  listing: LISTING_ID,
  quantity: 1,
  payment: 'paybank-a.payment',
  logistics: 'carrier-a.express',
  buyerRegion: 'CN-11',
  weightGrams: 1_200,
} as const;

/** The merchant of the book's listing: its order queue lists every sale. */
export const BOOK_MERCHANT = 'bookstore';

/**
 * The `create` call of a sale for `key`: the wallet seals the delivery address to the carrier, bound to
 * the order key, and the order key agrees to pay at most `maxTotal` (the total `previewOrder` quoted).
 */
export function bookOrderCreate(key: OrderKey, carrier: SealRecipient, maxTotal: number): TxCall {
  return orders.create({
    ...BOOK_ORDER_REQUEST,
    buyer: key.address,
    platform: 'platform-a',
    arbiter: 'regulator',
    delivery: sealDelivery(
      {
        name: '李雷',
        phone: '+86 138 0000 0000',
        address: '北京市海淀区中关村大街 1 号',
        region: 'CN-11',
      },
      [carrier],
      { context: key.address },
    ),
    maxTotal,
  });
}

export interface SaleStep {
  /** The organisation whose identity submits it. */
  readonly org: SaleOrg;
  readonly call: TxCall;
  /** Co-signers: the order key where the buyer must sign. */
  readonly actors: readonly Signer[];
  /** The order's status once the step is applied. */
  readonly statusAfter: 'created' | 'paid' | 'shipped' | 'delivered' | 'completed';
}

/** The step `step` of the sale whose order key is `key` (order id `order`; unused for `create`). */
export function saleStep(
  step: LifecycleStep,
  order: string,
  key: OrderKey,
  carrier: SealRecipient,
  maxTotal: number,
): SaleStep {
  switch (step) {
    case 'create':
      return {
        org: 'platform-a',
        call: bookOrderCreate(key, carrier, maxTotal),
        actors: [key],
        statusAfter: 'created',
      };
    case 'confirmPayment':
      return { org: 'paybank-a', call: orders.confirmPayment({ order }), actors: [], statusAfter: 'paid' };
    case 'ship':
      return {
        org: 'bookstore',
        call: orders.ship({ order, where: 'Riverside Books' }),
        actors: [],
        statusAfter: 'shipped',
      };
    case 'deliver':
      return {
        org: 'carrier-a',
        call: orders.deliver({ order, where: 'Beijing' }),
        actors: [key],
        statusAfter: 'delivered',
      };
    case 'confirm':
      return { org: 'platform-a', call: orders.confirm({ order }), actors: [key], statusAfter: 'completed' };
  }
}

/** An order's id: the first 32 hex digits of its creating transaction's id. */
export function orderIdOf(createTxId: string): string {
  return createTxId.slice(0, 32);
}
