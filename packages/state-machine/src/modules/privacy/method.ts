/** What other modules may read of privacy: pure functions of a state. */
import type { StateReader } from '../../framework/state.js';
import { type Grant, grantStore, isGrantActive } from './stores.js';

export class PrivacyMethod {
  getGrant(state: StateReader, id: string): Grant | undefined {
    return grantStore.get(state, id);
  }

  /** True when the grant exists, is not revoked and has not expired at block time `time`. */
  isActive(state: StateReader, id: string, time: number): boolean {
    const grant = grantStore.get(state, id);
    return grant !== undefined && isGrantActive(grant, time);
  }
}
