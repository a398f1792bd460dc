import { createCodec, IdentifierSchema, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { Store } from '../../framework/store.js';
import { ItemSelectionSchema } from '../items/commands/recordEvent.js';
import { RegionSchema, SkuSchema } from '../items/stores.js';

export const DISTRIBUTION_MODULE = 'distribution';

/** Regions are defined with items (trace events carry them); channels, listings and orders use them. */
export { RegionSchema };

/** A producer's authorisation of a channel organisation to sell its products (all, or some) in regions. */
export const ChannelSchema = Type.Object(
  {
    producer: IdentifierSchema,
    org: IdentifierSchema,
    /** Empty: every product of the producer. */
    skus: Type.Array(SkuSchema, { maxItems: 256 }),
    /** Empty: every region. */
    regions: Type.Array(RegionSchema, { maxItems: 64 }),
    /** Unix ms after which it lapses; 0: until revoked. */
    until: UintSchema,
    grantedAt: UintSchema,
  },
  { additionalProperties: false },
);
export type Channel = Static<typeof ChannelSchema>;

export const ShipmentSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' }),
    from: IdentifierSchema,
    to: IdentifierSchema,
    items: ItemSelectionSchema,
    count: UintSchema,
    status: Type.Union([Type.Literal('sent'), Type.Literal('received'), Type.Literal('refused')]),
    sentAt: UintSchema,
    settledAt: Type.Optional(UintSchema),
  },
  { additionalProperties: false },
);
export type Shipment = Static<typeof ShipmentSchema>;

export const channelStore = new Store(
  DISTRIBUTION_MODULE,
  'channels',
  createCodec('Channel', ChannelSchema, { maxBytes: 32 * 1024 }),
);
/** `distribution/shipments/<from>/<id>`: shipment ids are chosen by the sender, unique per sender. */
export const shipmentStore = new Store(
  DISTRIBUTION_MODULE,
  'shipments',
  createCodec('Shipment', ShipmentSchema, { maxBytes: 64 * 1024 }),
);
/** `distribution/byReceiver/<to>/<from>/<id>`: `{}`, written by `ship`: the shipments addressed to an organisation. */
export const shipmentsByReceiverStore = new Store(
  DISTRIBUTION_MODULE,
  'byReceiver',
  createCodec('Empty', Type.Object({}, { additionalProperties: false }), { maxBytes: 8 }),
);
