/**
 * Builders for the items module's commands (packages/state-machine/src/modules/items/README.md): products,
 * batches minted as ranges of item codes (`<sku>:<batch>:<serial>`), trace events and recalls. A producer's
 * identity submits.
 */
import type * as Chain from '@hanglian/state-machine/client';
import { definedOnly, type TxCall } from './call.js';

export type RegisterProductParams = Chain.RegisterProductParams;
export type MintBatchParams = Chain.MintBatchParams;
/** Items named one by one (at most 500 codes), or a range of serials of one batch (at most 10,000). */
export type ItemSelection =
  | { codes: string[] }
  | { range: { sku: string; batch: string; from: number; to: number } };
export type RecordEventParams = Chain.RecordEventParams;
export type RecallBatchParams = Chain.RecallBatchParams;

const call = <P extends object>(command: string, params: P): TxCall<P> => ({
  module: 'items',
  command,
  params: definedOnly(params),
});

export interface SendAcrossParams {
  /** At most 50 codes, each in stock, owned and held by the sender. */
  codes: string[];
  destChain: string;
  /** The receiving organisation on that chain. */
  to: string;
  timeoutHeight?: number;
  timeoutTime?: number;
}

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
  /**
   * The owner and holder of items in stock sends them to an organisation of a linked chain: locked here
   * (`abroad`) while they live there; a refusal or a timeout brings them back (items README).
   *
   * @example
   * ```ts
   * items.sendAcross({ codes: ['isbn-9787020002207:b2026-11:7'], destChain: 'logistics', to: 'carrier-a', timeoutHeight: 100_000 });
   * ```
   */
  sendAcross: (params: SendAcrossParams): TxCall<SendAcrossParams> => call('sendAcross', params),
} as const;
