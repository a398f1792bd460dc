import { type Address, AddressSchema, bytesToHex, HanglianError, IdentifierSchema } from '@hanglian/core';
import { Type } from '@sinclair/typebox';
import { ExecutionErrors } from '../../framework/errors.js';
import type { Query, ReadAccess } from '../../framework/module.js';
import type { Store } from '../../framework/store.js';
import type { ItemsForOrders, ReviewsForOrders, SettlementForOrders } from './expected.js';
import { escrowTotals, type OrderLifecycle } from './lifecycle.js';
import {
  byArbiterStore,
  byBuyerStore,
  byCarrierStore,
  byMerchantStore,
  byPaymentStore,
  deliveryStore,
  type EscrowTotals,
  escrowAccount,
  type Order,
  OrderIdSchema,
  OrderStatusSchema,
  type OrdersParameters,
  orderStore,
  ordersParameters,
} from './stores.js';

export interface OrderView extends Order {
  /** The order's escrow account (derived from its id). */
  escrow: Address;
  /**
   * What the escrow holds now: for members only, since balances are a members-only store (the
   * public-read rule, docs/privacy.md). Absent from an answer to the public.
   */
  escrowBalance?: number;
}

const OrdersParams = Type.Object(
  {
    merchant: Type.Optional(IdentifierSchema),
    carrier: Type.Optional(IdentifierSchema),
    paymentProvider: Type.Optional(IdentifierSchema),
    arbiter: Type.Optional(IdentifierSchema),
    /** An order key's address: the orders it placed (a wallet asks this for each of its keys). */
    buyer: Type.Optional(AddressSchema),
    status: Type.Optional(OrderStatusSchema),
    /** Continue after this order id (pagination). */
    after: Type.Optional(OrderIdSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

/** Buckets are 1 to 6 hex digits of the order key's address after `hl` (16 to 16.7 M buckets). */
export const BUYER_BUCKET_MAX_CHARS = 6;
const BuyerBucketParams = Type.Object(
  {
    bucket: Type.String({ pattern: `^[0-9a-f]{1,${BUYER_BUCKET_MAX_CHARS}}$` }),
    /** Continue after this `<buyer>/<orderId>` (the previous page's `next`). */
    after: Type.Optional(Type.String({ pattern: '^hl[0-9a-f]{40}/[0-9a-f]{32}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

/**
 * An order as a bucket answer gives it: with its product's category and its review, both public, so that
 * a wallet builds its search context from the buckets alone and never names one of its orders or SKUs
 * (docs/privacy.md, discovery; issue 19's history).
 */
export interface BucketOrderView extends OrderView {
  /** The category of the order's product (null if the product is unknown). */
  category: string | null;
  /** The review written with the order's key, if any. */
  review: { rating: number; writtenAt: number } | null;
}

export function createOrdersQueries(
  settlement: SettlementForOrders,
  lifecycle: OrderLifecycle,
  readers: { readonly items?: Pick<ItemsForOrders, 'getProduct'>; readonly reviews?: ReviewsForOrders } = {},
) {
  const view = (
    state: Parameters<typeof settlement.balanceOf>[0],
    order: Order,
    reader: ReadAccess,
  ): OrderView => ({
    ...order,
    escrow: escrowAccount(order.id),
    ...(reader === 'members' ? { escrowBalance: settlement.balanceOf(state, escrowAccount(order.id)) } : {}),
  });

  const order = {
    name: 'order',
    reads: { public: ['orders/orders'], members: ['settlement/balances'] },
    access: 'public',
    summary: 'An order with its composition, status and deadline; its escrow balance for members.',
    paramsSchema: Type.Object({ id: OrderIdSchema }, { additionalProperties: false }),
    execute: (ctx) => {
      const found = orderStore.get(ctx.state, (ctx.params as { id: string }).id);
      return found === undefined ? null : view(ctx.state, found, ctx.reader);
    },
  } satisfies Query<any, OrderView | null>;

  const orders = {
    name: 'orders',
    reads: {
      public: ['orders/byBuyer', 'orders/orders'],
      members: [
        'orders/byArbiter',
        'orders/byCarrier',
        'orders/byMerchant',
        'orders/byPayment',
        'settlement/balances',
      ],
    },
    summary:
      'Orders of one merchant, carrier, payment provider, arbiter or order key (exactly one), optionally by status.',
    paramsSchema: OrdersParams,
    // A wallet lists its own one-time keys' orders without being a member; company queues are members'.
    access: (params) =>
      params.buyer !== undefined &&
      [params.merchant, params.carrier, params.paymentProvider, params.arbiter].every((p) => p === undefined)
        ? 'public'
        : 'members',
    execute: (ctx) => {
      const { merchant, carrier, paymentProvider, arbiter, buyer, status, after, limit = 100 } = ctx.params;
      const parties: Array<[string | undefined, Store<object>]> = [
        [merchant, byMerchantStore],
        [carrier, byCarrierStore],
        [paymentProvider, byPaymentStore],
        [arbiter, byArbiterStore],
        [buyer, byBuyerStore],
      ];
      const chosen = parties.filter(([org]) => org !== undefined);
      if (chosen.length !== 1) {
        throw new HanglianError(
          ExecutionErrors.QUERY_BAD_PARAMS,
          'name exactly one of merchant, carrier, paymentProvider, arbiter, buyer',
        );
      }
      const [org, index] = chosen[0]! as [string, Store<object>];
      const out: OrderView[] = [];
      for (const [key] of index.entries(ctx.state, `${org}/`)) {
        const id = key.slice(org.length + 1);
        if (after !== undefined && id <= after) continue;
        const found = orderStore.get(ctx.state, id);
        if (found === undefined || (status !== undefined && found.status !== status)) continue;
        out.push(view(ctx.state, found, ctx.reader));
        if (out.length >= limit) break;
      }
      return out;
    },
  } satisfies Query<typeof OrdersParams, OrderView[]>;

  const escrow = {
    name: 'escrow',
    reads: { members: ['orders/totals'] },
    // Members-only, like the totals store a state proof reads it from: money flows are members' data.
    summary: 'Money in order escrows now, and all ever funded, released and refunded.',
    paramsSchema: Type.Object({}, { additionalProperties: false }),
    execute: (ctx) => escrowTotals(ctx.state),
  } satisfies Query<any, EscrowTotals>;

  const delivery = {
    name: 'delivery',
    reads: { public: ['orders/delivery'] },
    // Sealed to the carrier (and merchant): ciphertext, as public as the order it belongs to.
    access: 'public',
    summary: "An order's sealed delivery details (hex; only the carrier's key opens them).",
    paramsSchema: Type.Object({ id: OrderIdSchema }, { additionalProperties: false }),
    execute: (ctx) => {
      const found = deliveryStore.get(ctx.state, (ctx.params as { id: string }).id);
      return found === undefined ? null : { sealed: bytesToHex(found.sealed) };
    },
  } satisfies Query<any, { sealed: string } | null>;

  const payee = {
    name: 'payee',
    reads: { members: ['identity/orgs', 'orders/payees'] },
    summary: "Where an organisation's order shares are paid.",
    paramsSchema: Type.Object({ org: IdentifierSchema }, { additionalProperties: false }),
    execute: (ctx) => {
      const { org } = ctx.params as { org: string };
      try {
        return { org, address: lifecycle.payeeOf(ctx.state, org) };
      } catch {
        return null;
      }
    },
  } satisfies Query<any, { org: string; address: Address } | null>;

  const parameters = {
    name: 'parameters',
    reads: { public: ['orders/params'] },
    access: 'public',
    summary: 'Fee and deadline parameters of the orders module.',
    paramsSchema: Type.Object({}, { additionalProperties: false }),
    execute: (ctx) => ordersParameters(ctx.state),
  } satisfies Query<any, OrdersParameters>;

  const buyerBucket = {
    name: 'buyerBucket',
    reads: {
      public: ['items/products', 'orders/byBuyer', 'orders/orders', 'reviews/reviews'],
      members: ['settlement/balances'],
    },
    access: 'public',
    summary:
      "Every order whose order key's address starts with `hl<bucket>`, with its product's category and its review: a wallet asks for buckets and keeps its own, so the node it asks learns no key (docs/privacy.md, discovery).",
    paramsSchema: BuyerBucketParams,
    execute: (ctx) => {
      const { bucket, after, limit = 500 } = ctx.params;
      const out: BucketOrderView[] = [];
      let last: string | null = null;
      for (const [key] of byBuyerStore.entries(ctx.state, `hl${bucket}`)) {
        if (after !== undefined && key <= after) continue;
        // More remain: the next page starts after the last key answered.
        if (out.length >= limit) return { orders: out, next: last };
        const found = orderStore.get(ctx.state, key.slice(key.indexOf('/') + 1));
        if (found !== undefined) {
          const review = readers.reviews?.getReview(ctx.state, found.id);
          out.push({
            ...view(ctx.state, found, ctx.reader),
            category: readers.items?.getProduct(ctx.state, found.sku)?.category ?? null,
            review: review === undefined ? null : { rating: review.rating, writtenAt: review.writtenAt },
          });
        }
        last = key;
      }
      return { orders: out, next: null };
    },
  } satisfies Query<typeof BuyerBucketParams, { orders: BucketOrderView[]; next: string | null }>;

  return { order, orders, escrow, delivery, payee, parameters, buyerBucket };
}
