/** What settlement needs from the identity module (Cosmos' expected keepers): wired in kernel.ts. */
import type { Address } from '@hanglian/core';
import type { StateReader } from '../../framework/state.js';
import type { BusinessRole, Identity, Organisation, Permission } from '../identity/stores.js';

export interface IdentityForSettlement {
  getOrganisation(state: StateReader, id: string): Organisation | undefined;
  requireOrgRole(state: StateReader, address: Address, role: BusinessRole): Organisation;
  requirePermission(state: StateReader, address: Address, permission: Permission): Identity;
}
