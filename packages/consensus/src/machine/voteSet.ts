import type { BlockHash, SignedVote, ValidatorAddress } from '../types.js';

/** Map key for a nil vote (block hashes are hex, so this cannot collide). */
export const NIL = 'nil';

export type AddVoteResult =
  | { readonly kind: 'added' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'conflict'; readonly existing: SignedVote };

/** The votes of one type in one round: at most one counted vote per validator, power summed per value. */
export class VoteSet {
  private readonly byValidator = new Map<ValidatorAddress, SignedVote>();
  private readonly powerByValue = new Map<string, number>();
  private power = 0;

  get(validator: ValidatorAddress): SignedVote | undefined {
    return this.byValidator.get(validator);
  }

  /** Adds a vote whose signature the caller has checked; the first vote of a validator is the one counted. */
  add(message: SignedVote, power: number): AddVoteResult {
    const { validator, blockHash } = message.vote;
    const existing = this.byValidator.get(validator);
    if (existing !== undefined) {
      return existing.vote.blockHash === blockHash ? { kind: 'duplicate' } : { kind: 'conflict', existing };
    }
    this.byValidator.set(validator, message);
    const key = blockHash ?? NIL;
    this.powerByValue.set(key, (this.powerByValue.get(key) ?? 0) + power);
    this.power += power;
    return { kind: 'added' };
  }

  /** Power voting for `blockHash` (null: nil). */
  powerFor(blockHash: BlockHash | null): number {
    return this.powerByValue.get(blockHash ?? NIL) ?? 0;
  }

  /** Power that voted at all, for any value. */
  get totalPower(): number {
    return this.power;
  }

  /** The non-nil value with the most power, for "is there a quorum for some block". */
  *values(): IterableIterator<[string, number]> {
    yield* this.powerByValue;
  }

  votesFor(blockHash: BlockHash | null): SignedVote[] {
    const out: SignedVote[] = [];
    for (const v of this.byValidator.values()) if (v.vote.blockHash === blockHash) out.push(v);
    return out;
  }
}
