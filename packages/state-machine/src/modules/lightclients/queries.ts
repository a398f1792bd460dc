import { ChainIdSchema, UintSchema } from '@hanglian/core';
import { Type } from '@sinclair/typebox';
import type { Query } from '../../framework/module.js';
import {
  type ClientState,
  type ConsensusState,
  clientStore,
  consensusKey,
  consensusStore,
  type LightClientParameters,
  lightClientParameters,
  type Misbehaviour,
  misbehaviourStore,
} from './stores.js';

/** Queries of the lightclients module: all public (what a chain trusts of another is no secret). */
export const lightClientQueries = {
  client: {
    name: 'client',
    reads: { public: ['lightclients/clients'] },
    access: 'public',
    summary: 'The light client of a chain, or null.',
    paramsSchema: Type.Object({ chainId: ChainIdSchema }, { additionalProperties: false }),
    execute: (ctx): ClientState | null =>
      clientStore.get(ctx.state, (ctx.params as { chainId: string }).chainId) ?? null,
  } satisfies Query<any, ClientState | null>,
  clients: {
    name: 'clients',
    reads: { public: ['lightclients/clients'] },
    access: 'public',
    summary: 'Every light client, by chain id.',
    paramsSchema: Type.Object({}, { additionalProperties: false }),
    execute: (ctx): ClientState[] => [...clientStore.entries(ctx.state)].map(([, c]) => c),
  } satisfies Query<any, ClientState[]>,
  consensusState: {
    name: 'consensusState',
    reads: { public: ['lightclients/consensus'] },
    access: 'public',
    summary: 'What a verified header of a chain says (time, hash, state root), or null.',
    paramsSchema: Type.Object(
      { chainId: ChainIdSchema, height: UintSchema },
      { additionalProperties: false },
    ),
    execute: (ctx): ConsensusState | null => {
      const { chainId, height } = ctx.params as { chainId: string; height: number };
      return consensusStore.get(ctx.state, consensusKey(chainId, height)) ?? null;
    },
  } satisfies Query<any, ConsensusState | null>,
  misbehaviour: {
    name: 'misbehaviour',
    reads: { public: ['lightclients/misbehaviour'] },
    access: 'public',
    summary: 'Proven misbehaviour of a chain (two valid headers of one height).',
    paramsSchema: Type.Object({ chainId: ChainIdSchema }, { additionalProperties: false }),
    execute: (ctx): Misbehaviour[] =>
      [...misbehaviourStore.entries(ctx.state, `${(ctx.params as { chainId: string }).chainId}/`)].map(
        ([, m]) => m,
      ),
  } satisfies Query<any, Misbehaviour[]>,
  parameters: {
    name: 'parameters',
    reads: { public: ['lightclients/params'] },
    access: 'public',
    summary: 'Parameters of the lightclients module.',
    paramsSchema: Type.Object({}, { additionalProperties: false }),
    execute: (ctx): LightClientParameters => lightClientParameters(ctx.state),
  } satisfies Query<any, LightClientParameters>,
};
