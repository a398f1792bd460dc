/**
 * Builders for the items module's commands (packages/state-machine/src/modules/items/README.md): products,
 * batches minted as ranges of item codes (`<sku>:<batch>:<serial>`), trace events and recalls. A producer's
 * identity submits.
 */
import { definedOnly, type TxCall } from './call.js';

export interface RegisterProductParams {
  /** SKU or ISBN: lower-case letters, digits, `.`, `_`, `-`, at most 64 characters. */
  sku: string;
  /** 1..200 characters. */
  name: string;
  /** 1..64 characters (grants of purchase history are scoped by category). */
  category: string;
  /** Factory price in minor units of the settlement unit. */
  factoryPrice: number;
  /** At most 32 attributes (keys ≤ 64, values ≤ 256 characters). */
  attributes?: Record<string, string>;
}
export interface MintBatchParams {
  sku: string;
  /** Batch id: like a SKU, at most 32 characters. */
  batch: string;
  /** Copies in the batch, 1..1,000,000: serials 1..count, one record for the whole batch. */
  count: number;
  /** Where it was made (1..128 characters). */
  site: string;
}
/** Items named one by one (at most 500 codes), or a range of serials of one batch (at most 10,000). */
export type ItemSelection =
  | { codes: string[] }
  | { range: { sku: string; batch: string; from: number; to: number } };
export interface RecordEventParams {
  items: ItemSelection;
  /** What the owner or holder did (moves, sales and returns are recorded by the modules that make them). */
  bizStep: 'packing' | 'inspecting' | 'destroying';
  /** 1..128 characters. */
  where: string;
  /** At most 128 characters. */
  why: string;
}
export interface RecallBatchParams {
  sku: string;
  batch: string;
  /** 1..256 characters. */
  reason: string;
}

const call = <P extends object>(command: string, params: P): TxCall<P> => ({
  module: 'items',
  command,
  params: definedOnly(params),
});

export const items = {
  /**
   * A producer registers a product.
   *
   * @example
   * ```ts
   * items.registerProduct({ sku: 'isbn-9787020002207', name: '红楼梦', category: 'books', factoryPrice: 3_500 });
   * ```
   */
  registerProduct: (params: RegisterProductParams): TxCall<RegisterProductParams> =>
    call('registerProduct', params),
  /**
   * The producer mints a batch: one code per physical copy.
   *
   * @example
   * ```ts
   * items.mintBatch({ sku: 'isbn-9787020002207', batch: 'b2026-11', count: 10_000, site: 'Shanghai' });
   * ```
   */
  mintBatch: (params: MintBatchParams): TxCall<MintBatchParams> => call('mintBatch', params),
  /**
   * The owner or holder of items records a trace event (packing, inspection, destruction).
   *
   * @example
   * ```ts
   * items.recordEvent({
   *   items: { range: { sku: 'isbn-9787020002207', batch: 'b2026-11', from: 1, to: 200 } },
   *   bizStep: 'packing',
   *   where: 'dock 3',
   *   why: 'wholesale order 001',
   * });
   * ```
   */
  recordEvent: (params: RecordEventParams): TxCall<RecordEventParams> => call('recordEvent', params),
  /**
   * The producer recalls a batch: open orders holding its items are refunded.
   *
   * @example
   * ```ts
   * items.recallBatch({ sku: 'isbn-9787020002207', batch: 'b2026-11', reason: 'misprinted chapter 12' });
   * ```
   */
  recallBatch: (params: RecallBatchParams): TxCall<RecallBatchParams> => call('recallBatch', params),
} as const;
