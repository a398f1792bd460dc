import { HanglianError } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { ExecutionErrors } from '../../framework/errors.js';
import {
  type Command,
  type GenesisContext,
  type Module,
  type Query,
  queryList,
  type StoreDescription,
} from '../../framework/module.js';
import { IdentityMethod } from '../identity/method.js';
import { SettlementMethod } from '../settlement/method.js';
import { CallCommand } from './commands/call.js';
import { DeployCodeCommand } from './commands/deployCode.js';
import { RegisterImplementationCommand } from './commands/registerImplementation.js';
import { ContractExecutionThread } from './executionThread.js';
import type { ContractExecutor } from './executor.js';
import type { IdentityForRegistry, SettlementForRegistry } from './expected.js';
import { RegistryMethod } from './method.js';
import { createRegistryQueries } from './queries.js';
import { registerStandard, setRegistryParameters } from './standards.js';
import { REGISTRY_MODULE, RegistryParametersSchema, StandardDefinitionSchema } from './stores.js';

/** Optional: a network may start with standards and a policy instead of voting them in at height 1. */
export const RegistryGenesisSchema = Type.Object(
  {
    parameters: Type.Optional(Type.Partial(RegistryParametersSchema, { additionalProperties: false })),
    standards: Type.Optional(Type.Array(StandardDefinitionSchema, { maxItems: 256 })),
  },
  { additionalProperties: false },
);
export type RegistryGenesis = Static<typeof RegistryGenesisSchema>;

export interface RegistryModuleOptions {
  /** Default: stateless kernel methods of their own (they are pure functions of a state). */
  readonly identity?: IdentityForRegistry;
  readonly settlement?: SettlementForRegistry;
  /**
   * Where contract code runs. Default: a `ContractExecutionThread` (a Worker with an 8 MiB native stack,
   * started at the first call); see docs/decisions/0005-contract-execution-thread.md.
   */
  readonly executor?: ContractExecutor;
  /**
   * A node's own cap on the gas of a read-only call (`callReadOnly`), below the chain's `queryGasLimit`:
   * queries are not consensus, so each node may spend less on strangers' requests. Default: none.
   */
  readonly queryGasCap?: number;
}

/**
 * The standards registry: standards (added by governance), deployed code, implementations that passed
 * their standard's conformance vectors, and calls into them in the deterministic, metered sandbox.
 */
export class RegistryModule implements Module {
  readonly name = REGISTRY_MODULE;
  readonly genesisSchema = RegistryGenesisSchema;
  readonly method = new RegistryMethod();
  readonly commands: readonly Command<any>[];
  readonly queries: readonly Query<any, any>[];
  readonly stores: readonly StoreDescription[] = [
    {
      name: 'params',
      access: 'public',
      keyLayout: 'registry/params/current',
      summary: 'Deployment policy and limits.',
    },
    {
      name: 'standards',
      access: 'public',
      keyLayout: 'registry/standards/<standardId>',
      summary: 'Registered standards.',
    },
    {
      name: 'code',
      access: 'public',
      keyLayout: 'registry/code/<sha256 hex>',
      summary: 'Deployed contract bundles.',
    },
    {
      name: 'implementations',
      access: 'public',
      keyLayout: 'registry/implementations/<implId>',
      summary: 'Implementations.',
    },
    {
      name: 'byStandard',
      access: 'public',
      keyLayout: 'registry/byStandard/<standardId>/<implId>',
      summary: 'Index of implementations per standard.',
    },
    { name: 'state', keyLayout: 'registry/state/<implId>/<key>', summary: 'Contract state, raw UTF-8.' },
  ];
  readonly executor: ContractExecutor;

  constructor(options: RegistryModuleOptions = {}) {
    const identity = options.identity ?? new IdentityMethod();
    const settlement = options.settlement ?? new SettlementMethod();
    this.executor = options.executor ?? new ContractExecutionThread();
    const executor = () => this.executor;
    this.commands = [
      new DeployCodeCommand(identity),
      new RegisterImplementationCommand(identity, settlement, executor),
      new CallCommand(this.method, settlement, executor),
    ];
    this.queries = queryList(createRegistryQueries(this.method, settlement, executor, options.queryGasCap));
  }

  /** `genesis` passed `genesisSchema` already: the state machine checks every module's section once. */
  initGenesis(ctx: GenesisContext, genesis: RegistryGenesis): void {
    try {
      if (genesis.parameters !== undefined) setRegistryParameters(ctx.state, genesis.parameters);
      for (const standard of genesis.standards ?? []) registerStandard(ctx.state, standard, 0);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new HanglianError(ExecutionErrors.GENESIS_INVALID, `genesis of registry: ${message}`, {
        cause: error,
      });
    }
  }
}
