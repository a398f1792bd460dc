import { type Static, Type } from '@sinclair/typebox';
import {
  type Command,
  type GenesisContext,
  type Module,
  type Query,
  queryList,
  type StoreDescription,
} from '../../framework/module.js';
import { GrantCommand } from './commands/grant.js';
import { RevokeCommand } from './commands/revoke.js';
import type { IdentityForPrivacy } from './expected.js';
import { PrivacyMethod } from './method.js';
import { privacyQueries } from './queries.js';
import {
  DEFAULT_PRIVACY_PARAMETERS,
  PRIVACY_MODULE,
  PrivacyParametersSchema,
  privacyParamsStore,
} from './stores.js';

export const PrivacyGenesisSchema = Type.Object(
  { parameters: Type.Optional(Type.Partial(PrivacyParametersSchema, { additionalProperties: false })) },
  { additionalProperties: false },
);
export type PrivacyGenesis = Static<typeof PrivacyGenesisSchema>;

/**
 * Purchase history belongs to the consumer (docs/brief.md §1 item 5, §2): grants of a scoped part of it to an
 * organisation, for a purpose, until an expiry, revocable. The sharing itself happens off chain (SDK
 * share packages); the chain records who may receive what, and when that ends. See README.md.
 */
export class PrivacyModule implements Module {
  readonly name = PRIVACY_MODULE;
  readonly method = new PrivacyMethod();
  readonly commands: readonly Command<any>[];
  readonly queries: readonly Query<any, any>[] = queryList(privacyQueries);
  readonly genesisSchema = PrivacyGenesisSchema;
  readonly stores: readonly StoreDescription[] = [
    {
      name: 'grants',
      access: 'public',
      keyLayout: 'privacy/grants/<grant key address>',
      summary: 'Grants and their status.',
    },
    { name: 'byGrantee', keyLayout: 'privacy/byGrantee/<org>/<grant>', summary: 'Grants by grantee.' },
    { name: 'params', access: 'public', keyLayout: 'privacy/params/current', summary: 'The longest grant.' },
  ];

  constructor(identity: IdentityForPrivacy) {
    this.commands = [new GrantCommand(identity), new RevokeCommand()];
  }

  /** `genesis` passed `genesisSchema` already: the state machine checks every module's section once. */
  initGenesis(ctx: GenesisContext, genesis: PrivacyGenesis): void {
    if (genesis.parameters !== undefined) {
      privacyParamsStore.set(ctx.state, 'current', { ...DEFAULT_PRIVACY_PARAMETERS, ...genesis.parameters });
    }
  }
}
