import { bytesToHex, HanglianError, TextSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { ItemsErrors } from '../errors.js';
import { ItemsEvents } from '../events.js';
import type { IdentityForItems } from '../expected.js';
import type { ItemsMethod } from '../method.js';
import { BatchIdSchema, batchStore, batchTraceStore, orgParty, SkuSchema } from '../stores.js';

export const RecallBatchParamsSchema = Type.Object(
  {
    sku: SkuSchema,
    batch: BatchIdSchema,
    reason: TextSchema({ minChars: 1, maxChars: 256, multiline: true }),
  },
  { additionalProperties: false },
);
export type RecallBatchParams = Static<typeof RecallBatchParamsSchema>;

/**
 * The producer recalls a whole batch: every item of it verifies as recalled from now on, and stops moving
 * except back (returns) or out (destruction). Orders holding its items react through the orders module.
 */
export class RecallBatchCommand implements Command<typeof RecallBatchParamsSchema> {
  readonly name = 'recallBatch';
  readonly summary = 'Recall a batch (its producer only): its items verify as recalled and stop moving.';
  readonly paramsSchema = RecallBatchParamsSchema;
  readonly #identity: IdentityForItems;
  readonly #items: ItemsMethod;

  constructor(identity: IdentityForItems, items: ItemsMethod) {
    this.#identity = identity;
    this.#items = items;
  }

  execute(ctx: CommandContext<RecallBatchParams>): void {
    const { sku, batch, reason } = ctx.params;
    const product = this.#items.getProduct(ctx.state, sku);
    const record = this.#items.getBatch(ctx.state, sku, batch);
    if (product === undefined || record === undefined) {
      throw new HanglianError(ItemsErrors.ITEMS_UNKNOWN_PRODUCT, `no batch ${batch} of ${sku}`);
    }
    if (this.#identity.orgOf(ctx.state, ctx.tx.submitter) !== product.producer) {
      throw new HanglianError(ItemsErrors.ITEMS_NOT_PRODUCER, `only ${product.producer} recalls ${sku}`);
    }
    if (record.recalled)
      throw new HanglianError(ItemsErrors.ITEMS_RECALLED, `batch ${batch} of ${sku} is already recalled`);
    const updated = { ...record, recalled: true, recallReason: reason };
    batchStore.set(ctx.state, `${sku}/${batch}`, updated);
    const sequence = [...batchTraceStore.entries(ctx.state, `${sku}/${batch}/`)].length;
    this.#items.appendBatchEvent(ctx.state, updated, sequence, {
      bizStep: 'recalling',
      disposition: 'recalled',
      time: ctx.block.time,
      height: ctx.block.height,
      where: record.site,
      why: reason,
      by: orgParty(product.producer),
      txId: bytesToHex(ctx.tx.id),
    });
    ctx.emit(ItemsEvents.batchRecalled, { sku, batch, reason, count: record.count }, [sku, product.producer]);
  }
}
