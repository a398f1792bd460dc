import type { StateReader } from '../../framework/state.js';
import type { ItemsMethod } from '../items/method.js';

/** What distribution needs from identity. */
export interface IdentityForDistribution {
  orgOf(state: StateReader, address: string): string | undefined;
  orgHasRole(state: StateReader, orgId: string, role: 'producer'): boolean;
  getOrganisation(state: StateReader, id: string): { status: string } | undefined;
}

/** What distribution needs from items: resolving codes and moving items with their trace events. */
export type ItemsForDistribution = Pick<
  ItemsMethod,
  'resolve' | 'find' | 'apply' | 'history' | 'getProduct' | 'provenance'
>;
