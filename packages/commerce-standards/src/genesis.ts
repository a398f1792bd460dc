/**
 * The commerce standards as one list (inventory, payment, logistics, search/1 and search/2), and as the
 * registry's genesis section.
 */
import type { RegistryGenesis, StandardDefinition } from '@hanglian/state-machine';
import { INVENTORY_STANDARD } from './standards/inventory.js';
import { LOGISTICS_STANDARD } from './standards/logistics.js';
import { PAYMENT_STANDARD } from './standards/payment.js';
import { PERSONAL_SEARCH_STANDARD } from './standards/personalSearch.js';
import { SEARCH_STANDARD } from './standards/search.js';

/**
 * The query gas limit of a commerce network (the registry's default is 50 M): see docs/commerce.md, "Personalised
 * search", for the measured cost of the largest request.
 */
export const COMMERCE_QUERY_GAS_LIMIT = 400_000_000;

export const COMMERCE_STANDARDS: readonly StandardDefinition[] = [
  INVENTORY_STANDARD,
  PAYMENT_STANDARD,
  LOGISTICS_STANDARD,
  SEARCH_STANDARD,
  PERSONAL_SEARCH_STANDARD,
];

/**
 * The registry's genesis section with the commerce standards, so a network starts with them (no governance
 * round needed), and the query gas limit a personalised search needs: ranking 1,000 listings with a
 * 500-purchase context is a large read-only call (COMMERCE_QUERY_GAS_LIMIT). A fresh copy each time: a
 * caller adding its own standards or parameters must not change what the next caller gets.
 */
export function commerceGenesisSection(): RegistryGenesis {
  return {
    parameters: { queryGasLimit: COMMERCE_QUERY_GAS_LIMIT },
    standards: structuredClone([...COMMERCE_STANDARDS]),
  };
}
