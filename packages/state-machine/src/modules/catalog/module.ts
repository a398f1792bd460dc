import {
  type Command,
  type Module,
  type Query,
  queryList,
  type StoreDescription,
} from '../../framework/module.js';
import { CreateSessionCommand } from './commands/createSession.js';
import { CreateListingCommand, UpdateListingCommand } from './commands/listings.js';
import type { DistributionForCatalog, IdentityForCatalog, ItemsForCatalog } from './expected.js';
import { CatalogMethod } from './method.js';
import { createCatalogQueries } from './queries.js';
import { CATALOG_MODULE } from './stores.js';

/**
 * The public catalogue: merchants' listings (one price for everyone, carriers, return policy, host
 * commission) with live stock, and live-stream sessions featuring listings. Search implementations rank
 * what this module serves; they never set a price.
 */
export class CatalogModule implements Module {
  readonly name = CATALOG_MODULE;
  readonly method = new CatalogMethod();
  readonly commands: readonly Command<any>[];
  readonly queries: readonly Query<any, any>[];
  readonly stores: readonly StoreDescription[] = [
    {
      name: 'listings',
      access: 'public',
      keyLayout: 'catalog/listings/<merchant>/<id>',
      summary: 'Listings.',
    },
    {
      name: 'bySku',
      access: 'public',
      keyLayout: 'catalog/bySku/<sku>/<merchant>/<id>',
      summary: 'Listings by product.',
    },
    {
      name: 'sessions',
      access: 'public',
      keyLayout: 'catalog/sessions/<host>/<id>',
      summary: 'Live-stream sessions.',
    },
  ];

  constructor(identity: IdentityForCatalog, items: ItemsForCatalog, distribution: DistributionForCatalog) {
    this.commands = [
      new CreateListingCommand(identity, items),
      new UpdateListingCommand(identity),
      new CreateSessionCommand(identity),
    ];
    this.queries = queryList(createCatalogQueries(items, distribution));
  }
}
