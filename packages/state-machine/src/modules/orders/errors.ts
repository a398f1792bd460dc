import { defineErrorCodes } from '@hanglian/core';

/** Error codes of the orders module. Registered once; their meaning never changes. */
export const OrdersErrors = defineErrorCodes('orders', {
  ORDERS_NOT_GATEWAY: {
    kind: 'forbidden',
    summary: 'Orders are submitted by an identity of a platform or payment provider organisation.',
  },
  ORDERS_UNKNOWN_ORDER: { kind: 'not_found', summary: 'No order with that id.' },
  ORDERS_ORDER_EXISTS: { kind: 'conflict', summary: 'An order with that id exists.' },
  ORDERS_LISTING_UNAVAILABLE: { kind: 'conflict', summary: 'The listing does not exist or is not active.' },
  ORDERS_LISTING_NO_ORIGIN: {
    kind: 'invalid',
    summary: 'The listing does not say where it ships from, so no carrier can quote it.',
  },
  ORDERS_REGION_NOT_SERVED: { kind: 'invalid', summary: 'The listing does not ship to that region.' },
  ORDERS_OUT_OF_STOCK: { kind: 'conflict', summary: 'The merchant holds too few items in stock.' },
  ORDERS_WRONG_STANDARD: {
    kind: 'invalid',
    summary: 'The implementation named does not implement the standard its role needs.',
  },
  ORDERS_CARRIER_NOT_OFFERED: {
    kind: 'invalid',
    summary: "The logistics implementation's carrier is not one of the listing's carriers.",
  },
  ORDERS_DELIVERY_MALFORMED: {
    kind: 'invalid',
    summary: 'The delivery details are not a well-formed sealed envelope (core types/sealed.ts).',
  },
  ORDERS_DELIVERY_NOT_FOR_CARRIER: {
    kind: 'invalid',
    summary: "The delivery details are not sealed to the order's carrier, which could not read them.",
  },
  ORDERS_DELIVERY_STRANGER: {
    kind: 'forbidden',
    summary:
      "The delivery details are sealed to an organisation other than the order's carrier and merchant.",
  },
  ORDERS_DELIVERY_WRONG_KEY: {
    kind: 'invalid',
    summary:
      "A recipient of the delivery details is not named with its organisation's registered encryption key.",
  },
  ORDERS_NOT_PAYMENT_PROVIDER: {
    kind: 'invalid',
    summary: "The payment implementation's organisation is not an active payment provider.",
  },
  ORDERS_NOT_PLATFORM: { kind: 'invalid', summary: 'The referring organisation is not an active platform.' },
  ORDERS_NOT_ARBITER: {
    kind: 'invalid',
    summary: 'The arbiter named is not an active arbiter organisation.',
  },
  ORDERS_BAD_CONTRACT_ANSWER: {
    kind: 'conflict',
    summary: 'An implementation answered outside what its standard allows (checked by the kernel).',
  },
  ORDERS_FEES_EXCEED_PRICE: {
    kind: 'conflict',
    summary: "Shipping, payment, platform and host shares leave the merchant's share negative.",
  },
  ORDERS_PRICE_NOT_AGREED: {
    kind: 'conflict',
    summary:
      'The price is beyond what the order key signed: the total exceeds maxTotal, the unit price is not the one seen, or shipping exceeds maxShipping.',
  },
  ORDERS_BAD_STATE: { kind: 'conflict', summary: 'The order is not in a state that allows this.' },
  ORDERS_NOT_BUYER: { kind: 'forbidden', summary: "The order's key did not sign the transaction." },
  ORDERS_NOT_MERCHANT: {
    kind: 'forbidden',
    summary: "Only an identity of the order's merchant may do this.",
  },
  ORDERS_NOT_CARRIER: { kind: 'forbidden', summary: "Only an identity of the order's carrier may do this." },
  ORDERS_NOT_PROVIDER: {
    kind: 'forbidden',
    summary: "Only an identity of the order's payment provider may confirm payment.",
  },
  ORDERS_NOT_ORDER_ARBITER: {
    kind: 'forbidden',
    summary: 'Only an identity of the arbiter named at creation may decide the dispute.',
  },
  ORDERS_RETURN_CLOSED: { kind: 'conflict', summary: "The listing's return period is over or allows none." },
  ORDERS_BAD_SPLIT: { kind: 'invalid', summary: 'The refund of a split exceeds what the escrow holds.' },
  ORDERS_RECALLED: {
    kind: 'conflict',
    summary: 'An item of the order is in a recalled batch: the order can only be refunded.',
  },
  ORDERS_NOT_RECALLED: {
    kind: 'conflict',
    summary:
      'No item of the order is in a recalled batch or destroyed: it cannot be refunded on that ground.',
  },
  ORDERS_ITEM_DESTROYED: {
    kind: 'conflict',
    summary: 'An item of the order was destroyed: the order can only be refunded.',
  },
  ORDERS_BAD_PARAMETERS: {
    kind: 'invalid',
    summary: 'Orders parameters out of their bounds (the deadline windows, fee and limits of the README).',
  },
  ORDERS_NOT_ADMIN: {
    kind: 'forbidden',
    summary: 'Only an admin identity of an active organisation sets its payee.',
  },
  ORDERS_NOT_IMPLEMENTATION_ADMIN: {
    kind: 'forbidden',
    summary: 'Only an admin identity of the organisation that owns a logistics implementation links it.',
  },
  ORDERS_NOT_LINKED: {
    kind: 'forbidden',
    summary:
      'The order’s delivery is not proven on that chain by that organisation (its logistics implementation was not linked so when the order was created).',
  },
  ORDERS_BAD_MESSAGE: {
    kind: 'invalid',
    summary: 'A message from another chain for orders does not have the shape the orders README gives.',
  },
});
