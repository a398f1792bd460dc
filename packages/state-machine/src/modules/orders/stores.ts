/**
 * State of the orders module (key layouts in the README). An order is one record holding everything it
 * was made with (listing terms, implementation ids, composition), so later changes to the listing or a
 * newer version of an implementation never reach it. Indexes point at it by party and by deadline.
 */
import {
  type Address,
  AddressSchema,
  addressFromPublicKey,
  ChainIdSchema,
  createCodec,
  IdentifierSchema,
  sha256,
  UintSchema,
  utf8,
} from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { StateReader } from '../../framework/state.js';
import { Store } from '../../framework/store.js';
import { ReturnPolicySchema } from '../catalog/stores.js';
import { RegionSchema } from '../distribution/stores.js';
import { ItemCodeSchema, SkuSchema } from '../items/stores.js';

export const ORDERS_MODULE = 'orders';

/** The standards an order calls, by id (fixed: a new version of a standard is a new id). */
export const INVENTORY_STANDARD = 'commerce.inventory/1';
export const PAYMENT_STANDARD = 'commerce.payment/1';
export const LOGISTICS_STANDARD = 'commerce.logistics/1';

export const OrderIdSchema = Type.String({ pattern: '^[0-9a-f]{32}$' });
export const ImplementationRefSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' });
export const MAX_ORDER_QUANTITY = 100;
export const MAX_DELIVERY_DETAILS_BYTES = 2048;
export const DAY_MS = 86_400_000;

export const ORDER_STATUSES = [
  // open
  'created',
  'paid',
  'shipped',
  'delivered',
  'returning',
  'disputed',
  // ended
  'cancelled',
  'refunded',
  'completed',
  'returned',
  'arbitrated',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const OrderStatusSchema = Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s)));
export const OPEN_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'created',
  'paid',
  'shipped',
  'delivered',
  'returning',
  'disputed',
]);

/**
 * The price composition, fixed at creation: `total = goods + shipping` and
 * `total = merchant + carrier + payment + platform + host` exactly.
 */
export const CompositionSchema = Type.Object(
  {
    goods: UintSchema,
    shipping: UintSchema,
    total: UintSchema,
    merchant: UintSchema,
    carrier: UintSchema,
    payment: UintSchema,
    platform: UintSchema,
    host: UintSchema,
  },
  { additionalProperties: false },
);
export type Composition = Static<typeof CompositionSchema>;

/** What the escrow paid out when the order ended (all zero for an order never funded). */
export const PayoutsSchema = Type.Object(
  {
    refund: UintSchema,
    merchant: UintSchema,
    carrier: UintSchema,
    payment: UintSchema,
    platform: UintSchema,
    host: UintSchema,
  },
  { additionalProperties: false },
);
export type Payouts = Static<typeof PayoutsSchema>;

const HOUR_MS = 3_600_000;

/**
 * The deadline windows of an order, in block-time ms, with their bounds (README "Deadlines"): long enough
 * for a person or a business to act, short enough that no money waits in an escrow for more than months.
 * Genesis and governance (`setOrdersParameters`) are held to the same bounds. An order records the
 * windows in force when it was created and keeps them to its end.
 */
export const OrderWindowsSchema = Type.Object(
  {
    /** created → cancelled (nothing was paid) when the payment provider does not confirm in time. */
    paymentWindowMs: Type.Integer({ minimum: 60_000, maximum: 90 * DAY_MS }),
    /** paid → refunded when the merchant does not hand the items to the carrier in time. */
    shippingWindowMs: Type.Integer({ minimum: HOUR_MS, maximum: 90 * DAY_MS }),
    /** shipped → disputed (to the arbiter) when not delivered within the quoted days plus this grace. */
    deliveryGraceMs: Type.Integer({ minimum: HOUR_MS, maximum: 90 * DAY_MS }),
    /** delivered → completed (release) after max(this, the listing's return days). */
    confirmationWindowMs: Type.Integer({ minimum: HOUR_MS, maximum: 90 * DAY_MS }),
    /** returning → returned (refund, items back) when the merchant does not record the return in time. */
    returnWindowMs: Type.Integer({ minimum: HOUR_MS, maximum: 90 * DAY_MS }),
    /** disputed → refunded in full (items back to the merchant) when the arbiter does not decide in time. */
    arbitrationWindowMs: Type.Integer({ minimum: HOUR_MS, maximum: 180 * DAY_MS }),
  },
  { additionalProperties: false },
);
export type OrderWindows = Static<typeof OrderWindowsSchema>;

