import { UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Query } from '../../framework/module.js';
import { appliedUpgrades } from '../../framework/upgrades.js';
import type { GovernanceMethod } from './method.js';
import {
  type GovernanceParameters,
  GovernanceParametersSchema,
  openProposalStore,
  type Proposal,
  ProposalSchema,
  ProposalStatusSchema,
  proposalStore,
  type UpgradePlan,
  UpgradePlanSchema,
  type Validator,
} from './stores.js';
import { pendingChanges } from './validators.js';

const ProposalParams = Type.Object({ id: UintSchema }, { additionalProperties: false });
const ProposalsParams = Type.Object(
  {
    status: Type.Optional(ProposalStatusSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
const NoParams = Type.Object({}, { additionalProperties: false });

export interface ValidatorsView {
  /** Signs the next block. */
  current: Validator[];
  /** Signs the block after it. */
  next: Validator[];
  /** Approved changes that reach `next` at the end of the current block. */
  pending: Array<{ publicKey: Uint8Array; power: number; org: string }>;
}

const UpgradesViewSchema = Type.Object(
  {
    applied: Type.Array(
      Type.Object({ name: Type.String(), height: UintSchema }, { additionalProperties: false }),
    ),
    scheduled: Type.Union([UpgradePlanSchema, Type.Null()]),
  },
  { additionalProperties: false },
);
/** What `governance.upgrades` answers. */
export type UpgradesView = Static<typeof UpgradesViewSchema>;

export function createGovernanceQueries(governance: GovernanceMethod) {
  const proposal = {
    name: 'proposal',
    reads: { public: ['governance/proposals'] },
    resultSchema: Type.Union([ProposalSchema, Type.Null()]),
    access: 'public',
    summary: 'One proposal by id, or null.',
    paramsSchema: ProposalParams,
    execute: (ctx) => governance.getProposal(ctx.state, ctx.params.id) ?? null,
  } satisfies Query<typeof ProposalParams, Proposal | null>;
  const proposals = {
    name: 'proposals',
    reads: { public: ['governance/open', 'governance/proposals'] },
    resultSchema: Type.Array(ProposalSchema),
    access: 'public',
    summary: 'Proposals, open ones first (oldest first), then closed ones (newest first).',
    paramsSchema: ProposalsParams,
    execute: (ctx) => {
      const limit = ctx.params.limit ?? 100;
      const wanted = (p: Proposal) => ctx.params.status === undefined || p.status === ctx.params.status;
      const out: Proposal[] = [];
      for (const [id] of openProposalStore.entries(ctx.state)) {
        const p = proposalStore.get(ctx.state, id);
        if (p !== undefined && wanted(p)) out.push(p);
        if (out.length >= limit) return out;
      }
      if (ctx.params.status === 'open') return out;
      const closed = [...proposalStore.entries(ctx.state)]
        .map(([, p]) => p)
        .filter((p) => p.status !== 'open');
      for (let i = closed.length - 1; i >= 0 && out.length < limit; i--) {
        const p = closed[i]!;
        if (wanted(p)) out.push(p);
      }
      return out;
    },
  } satisfies Query<typeof ProposalsParams, Proposal[]>;
  const validators = {
    name: 'validators',
    reads: { public: ['governance/validatorChanges', 'governance/validators'] },
    access: 'public',
    summary: 'The current validator set, the next one, and changes pending for the end of this block.',
    paramsSchema: NoParams,
    execute: (ctx) => ({
      current: governance.currentValidators(ctx.state),
      next: governance.nextValidators(ctx.state),
      pending: pendingChanges(ctx.state),
    }),
  } satisfies Query<typeof NoParams, ValidatorsView>;
  const parameters = {
    name: 'parameters',
    reads: { public: ['governance/params'] },
    resultSchema: GovernanceParametersSchema,
    access: 'public',
    summary: 'The governance parameters in force.',
    paramsSchema: NoParams,
    execute: (ctx) => governance.parameters(ctx.state),
  } satisfies Query<typeof NoParams, GovernanceParameters>;
  const upgradePlan = {
    name: 'upgradePlan',
    reads: { public: ['governance/upgrade'] },
    access: 'public',
    summary: 'The latest software upgrade approved (name, height, info), or null.',
    paramsSchema: NoParams,
    execute: (ctx) => governance.upgradePlan(ctx.state) ?? null,
  } satisfies Query<typeof NoParams, UpgradePlan | null>;
  const upgrades = {
    name: 'upgrades',
    reads: { public: ['governance/upgrade', 'upgrades/applied'] },
    resultSchema: UpgradesViewSchema,
    access: 'public',
    summary:
      'The software upgrades in effect (each with the height it took effect at; 0: the chain was born with it) and the one scheduled ahead, if any.',
    paramsSchema: NoParams,
    execute: (ctx): UpgradesView => {
      const applied = appliedUpgrades(ctx.state);
      const plan = governance.upgradePlan(ctx.state);
      const ahead = plan !== undefined && !applied.some((u) => u.name === plan.name) ? plan : undefined;
      return { applied, scheduled: ahead ?? null };
    },
  } satisfies Query<typeof NoParams, UpgradesView>;
  return { proposal, proposals, validators, parameters, upgradePlan, upgrades };
}
