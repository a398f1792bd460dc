/**
 * Admission of another chain's light client, applied by governance when an `admitLightClient` proposal
 * passes (governance README). The consortium decides once whom to trust as the other chain's starting
 * point: its genesis validator set (height 0, its genesis time and hash) or a later header it checked.
 */
import {
  bytesToHex,
  ChainIdSchema,
  HanglianError,
  HashSchema,
  UintSchema,
  ValidatorSetSchema,
  validatorSetHash,
  ZERO_HASH,
} from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { StateWriter } from '../../framework/state.js';
import { LightClientErrors } from './errors.js';
import {
  clientStore,
  consensusKey,
  consensusStore,
  lightClientParameters,
  remoteValidatorSetStore,
} from './stores.js';

/** The fields of a governance `admitLightClient` action (besides `type`). */
export const AdmitLightClientFieldsSchema = Type.Object(
  {
    chainId: ChainIdSchema,
    trustingPeriodMs: Type.Integer({ minimum: 60_000, maximum: Number.MAX_SAFE_INTEGER }),
    /** The trusted start: 0 for the other chain's genesis. */
    height: UintSchema,
    /** Its time: the genesis time for height 0, else the header's time. */
    time: UintSchema,
    /** Hash of block `height` (the genesis hash for height 0), so the next header must extend it. */
    blockHash: Type.Optional(HashSchema),
    /** The state root after block `height` (absent for the genesis). */
    stateRoot: Type.Optional(HashSchema),
    /** The validators that sign block `height + 1`, in the other chain's order (by address). */
    validators: ValidatorSetSchema,
  },
  { additionalProperties: false },
);
export type AdmitLightClientFields = Static<typeof AdmitLightClientFieldsSchema>;

export function admitLightClient(state: StateWriter, fields: AdmitLightClientFields, height: number): void {
  if (clientStore.has(state, fields.chainId)) {
    throw new HanglianError(
      LightClientErrors.LIGHTCLIENT_EXISTS,
      `a light client of ${fields.chainId} exists already`,
    );
  }
  const params = lightClientParameters(state);
  if (fields.trustingPeriodMs > params.maxTrustingPeriodMs) {
    throw new HanglianError(
      LightClientErrors.LIGHTCLIENT_BAD_ADMISSION,
      `a trusting period of at most ${params.maxTrustingPeriodMs} ms is allowed`,
      { details: { maxTrustingPeriodMs: params.maxTrustingPeriodMs } },
    );
  }
  const setHash = validatorSetHash(fields.validators);
  clientStore.set(state, fields.chainId, {
    chainId: fields.chainId,
    trustingPeriodMs: fields.trustingPeriodMs,
    maxClockDriftMs: params.maxClockDriftMs,
    latestHeight: fields.height,
    status: 'active',
    admittedAtHeight: height,
  });
  consensusStore.set(state, consensusKey(fields.chainId, fields.height), {
    height: fields.height,
    time: fields.time,
    blockHash: fields.blockHash ?? ZERO_HASH,
    stateRoot: fields.stateRoot ?? ZERO_HASH,
    nextValidatorSetHash: setHash,
    verifiedAtHeight: height,
  });
  remoteValidatorSetStore.set(state, `${fields.chainId}/${bytesToHex(setHash)}`, {
    validators: fields.validators,
  });
}
