import type { BlockHash, SignedVote, ValidatorAddress } from '../types.js';

/** Map key for a nil vote (block hashes are hex, so this cannot collide). */
export const NIL = 'nil';

/** Distinct values counted per validator per step; more are dropped (bounds memory against equivocators). */
export const MAX_VALUES_PER_VALIDATOR = 3;

export type AddVoteResult =
  | { readonly kind: 'added' }
  | { readonly kind: 'duplicate' }
  /** Counted, but the validator had already voted for something else: equivocation. */
  | { readonly kind: 'conflict'; readonly existing: SignedVote }
  | { readonly kind: 'dropped'; readonly existing: SignedVote };

/**
 * The votes of one type in one round.
 *
 * An equivocating validator's votes count towards every value it voted for, as in the paper, where "2f+1
 * PREVOTE for v" means messages for v from distinct senders. That is safe (two quorums for different values
 * would still share a correct validator) and it is needed for liveness: if each node kept only the first
 * vote it saw from an equivocator, nodes could disagree forever on whether a round had a polka.
 * The "any value" total counts each validator once.
 */
export class VoteSet {
  private readonly first = new Map<ValidatorAddress, SignedVote>();
  private readonly byValue = new Map<string, Map<ValidatorAddress, SignedVote>>();
  private readonly powerByValue = new Map<string, number>();
  private readonly valueCount = new Map<ValidatorAddress, number>();
  private anyPower = 0;

  /** The first vote seen from `validator`. */
  get(validator: ValidatorAddress): SignedVote | undefined {
    return this.first.get(validator);
  }

  has(validator: ValidatorAddress, blockHash: BlockHash | null): boolean {
    return this.byValue.get(blockHash ?? NIL)?.has(validator) ?? false;
  }

  /** Adds a vote whose signature and membership the caller has checked. */
  add(message: SignedVote, power: number): AddVoteResult {
    const { validator, blockHash } = message.vote;
    const key = blockHash ?? NIL;
    if (this.byValue.get(key)?.has(validator)) return { kind: 'duplicate' };
    const existing = this.first.get(validator);
    const count = this.valueCount.get(validator) ?? 0;
    if (existing !== undefined && count >= MAX_VALUES_PER_VALIDATOR) return { kind: 'dropped', existing };
    let voters = this.byValue.get(key);
    if (voters === undefined) {
      voters = new Map();
      this.byValue.set(key, voters);
    }
    voters.set(validator, message);
    this.powerByValue.set(key, (this.powerByValue.get(key) ?? 0) + power);
    this.valueCount.set(validator, count + 1);
    if (existing !== undefined) return { kind: 'conflict', existing };
    this.first.set(validator, message);
    this.anyPower += power;
    return { kind: 'added' };
  }

  /** Power voting for `blockHash` (null: nil). */
  powerFor(blockHash: BlockHash | null): number {
    return this.powerByValue.get(blockHash ?? NIL) ?? 0;
  }

  /** Power that voted at all, each validator counted once. */
  get totalPower(): number {
    return this.anyPower;
  }

  /** Every value voted for, with its power; nil appears under the key `NIL`. */
  values(): IterableIterator<[string, number]> {
    return this.powerByValue.entries();
  }

  votesFor(blockHash: BlockHash | null): SignedVote[] {
    return [...(this.byValue.get(blockHash ?? NIL)?.values() ?? [])];
  }
}
