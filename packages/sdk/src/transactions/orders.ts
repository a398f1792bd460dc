/**
 * Builders for the orders module's commands (packages/state-machine/src/modules/orders/README.md). A
 * consumer is not a member: a gateway (a platform's or payment provider's identity) submits, and the
 * order's one-time key (`wallet.orderKey(i)`) co-signs as an actor wherever the buyer acts: `create`,
 * `deliver` (the receipt), `confirm`, `cancel`, `return`, and `dispute` by the buyer.
 */
import type * as Chain from '@hanglian/state-machine/client';
import { definedOnly, type TxCall } from './call.js';

export type LinkLogisticsParams = Chain.LinkLogisticsParams;

export type CreateOrderParams = Chain.CreateOrderParams;
export type ConfirmPaymentParams = Chain.ConfirmPaymentParams;
/** An order id, for steps that need nothing else. */
export type OrderRefParams = Chain.ConfirmParams;
/** A physical step of an order, and where it happened (at most 128 characters; public). */
export type OrderStepParams = Chain.ShipOrderParams;
export type DisputeParams = Chain.DisputeParams;
export type ArbitrateParams = Chain.ArbitrateParams;
export type SetPayeeParams = Chain.SetPayeeParams;

const call = <P extends object>(command: string, params: P): TxCall<P> => ({
  module: 'orders',
  command,
  params: definedOnly(params),
});

export const orders = {
  /**
   * Places an order: a gateway submits, the order key co-signs, and so signs the most it will pay.
   *
   * @example
   * ```ts
   * const key = wallet.orderKey(0);
   * const request = { listing: 'bookstore/hlm-2026', quantity: 1, payment: 'paybank-a.payment',
   *   logistics: 'carrier-a.express', buyerRegion: 'CN-11', weightGrams: 1_200 };
   * const preview = await previewOrder(client, request); // shown to the buyer
   * await signAndSubmit(client, {
   *   signer: platformGateway,
   *   actors: [key],
   *   ...orders.create({
   *     ...request,
   *     buyer: key.address,
   *     platform: 'platform-a',
   *     arbiter: 'regulator',
   *     delivery: sealDelivery(details, [carrierKey, merchantKey], { context: key.address }),
   *     maxTotal: preview.total,
   *     unitPrice: preview.unitPrice,
   *   }),
   * });
   * ```
   */
  create: (params: CreateOrderParams): TxCall<CreateOrderParams> => call('create', params),
  /**
   * The payment provider moves the total into the order's escrow.
   *
   * @example
   * ```ts
   * orders.confirmPayment({ order });
   * ```
   */
  confirmPayment: (params: ConfirmPaymentParams): TxCall<ConfirmPaymentParams> =>
    call('confirmPayment', params),
  /**
   * The merchant hands the items to the carrier.
   *
   * @example
   * ```ts
   * orders.ship({ order, where: 'Riverside Books' });
   * ```
   */
  ship: (params: OrderStepParams): TxCall<OrderStepParams> => call('ship', params),
  /**
   * The carrier delivers; the order key co-signs the receipt.
   *
   * @example
   * ```ts
   * await signAndSubmit(client, { signer: carrier, actors: [key], ...orders.deliver({ order, where: 'Beijing' }) });
   * ```
   */
  deliver: (params: OrderStepParams): TxCall<OrderStepParams> => call('deliver', params),
  /**
   * The buyer confirms: the escrow pays the composition.
   *
   * @example
   * ```ts
   * await signAndSubmit(client, { signer: gateway, actors: [key], ...orders.confirm({ order }) });
   * ```
   */
  confirm: (params: OrderRefParams): TxCall<OrderRefParams> => call('confirm', params),
  /**
   * The buyer cancels before shipment (a funded escrow goes back to the payer in full).
   *
   * @example
   * ```ts
   * await signAndSubmit(client, { signer: gateway, actors: [key], ...orders.cancel({ order }) });
   * ```
   */
  cancel: (params: OrderRefParams): TxCall<OrderRefParams> => call('cancel', params),
  /**
   * The buyer sends the items back within the listing's return period.
   *
   * @example
   * ```ts
   * await signAndSubmit(client, { signer: gateway, actors: [key], ...orders.return({ order }) });
   * ```
   */
  return: (params: OrderStepParams): TxCall<OrderStepParams> => call('return', params),
  /**
   * The merchant records the returned items: refund less the restocking fee.
   *
   * @example
   * ```ts
   * orders.returnReceived({ order, where: 'Riverside Books' });
   * ```
   */
  returnReceived: (params: OrderStepParams): TxCall<OrderStepParams> => call('returnReceived', params),
  /**
   * The buyer (order key co-signing) or the merchant disputes the order: the arbiter decides.
   *
   * @example
   * ```ts
   * orders.dispute({ order, reason: 'the parcel arrived damaged' });
   * ```
   */
  dispute: (params: DisputeParams): TxCall<DisputeParams> => call('dispute', params),
  /**
   * The arbiter named at creation splits the escrow.
   *
   * @example
   * ```ts
   * orders.arbitrate({ order, refund: 3_000, items: 'buyer' });
   * ```
   */
  arbitrate: (params: ArbitrateParams): TxCall<ArbitrateParams> => call('arbitrate', params),
  /**
   * Any member refunds an open order holding recalled items.
   *
   * @example
   * ```ts
   * orders.refundRecalled({ order });
   * ```
   */
  refundRecalled: (params: OrderRefParams): TxCall<OrderRefParams> => call('refundRecalled', params),
  /**
   * An organisation's admin names the account its order shares are paid to (the account co-signs).
   *
   * @example
   * ```ts
   * await signAndSubmit(client, { signer: admin, actors: [payee], ...orders.setPayee({ address: payee.address }) });
   * ```
   */
  setPayee: (params: SetPayeeParams): TxCall<SetPayeeParams> => call('setPayee', params),
  /**
   * A carrier's admin links its logistics implementation to the chain where it records deliveries: orders
   * created with it afterwards move to delivered on a proven message from `carrier` of `chainId`.
   *
   * @example
   * ```ts
   * await signAndSubmit(client, { signer: carrierAdmin, ...orders.linkLogistics({ implementation: 'carrier-a.express', chainId: 'logistics', carrier: 'carrier-a' }) });
   * ```
   */
  linkLogistics: (params: LinkLogisticsParams): TxCall<LinkLogisticsParams> => call('linkLogistics', params),
} as const;
