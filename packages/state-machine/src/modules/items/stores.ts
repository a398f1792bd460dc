/**
 * State of the items module. Item codes are `<sku>:<batch>:<serial>` (serial 1..count). Minting a batch
 * writes one record, however many items it holds; an item gets its own record only when something
 * happens to it (it moves, is sold, returned), so a batch of 10,000 costs what a batch of one costs.
 */
import { ChainIdSchema, createCodec, IdentifierSchema, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { Store } from '../../framework/store.js';

export const ITEMS_MODULE = 'items';

/** SKUs and batch ids: no ':' (the code separator). */
export const SkuSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' });
export const BatchIdSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,31}$' });
export const ItemCodeSchema = Type.String({
  pattern: '^[a-z0-9][a-z0-9._-]{0,63}:[a-z0-9][a-z0-9._-]{0,31}:[1-9][0-9]{0,8}$',
});
export const MAX_BATCH_ITEMS = 1_000_000;

/** An ISO 3166 region (`CN`, or a subdivision `CN-31`): where channels may sell and orders ship. */
export const RegionSchema = Type.String({
  pattern: '^[A-Z]{2}(-[A-Z0-9]{1,3})?$',
  description: 'ISO 3166 code, e.g. CN or CN-31',
});
/** Items one transaction may name one by one; more go as ranges. */
export const MAX_CODES_PER_TX = 500;

/**
 * Who owns or holds an item: an organisation (`org:<id>`) or an account (`acct:<address>`, e.g. a
 * consumer's one-time order key).
 */
export const PartySchema = Type.String({
  pattern: '^(org:[a-z0-9][a-z0-9._:-]{0,127}|acct:hl[0-9a-f]{40})$',
});
export type Party = Static<typeof PartySchema>;
export const orgParty = (org: string): Party => `org:${org}`;
export const accountParty = (address: string): Party => `acct:${address}`;

export const ProductSchema = Type.Object(
  {
    sku: SkuSchema,
    producer: IdentifierSchema,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    category: Type.String({ minLength: 1, maxLength: 64 }),
    /** Minor units of the settlement unit. */
    factoryPrice: UintSchema,
    attributes: Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 256 }), {
      maxProperties: 32,
    }),
    registeredAt: UintSchema,
    /** The chain the product was registered on, when its items arrived here from there (`sendAcross`). */
    origin: Type.Optional(ChainIdSchema),
  },
  { additionalProperties: false },
);
export type Product = Static<typeof ProductSchema>;

export const BatchSchema = Type.Object(
  {
    sku: SkuSchema,
    batch: BatchIdSchema,
    count: Type.Integer({ minimum: 1, maximum: MAX_BATCH_ITEMS }),
    /** Where the items were made (a site or GLN). */
    site: Type.String({ maxLength: 128 }),
    mintedAt: UintSchema,
    recalled: Type.Boolean(),
    recallReason: Type.Optional(Type.String({ maxLength: 256 })),
    /**
     * The chain the batch was minted on, for a batch whose items arrived from there: only the codes that
     * arrived exist here (each with a record of its own), never the rest of the batch.
     */
    origin: Type.Optional(ChainIdSchema),
  },
  { additionalProperties: false },
);
export type Batch = Static<typeof BatchSchema>;

export const ITEM_STATUSES = [
  'in-stock',
  'reserved',
  'in-transit',
  'sold',
  'returned',
  'recalled',
  'destroyed',
  // Sent to another linked chain and live there: locked here until it comes back (interchain).
  'abroad',
] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
export const ItemStatusSchema = Type.Union(ITEM_STATUSES.map((s) => Type.Literal(s)));

export const ItemStateSchema = Type.Object(
  {
    owner: PartySchema,
    custodian: PartySchema,
    status: ItemStatusSchema,
    /** Number of item-level trace events so far (the next event's sequence number). */
    events: UintSchema,
  },
  { additionalProperties: false },
);
export type ItemState = Static<typeof ItemStateSchema>;

/** Business steps, after EPCIS 2.0's CBV, narrowed to what happens to goods in this industry. */
export const BIZ_STEPS = [
  'commissioning',
  'packing',
  // An order set the item aside for its buyer (or released it again): CBV's `reserving`.
  'reserving',
  'shipping',
  'receiving',
  'selling',
  'returning',
  'recalling',
  'inspecting',
  'destroying',
] as const;
export type BizStep = (typeof BIZ_STEPS)[number];
export const BizStepSchema = Type.Union(BIZ_STEPS.map((s) => Type.Literal(s)));

