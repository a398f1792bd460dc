/** Shared test data: a catalogue, a purchase history, broken contracts, and a local (wallet-side) runner. */
import { ContractSandbox } from '@hanglian/contract-runtime';
import {
  CONFORMANCE_CALLER,
  contractAccount,
  type Deployment,
  MemoryState,
  runReadOnlyCall,
  SettlementMethod,
} from '@hanglian/state-machine';
import { bundleContract, PACKAGE_ROOT } from '../src/bundle.js';
import { COMMERCE_STANDARDS } from '../src/genesis.js';
import { referenceImplementation } from '../src/references.js';
import type { SearchListing, SearchPurchase } from '../src/standards/search.js';

export const BROKEN = {
  paymentUncappedMinimum: () => bundleContract(`${PACKAGE_ROOT}test/contracts/paymentUncappedMinimum.ts`),
  inventoryInventsCode: () => bundleContract(`${PACKAGE_ROOT}test/contracts/inventoryInventsCode.ts`),
  searchSponsored: () => bundleContract(`${PACKAGE_ROOT}test/contracts/searchSponsored.ts`),
  searchHidesBadMerchants: () => bundleContract(`${PACKAGE_ROOT}test/contracts/searchHidesBadMerchants.ts`),
};

const listing = (fields: Partial<SearchListing> & Pick<SearchListing, 'id' | 'title' | 'category'>) =>
  ({
    sku: `sku-${fields.id.replace('/', '-')}`,
    price: 5_000,
    stock: 10,
    merchant: fields.id.split('/')[0]!,
    channel: 'authorised',
    ...fields,
  }) as SearchListing;

/**
 * One catalogue page for the query “three body”: the book from an authorised store, the same book cheaper
 * from an outlet the publisher never authorised (串货), a sold-out collector's edition, a notebook with the
 * words in its title, and an unrelated toy.
 */
export const CATALOGUE: SearchListing[] = [
  listing({
    id: 'shop/three-body',
    title: 'The Three-Body Problem',
    category: 'books',
    price: 5_900,
    stock: 12,
  }),
  listing({
    id: 'outlet/three-body',
    title: 'Three-Body Problem (paperback)',
    category: 'books',
    price: 3_900,
    stock: 40,
    channel: 'outside-channel',
  }),
  listing({
    id: 'shop/three-body-collector',
    title: 'Three Body trilogy, collector’s box',
    category: 'books',
    price: 29_900,
    stock: 0,
  }),
  listing({
    id: 'stationer/notebook',
    title: 'Three Body notebook',
    category: 'stationery',
    price: 6_900,
    stock: 5,
  }),
  listing({ id: 'toyshop/robot', title: 'Robot kit', category: 'toys', price: 9_900, stock: 3 }),
];
export const QUERY = 'three body';

/** The consumer's private purchases: mostly stationery. */
export const HISTORY: SearchPurchase[] = [
  { sku: 'sku-pens', category: 'stationery', price: 1_200, time: 1_760_000_000_000 },
  { sku: 'sku-ink', category: 'stationery', price: 800, time: 1_762_000_000_000 },
  { sku: 'sku-paper', category: 'stationery', price: 1_500, time: 1_764_000_000_000 },
];

let sandbox: ContractSandbox | undefined;

/**
 * Runs a method of a reference implementation as a wallet would: its own sandbox, no chain, a deployment
 * assembled from the bundle (same checks and gas as the chain's `callReadOnly`, see registry README).
 */
export async function callLocally(
  id: string,
  method: string,
  args: unknown[],
  gasLimit = 50_000_000,
  at: { caller?: string; time?: number; height?: number } = {},
) {
  sandbox ??= await ContractSandbox.create();
  const implementation = referenceImplementation(id);
  const standard = COMMERCE_STANDARDS.find((s) => s.id === implementation.standard)!;
  const deployment: Deployment = {
    standard: { ...standard, registeredAt: 0 },
    code: {
      hash: implementation.codeHash,
      source: implementation.source,
      bytes: Buffer.byteLength(implementation.source),
      deployer: CONFORMANCE_CALLER,
      org: implementation.org,
      deployedAt: 0,
    },
    implementation: {
      id,
      standard: implementation.standard,
      codeHash: implementation.codeHash,
      org: implementation.org,
      displayName: implementation.displayName,
      registrant: CONFORMANCE_CALLER,
      registeredAt: 0,
      account: contractAccount(id),
      conformance: { vectors: standard.vectors.length, gasUsed: 0 },
    },
  };
  return runReadOnlyCall({
    executor: sandbox,
    deployment,
    state: new MemoryState(),
    settlement: new SettlementMethod(),
    method,
    args,
    caller: at.caller ?? CONFORMANCE_CALLER,
    height: at.height ?? 1,
    time: at.time ?? 0,
    gasLimit,
    memoryLimitBytes: 16 * 1024 * 1024,
  });
}

/** The value of a successful local call; fails the test with the contract's code otherwise. */
export async function valueLocally<T>(id: string, method: string, args: unknown[]): Promise<T> {
  const outcome = await callLocally(id, method, args);
  if (!outcome.ok) throw new Error(`${id}.${method} failed: ${outcome.code}: ${outcome.message}`);
  return outcome.value as T;
}