/** A logistics implementation whose deliveries are recorded on another chain (`linkLogistics`). */
export const LinkedDeliverySchema = Type.Object(
  {
    /** The chain the carrier records deliveries on (a chain this one admitted a light client of). */
    chainId: ChainIdSchema,
    /** The organisation on that chain whose messages prove a delivery. */
    carrier: IdentifierSchema,
  },
  { additionalProperties: false },
);
export type LinkedDelivery = Static<typeof LinkedDeliverySchema>;

export const OrderSchema = Type.Object(
  {
    id: OrderIdSchema,
    /** The consumer's one-time order key; the items' owner after delivery is `acct:<buyer>`. */
    buyer: AddressSchema,
    /** The member identity that submitted the order (a platform's or payment provider's gateway). */
    gateway: AddressSchema,
    listing: Type.String({ maxLength: 200 }),
    merchant: IdentifierSchema,
    sku: SkuSchema,
    quantity: Type.Integer({ minimum: 1, maximum: MAX_ORDER_QUANTITY }),
    unitPrice: UintSchema,
    codes: Type.Array(ItemCodeSchema, { minItems: 1, maxItems: MAX_ORDER_QUANTITY }),
    /** Every implementation the order uses, kept to its end. */
    implementations: Type.Object(
      {
        inventory: Type.Optional(ImplementationRefSchema),
        payment: ImplementationRefSchema,
        logistics: ImplementationRefSchema,
      },
      { additionalProperties: false },
    ),
    paymentProvider: IdentifierSchema,
    carrier: IdentifierSchema,
    platform: IdentifierSchema,
    arbiter: IdentifierSchema,
    /** The host of the live session the order was placed in, when one featuring the listing was running. */
    host: Type.Optional(IdentifierSchema),
    session: Type.Optional(Type.String({ maxLength: 200 })),
    fromRegion: RegionSchema,
    buyerRegion: RegionSchema,
    weightGrams: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    /** The carrier's quoted delivery time, which sets the delivery deadline. */
    deliveryDays: Type.Integer({ minimum: 0, maximum: 365 }),
    returnPolicy: ReturnPolicySchema,
    composition: CompositionSchema,
    /** The most the buyer agreed to pay (signed by the order key); the total never exceeds it. */
    maxTotal: UintSchema,
    /** The deadline windows in force when the order was created: a later vote does not change them. */
    windows: OrderWindowsSchema,
    status: OrderStatusSchema,
    /** Block time (ms) at which the current state's default transition applies; 0 once ended. */
    deadline: UintSchema,
    /** The account that funded the escrow: refunds go back to it (the provider repays the consumer). */
    payer: Type.Optional(AddressSchema),
    /** Block times (ms) of the steps taken so far. */
    createdAt: UintSchema,
    paidAt: Type.Optional(UintSchema),
    shippedAt: Type.Optional(UintSchema),
    deliveredAt: Type.Optional(UintSchema),
    returnedAt: Type.Optional(UintSchema),
    disputedAt: Type.Optional(UintSchema),
    endedAt: Type.Optional(UintSchema),
    /** The state a dispute interrupted, and who raised it. */
    disputedFrom: Type.Optional(OrderStatusSchema),
    disputedBy: Type.Optional(
      Type.Union([Type.Literal('buyer'), Type.Literal('merchant'), Type.Literal('deadline')]),
    ),
    /** Why the order ended (e.g. `cancelled-by-buyer`, `not-shipped`, `recall`, `arbiter-silent`). */
    reason: Type.Optional(Type.String({ maxLength: 64 })),
    payouts: Type.Optional(PayoutsSchema),
    /**
     * Money found in the escrow at the end beyond what the order put there (sent to its address before
     * the order existed), returned with any refund: to the payer, or to the order key if never funded.
     */
    surplus: Type.Optional(UintSchema),
    /**
     * Where the delivery is proven, for an order whose logistics implementation was linked to another
     * chain when it was created: a message from `carrier` of chain `chainId` moves it to delivered.
     */
    linkedDelivery: Type.Optional(LinkedDeliverySchema),
  },
  { additionalProperties: false },
);
export type Order = Static<typeof OrderSchema>;

/** Module parameters (genesis section `orders.parameters`; defaults below; changed by governance). */
export const OrdersParametersSchema = Type.Object(
  {
    /** Paid to the referring platform, in basis points of the goods. */
    platformFeeBps: Type.Integer({ minimum: 0, maximum: 10_000 }),
    ...OrderWindowsSchema.properties,
    /** Most codes offered to an inventory implementation to choose from. */
    maxAvailableOffered: Type.Integer({ minimum: 1, maximum: 1_000 }),
    /** Most deadlines applied in one block; the rest wait for the next block. */
    maxDeadlinesPerBlock: Type.Integer({ minimum: 1, maximum: 100_000 }),
  },
  { additionalProperties: false },
);
export type OrdersParameters = Static<typeof OrdersParametersSchema>;