/** One traceability event: what, when, where, why, who; signed (as a transaction) by the party that acted. */
export const TraceEventSchema = Type.Object(
  {
    bizStep: BizStepSchema,
    disposition: ItemStatusSchema,
    /** Block time (unix ms) and height: when the chain recorded it. */
    time: UintSchema,
    height: UintSchema,
    /** Where: a site, warehouse or GLN. */
    where: Type.String({ maxLength: 128 }),
    /**
     * The region it happened in, when the chain knows it: an order's sale and receipt carry the buyer's
     * region, which is how a sale outside its seller's channel regions is detected (anti-串货).
     */
    region: Type.Optional(RegionSchema),
    /** Why: a business document (order id, shipment id, inspection report). */
    why: Type.String({ maxLength: 128 }),
    /** Who did it, and between whom it moved. */
    by: PartySchema,
    source: Type.Optional(PartySchema),
    destination: Type.Optional(PartySchema),
    /** The transaction that recorded it (hex). */
    txId: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  },
  { additionalProperties: false },
);
export type TraceEvent = Static<typeof TraceEventSchema>;

export const productStore = new Store(
  ITEMS_MODULE,
  'products',
  createCodec('Product', ProductSchema, { maxBytes: 16 * 1024 }),
);
export const batchStore = new Store(
  ITEMS_MODULE,
  'batches',
  createCodec('Batch', BatchSchema, { maxBytes: 1024 }),
);
export const itemStore = new Store(
  ITEMS_MODULE,
  'items',
  createCodec('ItemState', ItemStateSchema, { maxBytes: 512 }),
);
export const traceStore = new Store(
  ITEMS_MODULE,
  'trace',
  createCodec('TraceEvent', TraceEventSchema, { maxBytes: 1024 }),
);
export const batchTraceStore = new Store(
  ITEMS_MODULE,
  'batchTrace',
  createCodec('TraceEvent', TraceEventSchema, { maxBytes: 1024 }),
);
/** `items/byProducer/<org>/<sku>`: index of each producer's products. */
export const productsByProducerStore = new Store(
  ITEMS_MODULE,
  'byProducer',
  createCodec('Empty', Type.Object({}, { additionalProperties: false }), { maxBytes: 8 }),
);

/**
 * `items/holdings/<owner party>/<sku>/<code>` → status: every item that left its producer, indexed by
 * owner. Kept in step by `ItemsMethod.apply` until STOCK_INDEX_UPGRADE, whose migration moves it to
 * `held`; a chain born with that upgrade never writes here.
 */
export const holdingsStore = new Store(
  ITEMS_MODULE,
  'holdings',
  createCodec('Holding', Type.Object({ status: ItemStatusSchema }, { additionalProperties: false }), {
    maxBytes: 64,
  }),
);

/**
 * The software upgrade that moves the owner index from `holdings` to `held` (framework/upgrades.ts). Before
 * it, finding a merchant's stock read past every copy it still owns for an open order (reserved, shipped,
 * delivered); with the status in the key, its stock is exactly one prefix.
 */
export const STOCK_INDEX_UPGRADE = 'stock-index';

/**
 * `items/held/<owner party>/<sku>/<status>/<code>`: the owner index once STOCK_INDEX_UPGRADE is in effect
 * (it replaces `holdings`, which the upgrade's migration empties). Key order within a status is code
 * order, as in `holdings`, so the first codes in stock are the same ones.
 */
export const heldStore = new Store(
  ITEMS_MODULE,
  'held',
  createCodec('Empty', Type.Object({}, { additionalProperties: false }), { maxBytes: 8 }),
);

/** The id in `heldStore` of `code` of `sku` held by `owner` with `status`. */
export function heldId(owner: Party, sku: string, status: ItemStatus, code: string): string {
  return `${owner}/${sku}/${status}/${code}`;
}

/** Sequence numbers are zero-padded in keys so that key order is event order. */
export function sequenceKey(sequence: number): string {
  return sequence.toString().padStart(10, '0');
}

export interface ParsedCode {
  readonly sku: string;
  readonly batch: string;
  readonly serial: number;
}

export function parseItemCode(code: string): ParsedCode | undefined {
  const parts = code.split(':');
  if (parts.length !== 3) return undefined;
  const [sku, batch, serialText] = parts as [string, string, string];
  if (!/^[1-9][0-9]{0,8}$/.test(serialText)) return undefined;
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(sku) || !/^[a-z0-9][a-z0-9._-]{0,31}$/.test(batch))
    return undefined;
  return { sku, batch, serial: Number(serialText) };
}

export function itemCode(sku: string, batch: string, serial: number): string {
  return `${sku}:${batch}:${serial}`;
}
