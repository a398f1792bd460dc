import { ConsensusError } from './errors.js';
import type { Round, ValidatorAddress } from './types.js';

export interface Validator {
  readonly address: ValidatorAddress;
  /** Voting power: a positive safe integer. */
  readonly power: number;
}

/** Keeps priority arithmetic exact in doubles (priorities stay within a few times the total power). */
export const MAX_TOTAL_POWER = 2 ** 40;

/**
 * A validator set for one height, with Tendermint's proposer priorities.
 *
 * Proposer rotation: every increment adds each validator's power to its priority, picks the validator with
 * the highest priority (ties go to the smaller address) and takes the total power off the winner. Over
 * `total` increments each validator is picked exactly in proportion to its power, and the order is fully
 * determined by the set, so every node computes the same proposer without talking.
 *
 * A set is immutable. The driver derives the set of the next height with `next()` (one increment per
 * height, whatever the number of rounds) after applying governance changes with `withChanges()`.
 */
export class ValidatorSet {
  /** Sorted by address. */
  readonly validators: readonly Validator[];
  readonly totalPower: number;
  private readonly priorities: readonly number[];
  private readonly indexByAddress: ReadonlyMap<ValidatorAddress, number>;
  /** proposersByRound[r] is the proposer of round r; filled lazily by `proposer(r)`. */
  private readonly proposersByRound: ValidatorAddress[] = [];
  private roundPriorities: number[];

  private constructor(validators: readonly Validator[], priorities: readonly number[], proposer: string) {
    this.validators = validators;
    this.priorities = priorities;
    this.totalPower = validators.reduce((sum, v) => sum + v.power, 0);
    this.indexByAddress = new Map(validators.map((v, i) => [v.address, i]));
    this.proposersByRound.push(proposer);
    this.roundPriorities = [...priorities];
  }

  /** A genesis set: all priorities start at zero, then one increment picks the first proposer. */
  static create(validators: readonly Validator[]): ValidatorSet {
    const sorted = checkValidators(validators);
    const start = ValidatorSet.incremented(
      sorted,
      sorted.map(() => 0),
    );
    return new ValidatorSet(sorted, start.priorities, start.proposer);
  }

  get size(): number {
    return this.validators.length;
  }

  /** The smallest power that is more than 2/3 of the total. */
  get quorumPower(): number {
    return Math.floor((2 * this.totalPower) / 3) + 1;
  }

  /** More than 2/3 of the voting power: enough to decide. */
  hasQuorum(power: number): boolean {
    return power * 3 > this.totalPower * 2;
  }

  /** More than 1/3 of the voting power: at least one correct validator is among them. */
  hasOneThird(power: number): boolean {
    return power * 3 > this.totalPower;
  }

  powerOf(address: ValidatorAddress): number {
    const i = this.indexByAddress.get(address);
    return i === undefined ? 0 : this.validators[i]!.power;
  }

  has(address: ValidatorAddress): boolean {
    return this.indexByAddress.has(address);
  }

  /** The proposer of `round` at this set's height. Cost is linear in the round the first time it is asked. */
  proposer(round: Round): ValidatorAddress {
    if (!Number.isSafeInteger(round) || round < 0) throw new RangeError(`bad round ${round}`);
    while (this.proposersByRound.length <= round) {
      const step = ValidatorSet.incremented(this.validators, this.roundPriorities);
      this.roundPriorities = step.priorities;
      this.proposersByRound.push(step.proposer);
    }
    return this.proposersByRound[round]!;
  }

  /** The set of the next height, same members and powers: priorities advanced by one increment. */
  next(): ValidatorSet {
    const step = ValidatorSet.incremented(this.validators, this.priorities);
    return new ValidatorSet(this.validators, step.priorities, step.proposer);
  }

