import {
  type Command,
  type Module,
  type Query,
  queryList,
  type StoreDescription,
} from '../../framework/module.js';
import { AuthoriseChannelCommand, RevokeChannelCommand } from './commands/authoriseChannel.js';
import { ReceiveCommand } from './commands/receive.js';
import { ShipCommand } from './commands/ship.js';
import type { IdentityForDistribution, ItemsForDistribution } from './expected.js';
import { DistributionMethod } from './method.js';
import { createDistributionQueries } from './queries.js';
import { DISTRIBUTION_MODULE } from './stores.js';

/**
 * Wholesale between organisations: producers authorise channels (products, regions, until), and named
 * items move by shipment (send, then receive-confirm) so that ownership follows custody one item at a time.
 */
export class DistributionModule implements Module {
  readonly name = DISTRIBUTION_MODULE;
  readonly method: DistributionMethod;
  readonly commands: readonly Command<any>[];
  readonly queries: readonly Query<any, any>[];
  readonly stores: readonly StoreDescription[] = [
    {
      name: 'channels',
      access: 'public',
      keyLayout: 'distribution/channels/<producer>/<org>',
      summary: 'Channel authorisations.',
    },
    {
      name: 'shipments',
      keyLayout: 'distribution/shipments/<from>/<id>',
      summary: 'Shipments between organisations.',
    },
    {
      name: 'byReceiver',
      keyLayout: 'distribution/byReceiver/<to>/<from>/<id>',
      summary: 'Index of the shipments addressed to an organisation (written by ship).',
    },
  ];

  /** `method` may be given when another module (items' verification) was built with it first. */
  constructor(
    identity: IdentityForDistribution,
    items: ItemsForDistribution,
    method: DistributionMethod = new DistributionMethod(),
  ) {
    this.method = method;
    this.commands = [
      new AuthoriseChannelCommand(identity),
      new RevokeChannelCommand(identity),
      new ShipCommand(identity, items),
      new ReceiveCommand(identity, items),
    ];
    this.queries = queryList(createDistributionQueries(items, this.method));
  }
}
