import type { CryptoSuite } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import {
  type Command,
  type GenesisContext,
  type Module,
  type Query,
  queryList,
  type StoreDescription,
} from '../../framework/module.js';
import { SubmitMisbehaviourCommand } from './commands/submitMisbehaviour.js';
import { UpdateCommand } from './commands/update.js';
import { LightClientMethod } from './method.js';
import { lightClientQueries } from './queries.js';
import {
  DEFAULT_LIGHTCLIENT_PARAMETERS,
  LIGHTCLIENTS_MODULE,
  LightClientParametersSchema,
  lightClientParamsStore,
} from './stores.js';

export const LightClientsGenesisSchema = Type.Object(
  {
    parameters: Type.Optional(Type.Partial(LightClientParametersSchema, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type LightClientsGenesis = Static<typeof LightClientsGenesisSchema>;

/**
 * Light clients of other Hanglian chains, on chain (docs/brief.md §6 "Linked chains"): governance admits a
 * chain with a trusted start; anyone submits its headers with their commit certificates; verified state
 * roots let the interchain module check proofs of that chain's state. See README.md.
 */
export class LightClientsModule implements Module {
  readonly name = LIGHTCLIENTS_MODULE;
  readonly method = new LightClientMethod();
  readonly commands: readonly Command<any>[];
  readonly queries: readonly Query<any, any>[] = queryList(lightClientQueries);
  readonly genesisSchema = LightClientsGenesisSchema;
  readonly stores: readonly StoreDescription[] = [
    {
      name: 'clients',
      access: 'public',
      keyLayout: 'lightclients/clients/<chainId>',
      summary: 'Each admitted chain: trusting period, latest height, status.',
    },
    {
      name: 'consensus',
      access: 'public',
      keyLayout: 'lightclients/consensus/<chainId>/<height:15 digits>',
      summary: 'Verified headers: time, hash, state root, next validator set hash.',
    },
    {
      name: 'validatorSets',
      access: 'public',
      keyLayout: 'lightclients/validatorSets/<chainId>/<set hash hex>',
      summary: 'Validator sets of other chains seen in verified headers.',
    },
    {
      name: 'misbehaviour',
      access: 'public',
      keyLayout: 'lightclients/misbehaviour/<chainId>/<height:15 digits>',
      summary: 'Proven forks of other chains (evidence).',
    },
    {
      name: 'params',
      access: 'public',
      keyLayout: 'lightclients/params/current',
      summary: 'Bounds on admissions.',
    },
  ];

  constructor(suite: CryptoSuite) {
    this.commands = [new UpdateCommand(suite), new SubmitMisbehaviourCommand(suite)];
  }

  /** `genesis` passed `genesisSchema` already: the state machine checks every module's section once. */
  initGenesis(ctx: GenesisContext, genesis: LightClientsGenesis): void {
    if (genesis.parameters !== undefined) {
      lightClientParamsStore.set(ctx.state, 'current', {
        ...DEFAULT_LIGHTCLIENT_PARAMETERS,
        ...genesis.parameters,
      });
    }
  }
}
