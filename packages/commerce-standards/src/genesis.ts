/** The four commerce standards as one list, and as the registry's genesis section. */
import type { RegistryGenesis, StandardDefinition } from '@hanglian/state-machine';
import { INVENTORY_STANDARD } from './standards/inventory.js';
import { LOGISTICS_STANDARD } from './standards/logistics.js';
import { PAYMENT_STANDARD } from './standards/payment.js';
import { SEARCH_STANDARD } from './standards/search.js';

export const COMMERCE_STANDARDS: readonly StandardDefinition[] = [
  INVENTORY_STANDARD,
  PAYMENT_STANDARD,
  LOGISTICS_STANDARD,
  SEARCH_STANDARD,
];

/**
 * The registry's genesis section with the four standards, so a network starts with them (no governance
 * round needed). A fresh copy each time: a caller adding its own standards or parameters must not change
 * what the next caller gets.
 */
export function commerceGenesisSection(): RegistryGenesis {
  return { standards: structuredClone([...COMMERCE_STANDARDS]) };
}
