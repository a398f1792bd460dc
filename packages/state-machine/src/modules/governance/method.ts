/** What other modules (and the node's consensus engine) may ask of governance. Pure functions of a state. */
import type { StateReader } from '../../framework/state.js';
import {
  DEFAULT_GOVERNANCE_PARAMETERS,
  type GovernanceParameters,
  type Proposal,
  parametersStore,
  proposalKeyId,
  proposalStore,
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
}
