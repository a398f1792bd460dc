/**
 * The reference implementations of the four commerce standards: which contract, which standard, and which
 * organisation publishes it. Search, payment and logistics each have two by different organisations, so a
 * consumer (or the orders module) switching between them is shown, not claimed.
 */
import { bytesToHex, sha256, utf8 } from '@hanglian/core';
import type { BusinessRole } from '@hanglian/state-machine';
import { bundleContract, PACKAGE_ROOT } from './bundle.js';
import { INVENTORY_STANDARD_ID } from './standards/inventory.js';
import { LOGISTICS_STANDARD_ID } from './standards/logistics.js';
import { PAYMENT_STANDARD_ID } from './standards/payment.js';
import { PERSONAL_SEARCH_STANDARD_ID } from './standards/personalSearch.js';
import { SEARCH_STANDARD_ID } from './standards/search.js';

export interface ReferenceImplementationSpec {
  /** The implementation id it is registered under. */
  readonly id: string;
  readonly standard: string;
  /** The organisation that deploys and registers it (it needs a role the standard admits). */
  readonly org: string;
  readonly displayName: string;
  /** The contract's TypeScript entry, relative to the package root. */
  readonly entry: string;
}

export interface ReferenceImplementation extends ReferenceImplementationSpec {
  /** The bundle: the script `registry.deployCode` takes. */
  readonly source: string;
  /** SHA-256 of the UTF-8 source, hex: the code hash `registry.registerImplementation` names. */
  readonly codeHash: string;
}

export const REFERENCE_IMPLEMENTATION_SPECS: readonly ReferenceImplementationSpec[] = [
  {
    id: 'fifo',
    standard: INVENTORY_STANDARD_ID,
    org: 'shop',
    displayName: 'First in, first out',
    entry: 'src/contracts/fifo.ts',
  },
  {
    id: 'paybank-a.payment',
    standard: PAYMENT_STANDARD_ID,
    org: 'paybank-a',
    displayName: 'PayBank A: 0.6 %',
    entry: 'src/contracts/paybankAPayment.ts',
  },
  {
    id: 'paybank-b.payment',
    standard: PAYMENT_STANDARD_ID,
    org: 'paybank-b',
    displayName: 'PayBank B: 1 %, 0.50 to 20.00',
    entry: 'src/contracts/paybankBPayment.ts',
  },
  {
    id: 'carrier-a.express',
    standard: LOGISTICS_STANDARD_ID,
    org: 'carrier-a',
    displayName: 'Carrier A Express',
    entry: 'src/contracts/carrierAExpress.ts',
  },
  {
    id: 'carrier-b.economy',
    standard: LOGISTICS_STANDARD_ID,
    org: 'carrier-b',
    displayName: 'Carrier B Economy',
    entry: 'src/contracts/carrierBEconomy.ts',
  },
  {
    id: 'platform-a.relevance',
    standard: SEARCH_STANDARD_ID,
    org: 'platform-a',
    displayName: 'Platform A: best match',
    entry: 'src/contracts/platformARelevance.ts',
  },
  {
    id: 'platform-b.bestprice',
    standard: SEARCH_STANDARD_ID,
    org: 'platform-b',
    displayName: 'Platform B: best price',
    entry: 'src/contracts/platformBBestprice.ts',
  },
  {
    id: 'platform-a.merchants',
    standard: PERSONAL_SEARCH_STANDARD_ID,
    org: 'platform-a',
    displayName: 'Platform A: merchants you trust',
    entry: 'src/contracts/platformAMerchants.ts',
  },
  {
    id: 'platform-b.discover',
    standard: PERSONAL_SEARCH_STANDARD_ID,
    org: 'platform-b',
    displayName: 'Platform B: new in what you buy',
    entry: 'src/contracts/platformBDiscover.ts',
  },
  {
    // Consumers are not members: a consumer's code reaches the chain through a platform's gateway, which
    // publishes it (docs/brief.md §1). A wallet can also run it without any registration (README).
    id: 'filter.category',
    standard: SEARCH_STANDARD_ID,
    org: 'platform-a',
    displayName: 'Only these categories (consumer filter)',
    entry: 'src/contracts/filterCategory.ts',
  },
];

/**
 * The organisations that publish the reference implementations, with the roles the standards require.
 * `shop` (merchant) is already in `standardTestNetwork()`; the others are not.
 */
export const REFERENCE_ORGANISATIONS: ReadonlyArray<{
  readonly id: string;
  readonly name: string;
  readonly roles: readonly BusinessRole[];
}> = [
  { id: 'shop', name: 'Shop Co.', roles: ['merchant', 'host'] },
  { id: 'paybank-a', name: 'PayBank A', roles: ['payment'] },
  { id: 'paybank-b', name: 'PayBank B', roles: ['payment'] },
  { id: 'carrier-a', name: 'Carrier A', roles: ['carrier'] },
  { id: 'carrier-b', name: 'Carrier B', roles: ['carrier'] },
  { id: 'platform-a', name: 'Platform A', roles: ['platform'] },
  { id: 'platform-b', name: 'Platform B', roles: ['platform'] },
];

let built: readonly ReferenceImplementation[] | undefined;

/**
 * Bundles every reference implementation (once per process; esbuild takes some tens of milliseconds each)
 * and returns them with their code hashes, ready for `registry.deployCode` and `registerImplementation`.
 */
export function buildReferenceImplementations(): readonly ReferenceImplementation[] {
  built ??= REFERENCE_IMPLEMENTATION_SPECS.map((spec) => {
    const source = bundleContract(`${PACKAGE_ROOT}${spec.entry}`);
    return { ...spec, source, codeHash: bytesToHex(sha256(utf8(source))) };
  });
  return built;
}

/** One reference implementation by id; throws for an unknown id (a typo in a test should fail loudly). */
export function referenceImplementation(id: string): ReferenceImplementation {
  const found = buildReferenceImplementations().find((implementation) => implementation.id === id);
  if (found === undefined) throw new Error(`no reference implementation ${id}`);
  return found;
}
