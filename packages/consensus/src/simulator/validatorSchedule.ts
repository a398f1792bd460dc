import type { Height } from '../types.js';
import { type Validator, ValidatorSet } from '../validators.js';

/**
 * The validator set of every height, as the chain's governance would give it: the genesis set, then at each
 * listed height the changes take effect (a governance decision at height h is scheduled for a later height
 * so every node knows the set before that height starts). Priorities carry over: set(h+1) = set(h) with the
 * changes of h+1, advanced by one increment.
 */
export class ValidatorSchedule {
  private readonly sets: ValidatorSet[] = [];
  private readonly changes: ReadonlyMap<Height, readonly Validator[]>;

  constructor(genesis: readonly Validator[], changes: ReadonlyMap<Height, readonly Validator[]> = new Map()) {
    this.sets.push(ValidatorSet.create(genesis));
    this.changes = changes;
  }

  setFor(height: Height): ValidatorSet {
    if (height < 1) throw new RangeError(`no validator set for height ${height}`);
    while (this.sets.length < height) {
      const previous = this.sets.at(-1)!;
      const changes = this.changes.get(this.sets.length + 1);
      this.sets.push(changes === undefined ? previous.next() : previous.withChanges(changes).next());
    }
    return this.sets[height - 1]!;
  }
}
