/**
 * Verifying a header of another chain against what this chain already trusts of it, in the manner of
 * CometBFT's light client:
 *
 * - **adjacent** (height = trusted + 1): the header must extend the trusted block, be signed by the set
 *   the trusted header announced (`nextValidatorSetHash`), with more than 2/3 of its power;
 * - **skipping** (height > trusted + 1): the header's own set must sign it with more than 2/3 of its
 *   power, and validators of the set trusted at the base must account for more than 1/3 of that trusted
 *   set's power among the signers, so at least one honest validator the client trusted vouches for it.
 *
 * In both cases the trusted base must be younger than the trusting period, the header's time after the
 * base's and not ahead of this chain's block time by more than the drift. Pure: block time comes in
 * as an argument; signatures are checked with the chain's suite.
 */
import {
  type BlockHeader,
  blockHash,
  bytesEqual,
  bytesToHex,
  type Commit,
  type CryptoSuite,
  HanglianError,
  type Validator,
  validatorSetHash,
  verifyCommit,
  ZERO_HASH,
} from '@hanglian/core';
import { LightClientErrors } from './errors.js';
import type { ClientState, ConsensusState, SignedHeader } from './stores.js';

export interface HeaderCheck {
  readonly client: ClientState;
  readonly trusted: ConsensusState;
  /** The set with hash `trusted.nextValidatorSetHash` (needed when skipping). */
  readonly trustedValidators: readonly Validator[] | undefined;
  readonly signed: SignedHeader;
  /** This chain's block time. */
  readonly now: number;
  readonly suite: CryptoSuite;
}

/** Gas of one signature check (kernel schedule: bounds a header's verification). */
export const SIGNATURE_CHECK_GAS = 20_000;

/** Throws the reason a header cannot be trusted, or returns its hash. */
export function verifyHeader(check: HeaderCheck): Uint8Array {
  const { client, trusted, signed, now, suite } = check;
  const { header, commit, validators } = signed;
  if (header.chainId !== client.chainId) {
    throw new HanglianError(
      LightClientErrors.LIGHTCLIENT_BAD_HEADER,
      `the header is of chain ${header.chainId}, not ${client.chainId}`,
    );
  }
  if (header.height <= trusted.height) {
    throw new HanglianError(
      LightClientErrors.LIGHTCLIENT_BAD_HEADER,
      `header ${header.height} is not newer than the trusted height ${trusted.height}`,
    );
  }
  if (now - trusted.time >= client.trustingPeriodMs) {
    throw new HanglianError(
      LightClientErrors.LIGHTCLIENT_TRUST_EXPIRED,
      `the trusted header ${trusted.height} of ${client.chainId} is older than the trusting period`,
      { details: { trustedTime: trusted.time, trustingPeriodMs: client.trustingPeriodMs } },
    );
  }
  if (header.time <= trusted.time) {
    throw new HanglianError(
      LightClientErrors.LIGHTCLIENT_BAD_HEADER,
      `header ${header.height}'s time is not after the trusted header's`,
    );
  }
  if (header.time > now + client.maxClockDriftMs) {
    throw new HanglianError(
      LightClientErrors.LIGHTCLIENT_HEADER_IN_FUTURE,
      `header ${header.height}'s time ${header.time} is ahead of this chain's ${now}`,
    );
  }
  if (!bytesEqual(validatorSetHash(validators), header.validatorSetHash)) {
    throw new HanglianError(
      LightClientErrors.LIGHTCLIENT_VALIDATOR_SET_MISMATCH,
      `the validators given are not the set header ${header.height} names`,
    );
  }
  const adjacent = header.height === trusted.height + 1;
  if (adjacent) {
    if (!bytesEqual(header.validatorSetHash, trusted.nextValidatorSetHash)) {
      throw new HanglianError(
        LightClientErrors.LIGHTCLIENT_VALIDATOR_SET_MISMATCH,
        `header ${header.height} is signed by a set the trusted header did not announce`,
      );
    }
    if (
      !bytesEqual(trusted.blockHash, ZERO_HASH) &&
      !bytesEqual(header.previousBlockHash, trusted.blockHash)
    ) {
      throw new HanglianError(
        LightClientErrors.LIGHTCLIENT_BAD_HEADER,
        `header ${header.height} does not extend the trusted block`,
      );
    }
  }
  const hash = blockHash(header);
  checkCommit(commit, header, hash, validators, suite);
  if (!adjacent && !bytesEqual(header.validatorSetHash, trusted.nextValidatorSetHash)) {
    const trustedSet = check.trustedValidators;
    if (trustedSet === undefined || !bytesEqual(validatorSetHash(trustedSet), trusted.nextValidatorSetHash)) {
      throw new HanglianError(
        LightClientErrors.LIGHTCLIENT_VALIDATOR_SET_MISMATCH,
        `the set trusted at height ${trusted.height} is not known: give it as trustedValidators`,
      );
    }
    // Every signature of the commit was verified above; count those of validators trusted at the base.
    const trustedPower = new Map(trustedSet.map((v) => [bytesToHex(v.publicKey), v.power]));
    const total = trustedSet.reduce((n, v) => n + v.power, 0);
    let signed = 0;
    for (const sig of commit.signatures) signed += trustedPower.get(bytesToHex(sig.validator)) ?? 0;
    if (signed * 3 <= total) {
      throw new HanglianError(
        LightClientErrors.LIGHTCLIENT_TRUST_INSUFFICIENT,
        `validators trusted at height ${trusted.height} signed ${signed} of ${total} power (1/3 needed)`,
        { details: { signedPower: signed, totalPower: total } },
      );
    }
  }
  return hash;
}

/** A commit of more than 2/3 of `validators` for exactly this header, or LIGHTCLIENT_COMMIT_INVALID. */
export function checkCommit(
  commit: Commit,
  header: BlockHeader,
  hash: Uint8Array,
  validators: readonly Validator[],
  suite: CryptoSuite,
): void {
  if (commit.height !== header.height) {
    throw new HanglianError(
      LightClientErrors.LIGHTCLIENT_COMMIT_INVALID,
      `the commit is for height ${commit.height}, not ${header.height}`,
    );
  }
  const result = verifyCommit(commit, header.chainId, hash, validators, suite);
  if (!result.ok) {
    throw new HanglianError(
      LightClientErrors.LIGHTCLIENT_COMMIT_INVALID,
      `header ${header.height}: ${result.reason ?? 'the commit does not verify'}`,
      { details: { signedPower: result.signedPower, totalPower: result.totalPower } },
    );
  }
}
