import { IdentifierSchema } from '@hanglian/core';
import { type TObject, Type } from '@sinclair/typebox';
import type { Query } from '../../framework/module.js';
import type { ItemsMethod } from './method.js';
import {
  type Batch,
  BatchIdSchema,
  batchStore,
  type ItemState,
  PartySchema,
  type Product,
  productsByProducerStore,
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

export type VerificationFlag = 'unknown-code' | 'recalled' | 'sold-to-another' | 'destroyed';

export interface VerificationView {
  code: string;
  /** `genuine`: minted, not recalled, and (when a claimed owner is given) owned by it or not yet sold. */
  verdict: 'genuine' | 'suspect' | 'unknown';
  flags: VerificationFlag[];
  item: ItemView | null;
}

const CodeParams = Type.Object({ code: Type.String({ maxLength: 200 }) }, { additionalProperties: false });
const VerifyParams = Type.Object(
  {
    code: Type.String({ maxLength: 200 }),
    /** Who the person scanning believes owns it (e.g. the order key that bought it). */
    claimedOwner: Type.Optional(PartySchema),
  },
  { additionalProperties: false },
);

export function createItemsQueries(items: ItemsMethod): Query<any, any>[] {
  const view = (state: Parameters<ItemsMethod['find']>[0], code: string): ItemView | null => {
    const item = items.find(state, code);
    if (item === undefined) return null;
    return { ...item, history: items.history(state, item) };
  };

  const product: Query<TObject<{ sku: typeof SkuSchema }>, Product | null> = {
    name: 'product',
    access: 'public',
    summary: 'A product by SKU.',
    paramsSchema: Type.Object({ sku: SkuSchema }, { additionalProperties: false }),
    execute: (ctx) => items.getProduct(ctx.state, ctx.params.sku) ?? null,
  };

  const products: Query<TObject<{ producer: typeof IdentifierSchema }>, Product[]> = {
    name: 'products',
    access: 'public',
    summary: "A producer's products.",
    paramsSchema: Type.Object({ producer: IdentifierSchema }, { additionalProperties: false }),
    execute: (ctx) =>
      [...productsByProducerStore.entries(ctx.state, `${ctx.params.producer}/`)]
        .map(([key]) => items.getProduct(ctx.state, key.slice(ctx.params.producer.length + 1)))
        .filter((p): p is Product => p !== undefined),
  };

  const batch: Query<TObject<{ sku: typeof SkuSchema; batch: typeof BatchIdSchema }>, Batch | null> = {
    name: 'batch',
    access: 'public',
    summary: 'A minted batch.',
    paramsSchema: Type.Object({ sku: SkuSchema, batch: BatchIdSchema }, { additionalProperties: false }),
    execute: (ctx) => items.getBatch(ctx.state, ctx.params.sku, ctx.params.batch) ?? null,
  };

  const batches: Query<TObject<{ sku: typeof SkuSchema }>, Batch[]> = {
    name: 'batches',
    access: 'public',
    summary: "A product's minted batches, in batch id order.",
    paramsSchema: Type.Object({ sku: SkuSchema }, { additionalProperties: false }),
    execute: (ctx) => [...batchStore.entries(ctx.state, `${ctx.params.sku}/`)].map(([, value]) => value),
  };

  const item: Query<typeof CodeParams, ItemView | null> = {
    name: 'item',
    access: 'public',
    summary: 'An item by code: product, batch, owner, custodian, status and its whole history.',
    paramsSchema: CodeParams,
    execute: (ctx) => view(ctx.state, ctx.params.code),
  };

  const verify: Query<typeof VerifyParams, VerificationView> = {
    name: 'verify',
    access: 'public',
    summary:
      'Verify a scanned code: genuine, or flagged (unknown, recalled, sold to someone else, destroyed).',
    paramsSchema: VerifyParams,
    execute: (ctx) => {
      const found = view(ctx.state, ctx.params.code);
      if (found === null)
        return { code: ctx.params.code, verdict: 'unknown', flags: ['unknown-code'], item: null };
      const flags: VerificationFlag[] = [];
      if (found.batch.recalled) flags.push('recalled');
      if (found.state.status === 'destroyed') flags.push('destroyed');
      const claimed = ctx.params.claimedOwner;
      // A code already sold to someone else, scanned by another buyer, is a copy of a real code: a clone.
      if (claimed !== undefined && found.state.status === 'sold' && found.state.owner !== claimed)
        flags.push('sold-to-another');
      return {
        code: ctx.params.code,
        verdict: flags.length === 0 ? 'genuine' : 'suspect',
        flags,
        item: found,
      };
    },
  };

  return [product, products, batch, batches, item, verify];
}
