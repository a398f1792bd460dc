import type { StateReader } from '../../framework/state.js';
import type { DistributionMethod } from '../distribution/method.js';
import type { ItemsMethod } from '../items/method.js';

export interface IdentityForCatalog {
  orgOf(state: StateReader, address: string): string | undefined;
  orgHasRole(state: StateReader, orgId: string, role: 'merchant' | 'carrier' | 'host'): boolean;
  getOrganisation(state: StateReader, id: string): { status: string } | undefined;
}

export type ItemsForCatalog = Pick<ItemsMethod, 'getProduct' | 'stock'>;
export type DistributionForCatalog = Pick<DistributionMethod, 'isAuthorised'>;
