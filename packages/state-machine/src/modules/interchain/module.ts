import {
  type Command,
  type Module,
  type Query,
  queryList,
  type StoreDescription,
} from '../../framework/module.js';
import { AcknowledgeCommand } from './commands/acknowledge.js';
import { ReceivePacketCommand } from './commands/receive.js';
import { SendCommand } from './commands/send.js';
import type { IdentityForInterchain, InterchainApp, LightClientsForInterchain } from './expected.js';
import { InterchainMethod } from './method.js';
import { interchainQueries } from './queries.js';
import { INTERCHAIN_MODULE } from './stores.js';

export interface InterchainModuleDependencies {
  readonly identity: IdentityForInterchain;
  readonly lightClients: LightClientsForInterchain;
  /** Modules that take or send messages, by name (`orders` takes proven deliveries). */
  readonly apps: Readonly<Record<string, InterchainApp>>;
  /** The method, when modules built before this one send packets through it (items). */
  readonly method?: InterchainMethod;
}

/**
 * Verified messages between linked chains (docs/brief.md §6, in the model of IBC): packets written to the
 * source's state, carried by untrusted relayers with state proofs, received once and in order by the
 * named module, and acknowledged back. See README.md.
 */
export class InterchainModule implements Module {
  readonly name = INTERCHAIN_MODULE;
  readonly method: InterchainMethod;
  readonly commands: readonly Command<any>[];
  readonly queries: readonly Query<any, any>[] = queryList(interchainQueries);
  readonly stores: readonly StoreDescription[] = [
    {
      name: 'outbox',
      access: 'public',
      keyLayout: 'interchain/outbox/<destChain>/<sequence:15 digits>',
      summary: 'Messages sent, as written (never changed).',
    },
    {
      name: 'outboxStatus',
      access: 'public',
      keyLayout: 'interchain/outboxStatus/<destChain>/<sequence:15 digits>',
      summary: 'What became of each message sent.',
    },
    {
      name: 'receipts',
      access: 'public',
      keyLayout: 'interchain/receipts/<sourceChain>/<sequence:15 digits>',
      summary: 'One receipt per message received.',
    },
    {
      name: 'sequences',
      access: 'public',
      keyLayout: 'interchain/sequences/<chainId>',
      summary: 'Next sequence to send to and to receive from each chain.',
    },
  ];

  constructor(deps: InterchainModuleDependencies) {
    this.method = deps.method ?? new InterchainMethod(deps.lightClients);
    this.commands = [
      new SendCommand(deps.identity, this.method),
      new ReceivePacketCommand(deps.lightClients, deps.apps),
      new AcknowledgeCommand(deps.lightClients, deps.apps),
    ];
  }
}
