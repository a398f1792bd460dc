/**
 * Stores of the governance module. Key layouts (UTF-8, see README):
 *   governance/params/current                 GovernanceParameters
 *   governance/counters/proposal              ProposalCounter (next proposal id)
 *   governance/proposals/<id, 12 digits>      Proposal
 *   governance/open/<id, 12 digits>           OpenMarker (index of open proposals, scanned every block)
 *   governance/validators/current             ValidatorSet (signs the next block)
 *   governance/validators/next                ValidatorSet (signs the block after it)
 *   governance/validatorChanges/pending       PendingValidatorChanges (applied to next at block end)
 *   governance/upgrade/plan                   UpgradePlan (the software upgrade scheduled, if any)
 */
import { AddressSchema, createCodec, IdentifierSchema, PublicKeySchema, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { Store } from '../../framework/store.js';
import { OrgNameSchema, RolesSchema } from '../identity/stores.js';
import { InsightsParametersSchema } from '../insights/stores.js';
import { AdmitLightClientFieldsSchema } from '../lightclients/admission.js';
import { OrdersParametersSchema } from '../orders/stores.js';
import { RegistryParametersSchema, StandardDefinitionSchema } from '../registry/stores.js';

export const GOVERNANCE_MODULE = 'governance';

/** Bounds that keep consensus messages and block hooks small. */
export const MAX_VALIDATORS = 150;
export const MAX_VALIDATOR_POWER = 1_000_000;

export const GovernanceParametersSchema = Type.Object(
  {
    /** Blocks a proposal stays open, counted from the block that created it. */
    votingPeriodBlocks: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    /** Approval needs yes votes > numerator/denominator of the active organisations. */
    thresholdNumerator: Type.Integer({ minimum: 1, maximum: 1000 }),
    thresholdDenominator: Type.Integer({ minimum: 1, maximum: 1000 }),
    /** Bounds the work of the end-of-block tally. */
    maxOpenProposals: Type.Integer({ minimum: 1, maximum: 1000 }),
  },
  { additionalProperties: false },
);
export type GovernanceParameters = Static<typeof GovernanceParametersSchema>;

export const DEFAULT_GOVERNANCE_PARAMETERS: GovernanceParameters = {
  votingPeriodBlocks: 1000,
  thresholdNumerator: 2,
  thresholdDenominator: 3,
  maxOpenProposals: 64,
};

export const ValidatorSchema = Type.Object(
  {
    address: AddressSchema,
    publicKey: PublicKeySchema,
    power: Type.Integer({ minimum: 1, maximum: MAX_VALIDATOR_POWER }),
    org: IdentifierSchema,
  },
  { additionalProperties: false },
);
export type Validator = Static<typeof ValidatorSchema>;

export const ValidatorSetSchema = Type.Object(
  { validators: Type.Array(ValidatorSchema, { maxItems: MAX_VALIDATORS }) },
  { additionalProperties: false },
);
export type ValidatorSet = Static<typeof ValidatorSetSchema>;

export const ValidatorChangeSchema = Type.Object(
  {
    publicKey: PublicKeySchema,
    /** 0 removes the validator. */
    power: Type.Integer({ minimum: 0, maximum: MAX_VALIDATOR_POWER }),
    org: IdentifierSchema,
    /**
     * A node key rotation (`rotateNodeKey`): `publicKey` takes the place of this key in the set, with the
     * power the replaced validator has when the change applies (`power` records it at queue time).
     */
    replaces: Type.Optional(PublicKeySchema),
  },
  { additionalProperties: false },
);
export type ValidatorChange = Static<typeof ValidatorChangeSchema>;

// ---- proposal actions: what an approved proposal does ----

export const AdmitOrganisationActionSchema = Type.Object(
  {
    type: Type.Literal('admitOrganisation'),
    id: IdentifierSchema,
    name: OrgNameSchema,
    roles: RolesSchema,
    rootPublicKey: PublicKeySchema,
  },
  { additionalProperties: false },
);
export const SuspendOrganisationActionSchema = Type.Object(
  { type: Type.Literal('suspendOrganisation'), org: IdentifierSchema },
  { additionalProperties: false },
);
export const ExpelOrganisationActionSchema = Type.Object(
  { type: Type.Literal('expelOrganisation'), org: IdentifierSchema },
  { additionalProperties: false },
);
export const ReinstateOrganisationActionSchema = Type.Object(
  { type: Type.Literal('reinstateOrganisation'), org: IdentifierSchema },
  { additionalProperties: false },
);
export const SetOrganisationRolesActionSchema = Type.Object(
  { type: Type.Literal('setOrganisationRoles'), org: IdentifierSchema, roles: RolesSchema },
  { additionalProperties: false },
);
export const ReplaceRootKeyActionSchema = Type.Object(
  { type: Type.Literal('replaceRootKey'), org: IdentifierSchema, rootPublicKey: PublicKeySchema },
  { additionalProperties: false },
);
export const SetValidatorActionSchema = Type.Object(
  {
    type: Type.Literal('setValidator'),
    publicKey: PublicKeySchema,
    power: Type.Integer({ minimum: 0, maximum: MAX_VALIDATOR_POWER }),
    org: IdentifierSchema,
  },
  { additionalProperties: false },
);
export const SetParametersActionSchema = Type.Object(
  {
    type: Type.Literal('setParameters'),
    votingPeriodBlocks: Type.Optional(GovernanceParametersSchema.properties.votingPeriodBlocks),
    thresholdNumerator: Type.Optional(GovernanceParametersSchema.properties.thresholdNumerator),
    thresholdDenominator: Type.Optional(GovernanceParametersSchema.properties.thresholdDenominator),
    maxOpenProposals: Type.Optional(GovernanceParametersSchema.properties.maxOpenProposals),
  },
  { additionalProperties: false },
);

/** Adds a standard to the registry (a changed standard is a new version: a new id). */
export const RegisterStandardActionSchema = Type.Object(
  { type: Type.Literal('registerStandard'), standard: StandardDefinitionSchema },
  { additionalProperties: false },
);
/** Changes the registry's deployment policy and limits (merged into the current ones). */
export const SetRegistryParametersActionSchema = Type.Object(
  { type: Type.Literal('setRegistryParameters'), ...Type.Partial(RegistryParametersSchema).properties },
  { additionalProperties: false },
);

/** Changes the minimum group size of insights answers (months closed later use it). */
export const SetInsightsParametersActionSchema = Type.Object(
  {
    type: Type.Literal('setInsightsParameters'),
    minGroupSize: InsightsParametersSchema.properties.minGroupSize,
  },
  { additionalProperties: false },
);

/**
 * Changes the orders module's parameters (merged into the current ones), each within the bounds of the
 * orders README: the deadline windows, the platform fee, the per-block limits. Orders already created
 * keep the windows they recorded.
 */
export const SetOrdersParametersActionSchema = Type.Object(
  { type: Type.Literal('setOrdersParameters'), ...Type.Partial(OrdersParametersSchema).properties },
  { additionalProperties: false },
);

/**
 * A software upgrade: every node stops before executing block `height` unless its software carries the
 * upgrade `name`; the software that does continues from the same data. `info` says where to get it.
 */
export const UpgradeNameSchema = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });
export const ScheduleUpgradeActionSchema = Type.Object(
  {
    type: Type.Literal('scheduleUpgrade'),
    name: UpgradeNameSchema,
    height: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    info: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
/** Withdraws the scheduled upgrade (before its height). */
export const CancelUpgradeActionSchema = Type.Object(
  { type: Type.Literal('cancelUpgrade') },
  { additionalProperties: false },
);
/** Admits another chain's light client (lightclients README): its id, trusted start and trusting period. */
export const AdmitLightClientActionSchema = Type.Object(
  { type: Type.Literal('admitLightClient'), ...AdmitLightClientFieldsSchema.properties },
  { additionalProperties: false },
);

export const ProposalActionSchema = Type.Union([
  AdmitOrganisationActionSchema,
  SuspendOrganisationActionSchema,
  ReinstateOrganisationActionSchema,
  SetOrganisationRolesActionSchema,
  ReplaceRootKeyActionSchema,
  SetValidatorActionSchema,
  SetParametersActionSchema,
  RegisterStandardActionSchema,
  SetRegistryParametersActionSchema,
  SetInsightsParametersActionSchema,
  SetOrdersParametersActionSchema,
  ScheduleUpgradeActionSchema,
  CancelUpgradeActionSchema,
  AdmitLightClientActionSchema,
  ExpelOrganisationActionSchema,
]);
export type ProposalAction = Static<typeof ProposalActionSchema>;

export const PROPOSAL_STATUSES = ['open', 'approved', 'rejected', 'expired', 'failed'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];
export const ProposalStatusSchema = Type.Union(PROPOSAL_STATUSES.map((s) => Type.Literal(s)));

export const ProposalSchema = Type.Object(
  {
    id: UintSchema,
    title: Type.String({ maxLength: 200 }),
    action: ProposalActionSchema,
    proposer: AddressSchema,
    proposerOrg: IdentifierSchema,
    createdAt: UintSchema,
    /** Last height at which votes are accepted; the proposal expires at the end of that block. */
    votingEndsAt: UintSchema,
    /** Organisations that voted, in vote order. Only those still active count in a tally. */
    yes: Type.Array(IdentifierSchema),
    no: Type.Array(IdentifierSchema),
    status: ProposalStatusSchema,
    closedAt: Type.Optional(UintSchema),
    /** Why an approved proposal's action could not be applied (status 'failed'). */
    failure: Type.Optional(
      Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);
export type Proposal = Static<typeof ProposalSchema>;

export const parametersStore = new Store(
  GOVERNANCE_MODULE,
  'params',
  createCodec('GovernanceParameters', GovernanceParametersSchema, { maxBytes: 256 }),
);
export const counterStore = new Store(
  GOVERNANCE_MODULE,
  'counters',
  createCodec('ProposalCounter', Type.Object({ next: UintSchema }, { additionalProperties: false }), {
    maxBytes: 32,
  }),
);
export const proposalStore = new Store(
  GOVERNANCE_MODULE,
  'proposals',
  createCodec('Proposal', ProposalSchema, { maxBytes: 64 * 1024 }),
);
export const openProposalStore = new Store(
  GOVERNANCE_MODULE,
  'open',
  createCodec('OpenMarker', Type.Object({}, { additionalProperties: false }), { maxBytes: 8 }),
);
export const validatorSetStore = new Store(
  GOVERNANCE_MODULE,
  'validators',
  createCodec('ValidatorSet', ValidatorSetSchema, { maxBytes: 64 * 1024 }),
);
export const pendingValidatorStore = new Store(
  GOVERNANCE_MODULE,
  'validatorChanges',
  createCodec(
    'PendingValidatorChanges',
    Type.Object(
      { changes: Type.Array(ValidatorChangeSchema, { maxItems: 1000 }) },
      { additionalProperties: false },
    ),
    { maxBytes: 128 * 1024 },
  ),
);

export const UpgradePlanSchema = Type.Object(
  {
    name: UpgradeNameSchema,
    height: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    info: Type.Optional(Type.String({ maxLength: 200 })),
    /** The height of the block that approved it. */
    scheduledAt: UintSchema,
  },
  { additionalProperties: false },
);
export type UpgradePlan = Static<typeof UpgradePlanSchema>;

export const upgradePlanStore = new Store(
  GOVERNANCE_MODULE,
  'upgrade',
  createCodec('UpgradePlan', UpgradePlanSchema, { maxBytes: 1024 }),
);

/** Proposal ids are zero-padded in keys so that key order is numeric order. */
export function proposalKeyId(id: number): string {
  return id.toString().padStart(12, '0');
}
