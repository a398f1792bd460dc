import { bytesToHex, HanglianError, TextSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { ItemsErrors } from '../errors.js';
import { ItemsEvents } from '../events.js';
import type { IdentityForItems } from '../expected.js';
import type { ItemsMethod } from '../method.js';
import { BatchIdSchema, batchStore, MAX_BATCH_ITEMS, orgParty, SkuSchema } from '../stores.js';

export const MintBatchParamsSchema = Type.Object(
  {
    sku: SkuSchema,
    batch: BatchIdSchema,
    count: Type.Integer({ minimum: 1, maximum: MAX_BATCH_ITEMS }),
    site: TextSchema({ minChars: 1, maxChars: 128 }),
  },
  { additionalProperties: false },
);
export type MintBatchParams = Static<typeof MintBatchParamsSchema>;

/**
 * Mints the items `<sku>:<batch>:1` … `<sku>:<batch>:<count>` in one record, whatever the count: one code
 * per physical item (一物一码), each commissioned by the batch's event.
 */
export class MintBatchCommand implements Command<typeof MintBatchParamsSchema> {
  readonly name = 'mintBatch';
  readonly summary = 'Mint a batch of item codes (up to 1,000,000) of one product; its producer only.';
  readonly paramsSchema = MintBatchParamsSchema;
  readonly #identity: IdentityForItems;
  readonly #items: ItemsMethod;

  constructor(identity: IdentityForItems, items: ItemsMethod) {
    this.#identity = identity;
    this.#items = items;
  }

  execute(ctx: CommandContext<MintBatchParams>): void {
    const { sku, batch, count, site } = ctx.params;
    const product = this.#items.getProduct(ctx.state, sku);
    if (product === undefined)
      throw new HanglianError(ItemsErrors.ITEMS_UNKNOWN_PRODUCT, `no product ${sku}`);
    // A product that arrived from another chain is minted there, by its producer there.
    if (
      product.origin !== undefined ||
      this.#identity.orgOf(ctx.state, ctx.tx.submitter) !== product.producer
    ) {
      throw new HanglianError(ItemsErrors.ITEMS_NOT_PRODUCER, `only ${product.producer} mints ${sku}`);
    }
    if (batchStore.has(ctx.state, `${sku}/${batch}`)) {
      throw new HanglianError(ItemsErrors.ITEMS_BATCH_EXISTS, `batch ${batch} of ${sku} already exists`);
    }
    const record = { sku, batch, count, site, mintedAt: ctx.block.height, recalled: false };
    batchStore.set(ctx.state, `${sku}/${batch}`, record);
    this.#items.appendBatchEvent(ctx.state, record, 0, {
      bizStep: 'commissioning',
      disposition: 'in-stock',
      time: ctx.block.time,
      height: ctx.block.height,
      where: site,
      why: `batch ${batch}`,
      by: orgParty(product.producer),
      txId: bytesToHex(ctx.tx.id),
    });
    ctx.emit(
      ItemsEvents.batchMinted,
      { sku, batch, count, first: `${sku}:${batch}:1`, last: `${sku}:${batch}:${count}` },
      [sku, product.producer],
    );
  }
}