export const DEFAULT_ORDERS_PARAMETERS: OrdersParameters = {
  platformFeeBps: 200,
  paymentWindowMs: 30 * 60_000,
  shippingWindowMs: 3 * DAY_MS,
  deliveryGraceMs: 3 * DAY_MS,
  confirmationWindowMs: 7 * DAY_MS,
  returnWindowMs: 10 * DAY_MS,
  arbitrationWindowMs: 14 * DAY_MS,
  maxAvailableOffered: 200,
  maxDeadlinesPerBlock: 1_000,
};

/** Money the module holds and has moved, over all orders. */
export const EscrowTotalsSchema = Type.Object(
  {
    /** Σ escrow balances of open orders. */
    held: UintSchema,
    funded: UintSchema,
    released: UintSchema,
    refunded: UintSchema,
  },
  { additionalProperties: false },
);
export type EscrowTotals = Static<typeof EscrowTotalsSchema>;

const empty = createCodec('Empty', Type.Object({}, { additionalProperties: false }), { maxBytes: 8 });

export const orderStore = new Store(
  ORDERS_MODULE,
  'orders',
  createCodec('Order', OrderSchema, { maxBytes: 16 * 1024 }),
);
/** `orders/delivery/<id>`: the delivery details as the SDK encrypted them (opaque here). */
export const deliveryStore = new Store(
  ORDERS_MODULE,
  'delivery',
  createCodec(
    'DeliveryDetails',
    Type.Object(
      { sealed: Type.Uint8Array({ maxByteLength: MAX_DELIVERY_DETAILS_BYTES }) },
      { additionalProperties: false },
    ),
    { maxBytes: MAX_DELIVERY_DETAILS_BYTES + 64 },
  ),
);
/** `orders/deadlines/<time:15 digits>/<id>`: the next default transition of every open order. */
export const deadlineStore = new Store(ORDERS_MODULE, 'deadlines', empty);
/** `orders/by<Party>/<org>/<id>`: orders of a merchant, carrier, payment provider or arbiter. */
export const byMerchantStore = new Store(ORDERS_MODULE, 'byMerchant', empty);
export const byCarrierStore = new Store(ORDERS_MODULE, 'byCarrier', empty);
export const byPaymentStore = new Store(ORDERS_MODULE, 'byPayment', empty);
export const byArbiterStore = new Store(ORDERS_MODULE, 'byArbiter', empty);
/** `orders/byBuyer/<order key address>/<id>`: what a wallet asks for each of its order keys. */
export const byBuyerStore = new Store(ORDERS_MODULE, 'byBuyer', empty);
/** `orders/payees/<org>`: where an organisation's shares are paid (default: its root key's address). */
export const payeeStore = new Store(
  ORDERS_MODULE,
  'payees',
  createCodec('Payee', Type.Object({ address: AddressSchema }, { additionalProperties: false }), {
    maxBytes: 128,
  }),
);
/** `orders/linkedLogistics/<implementation>`: deliveries of orders using it are proven on another chain. */
export const linkedLogisticsStore = new Store(
  ORDERS_MODULE,
  'linkedLogistics',
  createCodec('LinkedDelivery', LinkedDeliverySchema, { maxBytes: 256 }),
);
export const paramsStore = new Store(
  ORDERS_MODULE,
  'params',
  createCodec('OrdersParameters', OrdersParametersSchema, { maxBytes: 512 }),
);
export const escrowTotalsStore = new Store(
  ORDERS_MODULE,
  'totals',
  createCodec('EscrowTotals', EscrowTotalsSchema, { maxBytes: 128 }),
);

/** Key of a deadline entry: zero-padded time first, so key order is time order. */
export function deadlineKey(time: number, orderId: string): string {
  return `${time.toString().padStart(15, '0')}/${orderId}`;
}

/**
 * The escrow account of an order: the address of SHA-256 of a domain string and the order id taken as a
 * public key. Nobody holds its private key, so only this module's rules move its money.
 */
export function escrowAccount(orderId: string): Address {
  return addressFromPublicKey(sha256(utf8(`hanglian/order-escrow/v1\n${orderId}`)));
}

export function ordersParameters(state: StateReader): OrdersParameters {
  return paramsStore.get(state, 'current') ?? DEFAULT_ORDERS_PARAMETERS;
}

/** The windows an order created now records. */
export function orderWindows(params: OrdersParameters): OrderWindows {
  return {
    paymentWindowMs: params.paymentWindowMs,
    shippingWindowMs: params.shippingWindowMs,
    deliveryGraceMs: params.deliveryGraceMs,
    confirmationWindowMs: params.confirmationWindowMs,
    returnWindowMs: params.returnWindowMs,
    arbitrationWindowMs: params.arbitrationWindowMs,
  };
}
