import { IdentifierSchema } from '@hanglian/core';
import { type TObject, Type } from '@sinclair/typebox';
import type { Query } from '../../framework/module.js';
import type { ChannelsForItems } from './expected.js';
import type { ItemProvenance, ItemsMethod } from './method.js';
import {
  type Batch,
  BatchIdSchema,
  BatchSchema,
  batchStore,
  type ItemState,
  PartySchema,
  type Product,
  ProductSchema,
  productsByProducerStore,
  RegionSchema,
  SkuSchema,
  type TraceEvent,
} from './stores.js';

export interface ItemView {
  code: string;
  product: Product;
  batch: Batch;
  serial: number;
  state: ItemState;
  history: TraceEvent[];
}

export type VerificationFlag =
  | 'unknown-code'
  | 'recalled'
  | 'destroyed'
  | 'sold'
  | 'sold-to-another'
  | 'outside-channel'
  | 'outside-region'
  | 'abroad';

/** Flags that make a code suspect: the thing in hand is not what the code says, or not where it may be. */
const SUSPECT_FLAGS: ReadonlySet<VerificationFlag> = new Set([
  'recalled',
  'destroyed',
  'sold-to-another',
  'outside-channel',
  'outside-region',
  'abroad',
]);

export interface VerificationView {
  code: string;
  /**
   * `unknown`: never minted. `suspect`: recalled, destroyed, sold to someone other than the claimed
   * owner, or outside its producer's channel or region (串货). `sold`: genuine, but already sold to
   * someone (no claimed owner given): a copy offered as new is not. `genuine`: none of these (a sold
   * copy is genuine to its claimed owner).
   */
  verdict: 'genuine' | 'sold' | 'suspect' | 'unknown';
  flags: VerificationFlag[];
  /** Its standing with the producer's channels (null for an unknown code, or without a channel judge). */
  channel: ItemProvenance | null;
  item: ItemView | null;
}

const CodeParams = Type.Object({ code: Type.String({ maxLength: 200 }) }, { additionalProperties: false });
const VerifyParams = Type.Object(
  {
    code: Type.String({ maxLength: 200 }),
    /** Who the person scanning believes owns it (e.g. the order key that bought it). */
    claimedOwner: Type.Optional(PartySchema),
    /** Where the item is offered, if the scanner knows (default: the region of its sale, if any). */
    region: Type.Optional(RegionSchema),
  },
  { additionalProperties: false },
);

/**
 * The items module's queries. `channels` (the distribution module's judge, wired by the kernel) lets a
 * verification say whether the item is outside its channel or region; without it that part is left out.
 */
export function createItemsQueries(items: ItemsMethod, channels?: ChannelsForItems) {
  const view = (state: Parameters<ItemsMethod['find']>[0], code: string): ItemView | null => {
    const item = items.find(state, code);
    if (item === undefined) return null;
    return { ...item, history: items.history(state, item) };
  };

  const product = {
    name: 'product',
    reads: { public: ['items/products'] },
    resultSchema: Type.Union([ProductSchema, Type.Null()]),
    access: 'public',
    summary: 'A product by SKU.',
    paramsSchema: Type.Object({ sku: SkuSchema }, { additionalProperties: false }),
    execute: (ctx) => items.getProduct(ctx.state, ctx.params.sku) ?? null,
  } satisfies Query<TObject<{ sku: typeof SkuSchema }>, Product | null>;

  const products = {
    name: 'products',
    reads: { public: ['items/byProducer', 'items/products'] },
    resultSchema: Type.Array(ProductSchema),
    access: 'public',
    summary: "A producer's products.",
    paramsSchema: Type.Object({ producer: IdentifierSchema }, { additionalProperties: false }),
    execute: (ctx) =>
      [...productsByProducerStore.entries(ctx.state, `${ctx.params.producer}/`)]
        .map(([key]) => items.getProduct(ctx.state, key.slice(ctx.params.producer.length + 1)))
        .filter((p): p is Product => p !== undefined),
  } satisfies Query<TObject<{ producer: typeof IdentifierSchema }>, Product[]>;

  const batch = {
    name: 'batch',
    reads: { public: ['items/batches'] },
    resultSchema: Type.Union([BatchSchema, Type.Null()]),
    access: 'public',
    summary: 'A minted batch.',
    paramsSchema: Type.Object({ sku: SkuSchema, batch: BatchIdSchema }, { additionalProperties: false }),
    execute: (ctx) => items.getBatch(ctx.state, ctx.params.sku, ctx.params.batch) ?? null,
  } satisfies Query<TObject<{ sku: typeof SkuSchema; batch: typeof BatchIdSchema }>, Batch | null>;

  const batches = {
    name: 'batches',
    reads: { public: ['items/batches'] },
    resultSchema: Type.Array(BatchSchema),
    access: 'public',
    summary: "A product's minted batches, in batch id order.",
    paramsSchema: Type.Object({ sku: SkuSchema }, { additionalProperties: false }),
    execute: (ctx) => [...batchStore.entries(ctx.state, `${ctx.params.sku}/`)].map(([, value]) => value),
  } satisfies Query<TObject<{ sku: typeof SkuSchema }>, Batch[]>;

  const item = {
    name: 'item',
    reads: { public: ['items/batchTrace', 'items/products', 'items/items', 'items/batches', 'items/trace'] },
    access: 'public',
    summary: 'An item by code: product, batch, owner, custodian, status and its whole history.',
    paramsSchema: CodeParams,
    execute: (ctx) => view(ctx.state, ctx.params.code),
  } satisfies Query<typeof CodeParams, ItemView | null>;

  const verify = {
    name: 'verify',
    reads: {
      public: [
        'distribution/channels',
        'items/batchTrace',
        'items/products',
        'items/items',
        'items/batches',
        'items/trace',
      ],
    },
    access: 'public',
    summary:
      'Verify a scanned code: genuine, sold, or flagged (unknown, recalled, destroyed, sold to someone else, outside its channel or region).',
    paramsSchema: VerifyParams,
    execute: (ctx) => {
      const { code, claimedOwner, region } = ctx.params;
      const found = view(ctx.state, code);
      if (found === null)
        return { code, verdict: 'unknown', flags: ['unknown-code'], channel: null, item: null };
      const flags: VerificationFlag[] = [];
      if (found.batch.recalled) flags.push('recalled');
      if (found.state.status === 'destroyed') flags.push('destroyed');
      // Sent to a linked chain: its live record is there, this one is locked.
      if (found.state.status === 'abroad') flags.push('abroad');
      if (found.state.status === 'sold' && found.state.owner !== claimedOwner) {
        // Scanned for someone else, a code already sold is a copy of a real code: a clone. Scanned with
        // no owner named, the shopper is told it was sold: a copy offered as new is not new.
        flags.push(claimedOwner === undefined ? 'sold' : 'sold-to-another');
      }
      const channel =
        channels === undefined
          ? null
          : items.provenance(ctx.state, found, channels, {
              time: ctx.time,
              history: found.history,
              ...(region === undefined ? {} : { region }),
            });
      if (channel?.channel === 'outside-channel' || channel?.channel === 'outside-region') {
        flags.push(channel.channel);
      }
      const verdict = flags.some((f) => SUSPECT_FLAGS.has(f))
        ? 'suspect'
        : flags.includes('sold')
          ? 'sold'
          : 'genuine';
      return { code, verdict, flags, channel, item: found };
    },
  } satisfies Query<typeof VerifyParams, VerificationView>;

  return { product, products, batch, batches, item, verify };
}
