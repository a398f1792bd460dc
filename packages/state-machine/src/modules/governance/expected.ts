/** What governance needs from the identity module (Cosmos' expected keepers): wired in kernel.ts. */
import type { Address } from '@hanglian/core';
import type { StateReader, StateWriter } from '../../framework/state.js';
import type { NewOrganisation } from '../identity/method.js';
import type { BusinessRole, Identity, Organisation, Permission } from '../identity/stores.js';

export interface IdentityForGovernance {
  getOrganisation(state: StateReader, id: string): Organisation | undefined;
  activeOrganisationIds(state: StateReader): string[];
  requirePermission(state: StateReader, address: Address, permission: Permission): Identity;
  getIdentity(state: StateReader, address: Address): Identity | undefined;
  rotateKey(state: StateWriter, address: Address, newPublicKey: Uint8Array, height: number): Identity;
  admitOrganisation(state: StateWriter, org: NewOrganisation, height: number): Organisation;
  setOrganisationStatus(
    state: StateWriter,
    orgId: string,
    status: 'active' | 'suspended' | 'expelled',
  ): Organisation;
  setOrganisationRoles(state: StateWriter, orgId: string, roles: readonly BusinessRole[]): Organisation;
  replaceRootKey(
    state: StateWriter,
    orgId: string,
    rootPublicKey: Uint8Array,
    height: number,
  ): { oldRoot: Address; newRoot: Address };
}
