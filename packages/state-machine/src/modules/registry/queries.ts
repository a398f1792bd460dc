import { AddressSchema, UintSchema } from '@hanglian/core';
import { Type } from '@sinclair/typebox';
import type { Query } from '../../framework/module.js';
import { PublicStateView } from '../../framework/publicState.js';
import type { ContractOutcome } from './calls.js';
import { CONFORMANCE_CALLER } from './calls.js';
import type { ContractExecutor } from './executor.js';
import type { SettlementForRegistry } from './expected.js';
import { type RegistryMethod, runReadOnlyCall } from './method.js';
import { registryParameters } from './standards.js';
import {
  CodeHashSchema,
  type DeployedCode,
  type Implementation,
  ImplementationIdSchema,
  MethodNameSchema,
  type RegistryParameters,
  type Standard,
  StandardIdSchema,
} from './stores.js';

const NoParams = Type.Object({}, { additionalProperties: false });
const StandardParams = Type.Object({ id: StandardIdSchema }, { additionalProperties: false });
const ImplementationParams = Type.Object({ id: ImplementationIdSchema }, { additionalProperties: false });
const ImplementationsParams = Type.Object(
  { standard: Type.Optional(StandardIdSchema) },
  { additionalProperties: false },
);
const CodeParams = Type.Object({ hash: CodeHashSchema }, { additionalProperties: false });
const ContractStateParams = Type.Object(
  { implementation: ImplementationIdSchema, key: Type.String({ maxLength: 256 }) },
  { additionalProperties: false },
);
export const CallReadOnlyParamsSchema = Type.Object(
  {
    implementation: ImplementationIdSchema,
    method: MethodNameSchema,
    args: Type.Array(Type.Unknown(), { maxItems: 16 }),
    /** Who the contract sees as `chain.caller`; default a fixed anonymous address. */
    caller: Type.Optional(AddressSchema),
    /** What the contract sees as `chain.time` (a query has no block); default 0. */
    time: Type.Optional(UintSchema),
  },
  { additionalProperties: false },
);

export type ReadOnlyCallView = ContractOutcome & { implementation: string; codeHash: string };

export function createRegistryQueries(
  registry: RegistryMethod,
  settlement: SettlementForRegistry,
  executor: () => ContractExecutor,
  /** This node's own cap on a read-only call's gas, below the chain's `queryGasLimit` (default: none). */
  queryGasCap = Number.POSITIVE_INFINITY,
) {
  const standard = {
    name: 'standard',
    reads: { public: ['registry/standards'] },
    access: 'public',
    summary: 'One standard (methods, schemas, events, behaviour, vectors), or null.',
    paramsSchema: StandardParams,
    execute: (ctx) => registry.getStandard(ctx.state, ctx.params.id) ?? null,
  } satisfies Query<typeof StandardParams, Standard | null>;
  const standards = {
    name: 'standards',
    reads: { public: ['registry/standards'] },
    access: 'public',
    summary: 'Every registered standard.',
    paramsSchema: NoParams,
    execute: (ctx) => registry.listStandards(ctx.state),
  } satisfies Query<typeof NoParams, Standard[]>;
  const implementation = {
    name: 'implementation',
    reads: { public: ['registry/implementations'] },
    access: 'public',
    summary: 'One implementation (standard, code hash, owner, account), or null.',
    paramsSchema: ImplementationParams,
    execute: (ctx) => registry.getImplementation(ctx.state, ctx.params.id) ?? null,
  } satisfies Query<typeof ImplementationParams, Implementation | null>;
  const implementations = {
    name: 'implementations',
    reads: { public: ['registry/byStandard', 'registry/implementations'] },
    access: 'public',
    summary: 'Implementations of a standard (or all), by id.',
    paramsSchema: ImplementationsParams,
    execute: (ctx) => registry.listImplementations(ctx.state, ctx.params.standard),
  } satisfies Query<typeof ImplementationsParams, Implementation[]>;
  const code = {
    name: 'code',
    reads: { public: ['registry/code'] },
    access: 'public',
    summary: 'Deployed code with its source (a wallet fetches it to run read-only calls locally), or null.',
    paramsSchema: CodeParams,
    execute: (ctx) => registry.getCode(ctx.state, ctx.params.hash) ?? null,
  } satisfies Query<typeof CodeParams, DeployedCode | null>;
  const contractState = {
    name: 'contractState',
    reads: { members: ['registry/state'] },
    summary: 'One value of an implementation’s own state, with the chain key that proves it.',
    paramsSchema: ContractStateParams,
    execute: (ctx) => {
      const stateKey = registry.contractStateKey(ctx.params.implementation, ctx.params.key);
      const value = ctx.state.get(Buffer.from(stateKey, 'utf8'));
      return { key: stateKey, value: value === undefined ? null : Buffer.from(value).toString('utf8') };
    },
  } satisfies Query<typeof ContractStateParams, { key: string; value: string | null }>;
  const parameters = {
    name: 'parameters',
    reads: { public: ['registry/params'] },
    access: 'public',
    summary: 'The registry parameters (deployment policy, size and gas limits).',
    paramsSchema: NoParams,
    execute: (ctx) => registryParameters(ctx.state),
  } satisfies Query<typeof NoParams, RegistryParameters>;
  const callReadOnly = {
    name: 'callReadOnly',
    reads: {
      public: ['registry/code', 'registry/implementations', 'registry/params', 'registry/standards'],
      members: ['registry/state', 'settlement/balances'],
    },
    access: 'public',
    summary: 'Run a method read-only (no consensus, gas-capped); writes fail with CONTRACT_READ_ONLY.',
    paramsSchema: CallReadOnlyParamsSchema,
    runsContracts: true,
    execute: (ctx) => {
      const deployment = registry.requireDeployment(ctx.state, ctx.params.implementation);
      const params = registryParameters(ctx.state);
      const outcome = runReadOnlyCall({
        executor: executor(),
        deployment,
        state: ctx.state,
        settlement,
        method: ctx.params.method,
        args: ctx.params.args,
        caller: ctx.params.caller ?? CONFORMANCE_CALLER,
        height: ctx.height,
        time: ctx.params.time ?? 0,
        gasLimit: Math.min(params.queryGasLimit, queryGasCap),
        memoryLimitBytes: params.memoryLimitBytes,
      });
      // Answered to the public, the contract could not read members-only state (its own, or balances):
      // the whole answer is refused rather than computed from what it could not see.
      if (ctx.state instanceof PublicStateView && ctx.state.refused !== undefined) throw ctx.state.refused;
      return { ...outcome, implementation: deployment.implementation.id, codeHash: deployment.code.hash };
    },
  } satisfies Query<typeof CallReadOnlyParamsSchema, ReadOnlyCallView>;
  return {
    standard,
    standards,
    implementation,
    implementations,
    code,
    contractState,
    parameters,
    callReadOnly,
  };
}
