import type { StateReader } from '../../framework/state.js';

/** What the items module needs from identity: the organisation of a signer, and its business roles. */
export interface IdentityForItems {
  orgOf(state: StateReader, address: string): string | undefined;
  orgHasRole(state: StateReader, orgId: string, role: 'producer'): boolean;
}