  /**
   * Applies governance changes: a listed address with power 0 leaves, any other listed address joins or
   * changes its power. A newcomer starts with priority -1.125 x total so joining cannot make it the next
   * proposer at once (Tendermint's rule against bonding to jump the queue). Returns a set whose proposer is
   * recomputed; call `next()` on it for the following height.
   */
  withChanges(changes: readonly Validator[]): ValidatorSet {
    const byAddress = new Map<string, { power: number; priority: number | undefined }>();
    for (const [i, v] of this.validators.entries()) {
      byAddress.set(v.address, { power: v.power, priority: this.priorities[i] });
    }
    for (const change of changes) {
      if (change.power === 0) byAddress.delete(change.address);
      else
        byAddress.set(change.address, {
          power: change.power,
          priority: byAddress.get(change.address)?.priority,
        });
    }
    const validators = checkValidators([...byAddress].map(([address, { power }]) => ({ address, power })));
    const total = validators.reduce((sum, v) => sum + v.power, 0);
    const newcomerPriority = -(total + Math.floor(total / 8));
    const priorities = centered(
      validators.map((v) => byAddress.get(v.address)!.priority ?? newcomerPriority),
    );
    // The proposer of round 0 is whoever currently leads; no increment here (next() does that).
    return new ValidatorSet(validators, priorities, validators[leader(validators, priorities)]!.address);
  }

  /** One increment: rescale and centre to keep numbers bounded, add powers, pick and penalise the leader. */
  private static incremented(
    validators: readonly Validator[],
    current: readonly number[],
  ): { priorities: number[]; proposer: ValidatorAddress } {
    const total = validators.reduce((sum, v) => sum + v.power, 0);
    const priorities = centered(rescaled(current, 2 * total));
    for (let i = 0; i < validators.length; i++) priorities[i]! += validators[i]!.power;
    const winner = leader(validators, priorities);
    priorities[winner]! -= total;
    return { priorities, proposer: validators[winner]!.address };
  }
}

function leader(validators: readonly Validator[], priorities: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < validators.length; i++) {
    // Validators are sorted by address, so on equal priority the earlier (smaller) address wins.
    if (priorities[i]! > priorities[best]!) best = i;
  }
  return best;
}

function rescaled(priorities: readonly number[], maxSpread: number): number[] {
  const max = Math.max(...priorities);
  const min = Math.min(...priorities);
  const spread = max - min;
  if (spread <= maxSpread || maxSpread === 0) return [...priorities];
  const ratio = Math.ceil(spread / maxSpread);
  return priorities.map((p) => Math.trunc(p / ratio));
}

function centered(priorities: readonly number[]): number[] {
  const sum = priorities.reduce((a, b) => a + b, 0);
  const average = Math.floor(sum / priorities.length);
  return priorities.map((p) => p - average);
}

function checkValidators(validators: readonly Validator[]): Validator[] {
  if (validators.length === 0)
    throw new ConsensusError('CONSENSUS_INVALID_VALIDATOR_SET', 'empty validator set');
  const sorted = [...validators]
    .map((v) => ({ address: v.address, power: v.power }))
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    if (typeof v.address !== 'string' || v.address.length === 0) {
      throw new ConsensusError(
        'CONSENSUS_INVALID_VALIDATOR_SET',
        'validator address must be a non-empty string',
      );
    }
    if (i > 0 && sorted[i - 1]!.address === v.address) {
      throw new ConsensusError('CONSENSUS_INVALID_VALIDATOR_SET', `duplicate validator ${v.address}`, {
        details: { address: v.address },
      });
    }
    if (!Number.isSafeInteger(v.power) || v.power <= 0) {
      throw new ConsensusError(
        'CONSENSUS_INVALID_VALIDATOR_SET',
        `validator ${v.address} has power ${v.power}`,
        {
          details: { address: v.address, power: v.power },
        },
      );
    }
    total += v.power;
  }
  if (total > MAX_TOTAL_POWER) {
    throw new ConsensusError(
      'CONSENSUS_INVALID_VALIDATOR_SET',
      `total power ${total} exceeds ${MAX_TOTAL_POWER}`,
    );
  }
  return sorted;
}
