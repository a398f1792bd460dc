/**
 * The rule that keeps a validator's key from double-signing, as a pure function: given the last thing
 * the key signed (kept durably by whoever holds the key) and what it is asked to sign now, sign, give the
 * earlier signature again, or refuse. The node's guarded signer keeps `last` in a file beside the key
 * (packages/node/src/consensus/guardedSigner.ts); the simulator keeps it in a node's memory that survives
 * its crashes, so both run the same rule.
 */
import { ConsensusError } from './errors.js';

/** What is signed, in the order a correct validator signs them within a round. */
export type SignStep = 'proposal' | 'prevote' | 'precommit';
export const SIGN_STEP_ORDER: Record<SignStep, number> = { proposal: 1, prevote: 2, precommit: 3 };

/** A signature asked for, by its place in the signing order and what it signs for. */
export interface SignRequest {
  readonly height: number;
  readonly round: number;
  readonly step: SignStep;
  /** Hex block hash; null for a nil vote. */
  readonly blockHash: string | null;
  /** Proposals only: the proof-of-lock round the proposal carries (part of the signed bytes). */
  readonly polRound?: number;
}

/** The last signature a key gave, with what it signed. */
export interface LastSigned extends SignRequest {
  readonly signature: Uint8Array;
}

/**
 * - `sign`: later in the signing order than anything signed before;
 * - `same`: exactly what was signed last (same step, block and proof-of-lock round): the earlier signature
 *   may be given again (deterministic signatures make it the same bytes);
 * - `refuse`: the same step for anything else, or an earlier step.
 */
export function signVerdict(last: LastSigned | undefined, wanted: SignRequest): 'sign' | 'same' | 'refuse' {
  if (last === undefined) return 'sign';
  const order = compareSignOrder(wanted, last);
  if (order > 0) return 'sign';
  if (order === 0 && last.blockHash === wanted.blockHash && last.polRound === wanted.polRound) return 'same';
  return 'refuse';
}

/** Negative, zero or positive as `a` comes before, at, or after `b` in signing order. */
export function compareSignOrder(a: SignRequest, b: SignRequest): number {
  if (a.height !== b.height) return a.height - b.height;
  if (a.round !== b.round) return a.round - b.round;
  return SIGN_STEP_ORDER[a.step] - SIGN_STEP_ORDER[b.step];
}

/** The typed error a guarded signer throws on `refuse`; the machine sends nothing for that step. */
export function signRefused(wanted: SignRequest, last: SignRequest): ConsensusError {
  return new ConsensusError(
    'CONSENSUS_SIGN_REFUSED',
    `refusing to sign ${wanted.step} at ${wanted.height}/${wanted.round}: already signed ${last.step} at ${last.height}/${last.round}`,
    { details: { height: wanted.height, round: wanted.round, step: wanted.step } },
  );
}
