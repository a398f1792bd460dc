/**
 * The validator set and its activation delay. Two sets are stored: `current` signs the next block, `next`
 * signs the block after it. A change approved during block h is queued; at the end of block h,
 * current := next and next := next + queued changes. So block h+1 is still signed by the old set, its
 * header can already announce (by hash) the set that signs h+2, and the change signs from h+2 on. This
 * gives consensus one full block to learn a new set before it must use it.
 */
import { addressFromPublicKey, bytesEqual, HanglianError } from '@hanglian/core';
import type { StateReader, StateWriter } from '../../framework/state.js';
import { GovernanceErrors } from './errors.js';
import {
  MAX_VALIDATORS,
  pendingValidatorStore,
  type Validator,
  type ValidatorChange,
  validatorSetStore,
} from './stores.js';

export function readValidatorSet(state: StateReader, which: 'current' | 'next'): Validator[] {
  return validatorSetStore.get(state, which)?.validators ?? [];
}

export function pendingChanges(state: StateReader): ValidatorChange[] {
  return pendingValidatorStore.get(state, 'pending')?.changes ?? [];
}

/** Applies one change to a set, keeping it sorted by address. Throws on a change that breaks a rule. */
export function applyValidatorChange(set: readonly Validator[], change: ValidatorChange): Validator[] {
  const address = addressFromPublicKey(change.publicKey);
  const existing = set.find((v) => v.address === address);
  if (change.replaces !== undefined) return replaceValidatorKey(set, change, change.replaces);
  if (existing !== undefined && existing.org !== change.org) {
    throw new HanglianError(
      GovernanceErrors.GOV_VALIDATOR_ORG_MISMATCH,
      `validator ${address} belongs to ${existing.org}, not ${change.org}`,
    );
  }
  const others = set.filter((v) => v.address !== address);
  if (change.power === 0) {
    if (existing === undefined) {
      throw new HanglianError(GovernanceErrors.GOV_VALIDATOR_NOT_FOUND, `${address} is not a validator`);
    }
    if (others.length === 0) {
      throw new HanglianError(GovernanceErrors.GOV_LAST_VALIDATOR, 'the last validator cannot be removed');
    }
    return others;
  }
  if (existing === undefined && set.length >= MAX_VALIDATORS) {
    throw new HanglianError(GovernanceErrors.GOV_TOO_MANY_VALIDATORS, `at most ${MAX_VALIDATORS} validators`);
  }
  const updated: Validator = {
    address,
    publicKey: new Uint8Array(change.publicKey),
    power: change.power,
    org: change.org,
  };
  return [...others, updated].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/**
 * A key rotation: the validator of `replaces` signs with `change.publicKey` instead, with the same power
 * and organisation, in one step (so it works for a set of one, and for a full set).
 */
function replaceValidatorKey(
  set: readonly Validator[],
  change: ValidatorChange,
  replaces: Uint8Array,
): Validator[] {
  const oldAddress = addressFromPublicKey(replaces);
  const address = addressFromPublicKey(change.publicKey);
  const replaced = set.find((v) => v.address === oldAddress);
  if (replaced === undefined) {
    throw new HanglianError(GovernanceErrors.GOV_VALIDATOR_NOT_FOUND, `${oldAddress} is not a validator`);
  }
  if (replaced.org !== change.org) {
    throw new HanglianError(
      GovernanceErrors.GOV_VALIDATOR_ORG_MISMATCH,
      `validator ${oldAddress} belongs to ${replaced.org}, not ${change.org}`,
    );
  }
  if (set.some((v) => v.address === address)) {
    throw new HanglianError(GovernanceErrors.GOV_VALIDATOR_KEY_IN_USE, `${address} is already a validator`);
  }
  const updated: Validator = {
    address,
    publicKey: new Uint8Array(change.publicKey),
    power: replaced.power,
    org: replaced.org,
  };
  return [...set.filter((v) => v.address !== oldAddress), updated].sort((a, b) =>
    a.address < b.address ? -1 : a.address > b.address ? 1 : 0,
  );
}

/** `next` with the changes already queued applied: the set that will sign two blocks after this one. */
export function projectedValidators(state: StateReader): Validator[] {
  let projected = readValidatorSet(state, 'next');
  for (const c of pendingChanges(state)) projected = applyValidatorChange(projected, c);
  return projected;
}

/** Queues a change after checking it against `next` plus the changes already queued. */
export function queueValidatorChange(state: StateWriter, change: ValidatorChange): void {
  const queued = pendingChanges(state);
  applyValidatorChange(projectedValidators(state), change);
  pendingValidatorStore.set(state, 'pending', { changes: [...queued, change] });
}

/**
 * The end-of-block step: current := next; next := next + queued changes. Returns the new `next` set when
 * it differs from the new `current`, so the caller can announce it.
 */
export function advanceValidatorSets(state: StateWriter): Validator[] | undefined {
  const next = readValidatorSet(state, 'next');
  const queued = pendingChanges(state);
  // Written only when it changes: an unchanged set costs no state write in the ordinary block.
  const currentBytes = state.get(validatorSetStore.key('current'));
  const nextBytes = state.get(validatorSetStore.key('next'));
  if (nextBytes !== undefined && (currentBytes === undefined || !bytesEqual(currentBytes, nextBytes))) {
    state.set(validatorSetStore.key('current'), nextBytes);
  }
  if (queued.length === 0) return undefined;
  let updated = next;
  for (const change of queued) updated = applyValidatorChange(updated, change);
  validatorSetStore.set(state, 'next', { validators: updated });
  pendingValidatorStore.delete(state, 'pending');
  return updated;
}
