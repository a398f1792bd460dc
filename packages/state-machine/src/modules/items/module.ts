import {
  type BlockHookContext,
  type Command,
  type Module,
  type Query,
  queryList,
  type StoreDescription,
} from '../../framework/module.js';
import { MintBatchCommand } from './commands/mintBatch.js';
import { RecallBatchCommand } from './commands/recallBatch.js';
import { RecordEventCommand } from './commands/recordEvent.js';
import { RegisterProductCommand } from './commands/registerProduct.js';
import { ItemsEvents } from './events.js';
import type { ChannelsForItems, IdentityForItems, ItemsLinks } from './expected.js';
import { ItemsInterchainApp, SendAcrossCommand } from './interchain.js';
import { ItemsMethod } from './method.js';
import { createItemsQueries } from './queries.js';
import { ITEMS_MODULE, STOCK_INDEX_UPGRADE } from './stores.js';

/**
 * One code per physical item (一物一码): products, batches minted as ranges, the state of each item
 * (owner, custodian, status) and its traceability history. Other modules move items through `method`.
 */
export class ItemsModule implements Module {
  readonly name = ITEMS_MODULE;
  readonly method = new ItemsMethod();
  readonly commands: readonly Command<any>[];
  readonly queries: readonly Query<any, any>[];
  readonly stores: readonly StoreDescription[] = [
    {
      name: 'products',
      access: 'public',
      keyLayout: 'items/products/<sku>',
      summary: 'Registered products.',
    },
    {
      name: 'byProducer',
      access: 'public',
      keyLayout: 'items/byProducer/<org>/<sku>',
      summary: "Index of a producer's products.",
    },
    {
      name: 'batches',
      access: 'public',
      keyLayout: 'items/batches/<sku>/<batch>',
      summary: 'Minted batches (one record per batch).',
    },
    {
      name: 'items',
      access: 'public',
      keyLayout: 'items/items/<sku>:<batch>:<serial>',
      summary: 'Items that have changed since minting.',
    },
    {
      name: 'trace',
      access: 'public',
      keyLayout: 'items/trace/<code>/<seq:10 digits>',
      summary: 'Item-level traceability events.',
    },
    {
      name: 'batchTrace',
      access: 'public',
      keyLayout: 'items/batchTrace/<sku>/<batch>/<seq:10 digits>',
      summary: 'Batch events.',
    },
    {
      // As public as the items it indexes (each item's owner is public): the catalogue's stock is a count.
      name: 'holdings',
      access: 'public',
      keyLayout: 'items/holdings/<owner party>/<sku>/<code>',
      summary: 'Items that left their producer, by owner, with their status (until the stock-index upgrade).',
    },
    {
      name: 'held',
      access: 'public',
      keyLayout: 'items/held/<owner party>/<sku>/<status>/<code>',
      summary:
        "Items that left their producer, by owner and status (from the stock-index upgrade): a merchant's stock is one prefix.",
    },
  ];
  /** The stock-index upgrade moves the owner index under each item's status (`ItemsMethod.moveHoldingsToHeld`). */
  readonly migrations = {
    [STOCK_INDEX_UPGRADE]: (ctx: BlockHookContext): void => {
      const moved = this.method.moveHoldingsToHeld(ctx.state);
      ctx.emit(ItemsEvents.holdingsMoved, { upgrade: STOCK_INDEX_UPGRADE, moved });
    },
  };

  /**
   * `channels` judges an item's position against its producer's channels (the distribution module's
   * method, wired by the kernel), so that a verification reports 串货 by itself.
   */
  /** Takes items arriving from linked chains (present when the kernel wires interchain). */
  readonly interchain: ItemsInterchainApp | undefined;

  constructor(identity: IdentityForItems, channels?: ChannelsForItems, links?: ItemsLinks) {
    this.queries = queryList(createItemsQueries(this.method, channels));
    this.interchain =
      links === undefined ? undefined : new ItemsInterchainApp(this.method, links.organisationIsActive);
    this.commands = [
      new RegisterProductCommand(identity),
      new MintBatchCommand(identity, this.method),
      new RecordEventCommand(identity, this.method),
      new RecallBatchCommand(identity, this.method),
      ...(links === undefined ? [] : [new SendAcrossCommand(identity, this.method, links.interchain)]),
    ];
  }
}
