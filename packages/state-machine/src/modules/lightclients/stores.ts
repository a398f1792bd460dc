/**
 * State of the lightclients module (key layouts in the README). A client follows one other Hanglian
 * chain: the chain was admitted by governance with a trusted starting point, and every header accepted
 * since left a consensus state (time, block hash, state root, next validator set) that proofs of that
 * chain's state are checked against.
 */
import {
  BlockHeaderSchema,
  ChainIdSchema,
  CommitSchema,
  createCodec,
  HashSchema,
  UintSchema,
  ValidatorSetSchema,
} from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { StateReader } from '../../framework/state.js';
import { Store } from '../../framework/store.js';

export const LIGHTCLIENTS_MODULE = 'lightclients';
const DAY_MS = 86_400_000;

export const ClientStatusSchema = Type.Union([Type.Literal('active'), Type.Literal('frozen')]);

export const ClientStateSchema = Type.Object(
  {
    /** The other chain's id (its headers and votes name it). */
    chainId: ChainIdSchema,
    /** How long a verified header may serve as the trusted base of the next update (block time). */
    trustingPeriodMs: UintSchema,
    /** How far a header's time may run ahead of this chain's block time. */
    maxClockDriftMs: UintSchema,
    /** Height of the newest verified header of the other chain. */
    latestHeight: UintSchema,
    status: ClientStatusSchema,
    /** Height of this chain at which governance admitted the client. */
    admittedAtHeight: UintSchema,
    /** Height of this chain at which misbehaviour froze it. */
    frozenAtHeight: Type.Optional(UintSchema),
    /** The other chain's height at which two valid headers conflict. */
    misbehaviourHeight: Type.Optional(UintSchema),
  },
  { additionalProperties: false },
);
export type ClientState = Static<typeof ClientStateSchema>;

/** What one verified header of the other chain tells: proofs at `height` are checked against `stateRoot`. */
export const ConsensusStateSchema = Type.Object(
  {
    height: UintSchema,
    /** The header's time (the other chain's block time). */
    time: UintSchema,
    /** The header's hash; all zeros for a trusted start given without one. */
    blockHash: HashSchema,
    /** The state after block `height`; all zeros for a start with no state (the genesis). */
    stateRoot: HashSchema,
    /** Hash of the set that signs block `height + 1`. */
    nextValidatorSetHash: HashSchema,
    /** Height of this chain when it was verified. */
    verifiedAtHeight: UintSchema,
  },
  { additionalProperties: false },
);
export type ConsensusState = Static<typeof ConsensusStateSchema>;

export const ValidatorSetRecordSchema = Type.Object(
  { validators: ValidatorSetSchema },
  { additionalProperties: false },
);

/** A signed header as a relayer submits it: the header, its commit, and the set that signed it. */
export const SignedHeaderSchema = Type.Object(
  { header: BlockHeaderSchema, commit: CommitSchema, validators: ValidatorSetSchema },
  { additionalProperties: false },
);
export type SignedHeader = Static<typeof SignedHeaderSchema>;

/** Two valid headers of one height: the other chain's validators signed a fork. */
export const MisbehaviourSchema = Type.Object(
  {
    chainId: ChainIdSchema,
    height: UintSchema,
    /** The hash this chain had verified at that height. */
    knownBlockHash: HashSchema,
    /** The header it was verified from, when both were submitted together (`submitMisbehaviour`). */
    first: Type.Optional(SignedHeaderSchema),
    /** The conflicting header, verified by the same rules from the same trusted base. */
    conflicting: SignedHeaderSchema,
    recordedAtHeight: UintSchema,
  },
  { additionalProperties: false },
);
export type Misbehaviour = Static<typeof MisbehaviourSchema>;

/** Module parameters: bounds on what an admission may ask (genesis section `lightclients.parameters`). */
export const LightClientParametersSchema = Type.Object(
  {
    maxTrustingPeriodMs: Type.Integer({ minimum: 60_000, maximum: 365 * DAY_MS }),
    maxClockDriftMs: Type.Integer({ minimum: 0, maximum: DAY_MS }),
  },
  { additionalProperties: false },
);
export type LightClientParameters = Static<typeof LightClientParametersSchema>;
export const DEFAULT_LIGHTCLIENT_PARAMETERS: LightClientParameters = {
  maxTrustingPeriodMs: 30 * DAY_MS,
  maxClockDriftMs: 60_000,
};

export const clientStore = new Store(
  LIGHTCLIENTS_MODULE,
  'clients',
  createCodec('ClientState', ClientStateSchema, { maxBytes: 512 }),
);
export const consensusStore = new Store(
  LIGHTCLIENTS_MODULE,
  'consensus',
  createCodec('ConsensusState', ConsensusStateSchema, { maxBytes: 512 }),
);
export const remoteValidatorSetStore = new Store(
  LIGHTCLIENTS_MODULE,
  'validatorSets',
  createCodec('LightClientValidatorSet', ValidatorSetRecordSchema, { maxBytes: 64 * 1024 }),
);
export const misbehaviourStore = new Store(
  LIGHTCLIENTS_MODULE,
  'misbehaviour',
  createCodec('Misbehaviour', MisbehaviourSchema, { maxBytes: 160 * 1024 }),
);
export const lightClientParamsStore = new Store(
  LIGHTCLIENTS_MODULE,
  'params',
  createCodec('LightClientParameters', LightClientParametersSchema, { maxBytes: 64 }),
);

/** Heights are zero-padded in keys so that key order is height order. */
export function heightKey(height: number): string {
  return height.toString().padStart(15, '0');
}

export function consensusKey(chainId: string, height: number): string {
  return `${chainId}/${heightKey(height)}`;
}

export function lightClientParameters(state: StateReader): LightClientParameters {
  return lightClientParamsStore.get(state, 'current') ?? DEFAULT_LIGHTCLIENT_PARAMETERS;
}
