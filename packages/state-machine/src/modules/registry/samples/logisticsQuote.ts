/**
 * The sample standard `logistics.quote/1`: a carrier quotes a price and delivery time for a parcel, and
 * books shipments. Two carriers implement it differently in the tests; the CLI scaffolds from it. Schemas
 * are written with TypeBox and stored as the plain JSON schema it emits.
 */
import { Type } from '@sinclair/typebox';
import type { StandardDefinition } from '../stores.js';

/** A TypeBox schema as the plain data that is stored on chain (TypeBox's symbols dropped). */
export function schemaValue(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema));
}

const Weight = Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'grams' });
const Region = Type.String({ minLength: 1, maxLength: 32 });
const Quote = Type.Object(
  { price: Type.Integer({ minimum: 0 }), days: Type.Integer({ minimum: 1, maximum: 60 }) },
  { additionalProperties: false },
);
const OrderRef = Type.String({ minLength: 1, maxLength: 64 });

export const LOGISTICS_QUOTE_STANDARD: StandardDefinition = {
  id: 'logistics.quote/1',
  title: 'Parcel quote and booking',
  behaviour: [
    'quote(weightGrams, fromRegion, toRegion) returns the price in settlement minor units and the delivery',
    'days for a parcel; it reads no caller data and writes nothing. A route the carrier does not serve',
    '(a region it does not know) throws. Regions served include at least cn-east and cn-north.',
    'ship(orderRef, weightGrams, fromRegion, toRegion) books a shipment: it stores "booked" under',
    'shipment/<orderRef>, emits shipped {orderRef}, and returns the quote it booked at. Booking the same',
    'orderRef twice throws.',
  ].join(' '),
  methods: [
    {
      name: 'quote',
      summary: 'Price and days for a parcel.',
      params: [
        { name: 'weightGrams', schema: schemaValue(Weight) },
        { name: 'fromRegion', schema: schemaValue(Region) },
        { name: 'toRegion', schema: schemaValue(Region) },
      ],
      output: schemaValue(Quote),
      readOnly: true,
    },
    {
      name: 'ship',
      summary: 'Book a shipment for an order.',
      params: [
        { name: 'orderRef', schema: schemaValue(OrderRef) },
        { name: 'weightGrams', schema: schemaValue(Weight) },
        { name: 'fromRegion', schema: schemaValue(Region) },
        { name: 'toRegion', schema: schemaValue(Region) },
      ],
      output: schemaValue(Quote),
      readOnly: false,
    },
  ],
  events: [
    {
      name: 'shipped',
      summary: 'A shipment was booked.',
      data: schemaValue(Type.Object({ orderRef: OrderRef }, { additionalProperties: false })),
    },
  ],
  vectors: [
    {
      name: 'quotes a served route',
      method: 'quote',
      args: [1000, 'cn-east', 'cn-north'],
      expect: { ok: true },
    },
    {
      name: 'refuses an unknown region',
      method: 'quote',
      args: [1000, 'cn-east', 'atlantis'],
      expect: { ok: false, code: 'CONTRACT_THREW' },
    },
    {
      name: 'books a shipment',
      method: 'ship',
      args: ['order-1', 1000, 'cn-east', 'cn-north'],
      expect: { ok: true },
      expectState: { 'shipment/order-1': 'booked' },
      expectEvents: [{ name: 'shipped', data: { orderRef: 'order-1' } }],
    },
    {
      name: 'refuses to book an order twice',
      method: 'ship',
      args: ['order-1', 1000, 'cn-east', 'cn-north'],
      state: { 'shipment/order-1': 'booked' },
      expect: { ok: false, code: 'CONTRACT_THREW' },
    },
  ],
  implementerRoles: ['carrier'],
};
