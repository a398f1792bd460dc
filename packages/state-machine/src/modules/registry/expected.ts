/** What the registry needs from other modules (Cosmos' expected keepers): wired where the module is built. */
import type { Address } from '@hanglian/core';
import type { StateReader, StateWriter } from '../../framework/state.js';
import type { BusinessRole, Identity, Organisation, Permission } from '../identity/stores.js';

export interface IdentityForRegistry {
  getOrganisation(state: StateReader, id: string): Organisation | undefined;
  requirePermission(state: StateReader, address: Address, permission: Permission): Identity;
  orgHasRole(state: StateReader, orgId: string, role: BusinessRole): boolean;
}

/** The kernel methods a contract may reach through `chain.call` (host.ts routes and checks them). */
export interface SettlementForRegistry {
  balanceOf(state: StateReader, address: Address): number;
  transfer(state: StateWriter, from: Address, to: Address, amount: number): void;
  /** Only for conformance runs over a scratch state: opening balances a vector names. */
  credit(state: StateWriter, to: Address, amount: number): void;
}
