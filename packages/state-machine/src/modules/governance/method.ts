/** What other modules (and the node's consensus engine) may ask of governance. Pure functions of a state. */
import type { StateReader } from '../../framework/state.js';
import {
  DEFAULT_GOVERNANCE_PARAMETERS,
  type GovernanceParameters,
  type Proposal,
  parametersStore,
  proposalKeyId,
  proposalStore,
  type UpgradePlan,
  upgradePlanStore,
  type Validator,
} from './stores.js';
import { readValidatorSet } from './validators.js';

export class GovernanceMethod {
  /** The set that signs the next block (sorted by address). */
  currentValidators(state: StateReader): Validator[] {
    return readValidatorSet(state, 'current');
  }

  /** The set that signs the block after the next one: what the next header announces. */
  nextValidators(state: StateReader): Validator[] {
    return readValidatorSet(state, 'next');
  }

  parameters(state: StateReader): GovernanceParameters {
    return parametersStore.get(state, 'current') ?? DEFAULT_GOVERNANCE_PARAMETERS;
  }

  getProposal(state: StateReader, id: number): Proposal | undefined {
    return proposalStore.get(state, proposalKeyId(id));
  }

  /**
   * The latest software upgrade governance approved (kept after its height, as the record of what the
   * chain runs since), or undefined.
   */
  upgradePlan(state: StateReader): UpgradePlan | undefined {
    return upgradePlanStore.get(state, 'plan');
  }
}
