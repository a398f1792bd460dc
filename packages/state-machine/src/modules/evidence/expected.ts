import type { StateReader } from '../../framework/state.js';

/** What the evidence module needs from the identity module: whose node key signed the votes. */
export interface IdentityForEvidence {
  orgOf(state: StateReader, address: string): string | undefined;
}
