/**
 * `@hanglian/state-machine/client`: what a client (the SDK, the console, an app) shares with the chain,
 * safe to bundle for browsers. Clients import the chain's own definitions from here instead of restating
 * them, so that a change of a schema, a rule or a query's answer breaks the build where it matters:
 *
 * - every type of the state machine (command params, store records, query views), as types only;
 * - `ChainQueries`: the typed table of every module query (params and JSON result), derived from the very
 *   records the node serves (each module's `queries.ts`);
 * - pure rules a client must apply exactly as the chain does (the order's price composition);
 * - the identifier schemas commands check (SKUs, batches, regions, organisations, local ids).
 *
 * Runtime imports here reach only `@hanglian/core` and TypeBox (test/client.test.ts walks the compiled
 * import graph to keep it so): never the contract runtime, storage or a `node:` module.
 */
import type { JsonOf } from '@hanglian/core';
import type { QueryTypesOf, ResultSchemaMismatches } from './framework/module.js';
import type { createCatalogQueries } from './modules/catalog/queries.js';
import type { createDistributionQueries } from './modules/distribution/queries.js';
import type { equivocationsQuery } from './modules/evidence/queries.js';
import type { createGovernanceQueries } from './modules/governance/queries.js';
import type { createIdentityQueries } from './modules/identity/queries.js';
import type { createInsightsQueries } from './modules/insights/queries.js';
import type { interchainQueries } from './modules/interchain/queries.js';
import type { createItemsQueries } from './modules/items/queries.js';
import type { lightClientQueries } from './modules/lightclients/queries.js';
import type { createOrdersQueries } from './modules/orders/queries.js';
import type { privacyQueries } from './modules/privacy/queries.js';
import type { createRegistryQueries } from './modules/registry/queries.js';
import type { reviewsQueries } from './modules/reviews/queries.js';
import type { createSettlementQueries } from './modules/settlement/queries.js';

export { AddressSchema, ChainIdSchema, IdentifierSchema } from '@hanglian/core';
export type * from './index.js';
export { LocalIdSchema } from './modules/catalog/stores.js';
export { RegionSchema } from './modules/distribution/stores.js';
export { BatchIdSchema, SkuSchema } from './modules/items/stores.js';
export { bps, type CompositionInput, composeOrder } from './modules/orders/composition.js';

/** Every module's query record, as its `queries.ts` declares it. */
interface ChainQueryRecords {
  catalog: ReturnType<typeof createCatalogQueries>;
  distribution: ReturnType<typeof createDistributionQueries>;
  evidence: { equivocations: typeof equivocationsQuery };
  governance: ReturnType<typeof createGovernanceQueries>;
  identity: ReturnType<typeof createIdentityQueries>;
  insights: ReturnType<typeof createInsightsQueries>;
  interchain: typeof interchainQueries;
  items: ReturnType<typeof createItemsQueries>;
  lightclients: typeof lightClientQueries;
  orders: ReturnType<typeof createOrdersQueries>;
  privacy: typeof privacyQueries;
  registry: ReturnType<typeof createRegistryQueries>;
  reviews: typeof reviewsQueries;
  settlement: ReturnType<typeof createSettlementQueries>;
}

/** `module.query` of every query whose `resultSchema` disagrees with what it returns: `never` is the rule. */
export type ChainResultSchemaMismatches = {
  [M in keyof ChainQueryRecords]: `${M}.${ResultSchemaMismatches<ChainQueryRecords[M]> & string}`;
}[keyof ChainQueryRecords];

/** Every module's queries: `ChainQueries['catalog']['listings']` is `{ params; result }` as the chain has them. */
export interface ChainQueries {
  catalog: QueryTypesOf<ReturnType<typeof createCatalogQueries>>;
  distribution: QueryTypesOf<ReturnType<typeof createDistributionQueries>>;
  evidence: QueryTypesOf<{ equivocations: typeof equivocationsQuery }>;
  governance: QueryTypesOf<ReturnType<typeof createGovernanceQueries>>;
  identity: QueryTypesOf<ReturnType<typeof createIdentityQueries>>;
  insights: QueryTypesOf<ReturnType<typeof createInsightsQueries>>;
  interchain: QueryTypesOf<typeof interchainQueries>;
  items: QueryTypesOf<ReturnType<typeof createItemsQueries>>;
  lightclients: QueryTypesOf<typeof lightClientQueries>;
  orders: QueryTypesOf<ReturnType<typeof createOrdersQueries>>;
  privacy: QueryTypesOf<typeof privacyQueries>;
  registry: QueryTypesOf<ReturnType<typeof createRegistryQueries>>;
  reviews: QueryTypesOf<typeof reviewsQueries>;
  settlement: QueryTypesOf<ReturnType<typeof createSettlementQueries>>;
}

export type ChainModuleName = keyof ChainQueries;
export type ChainQueryName<M extends ChainModuleName> = keyof ChainQueries[M] & string;
/** The params a query takes (its schema's static type). */
export type ChainQueryParams<
  M extends ChainModuleName,
  Q extends ChainQueryName<M>,
> = ChainQueries[M][Q] extends {
  params: infer P;
}
  ? P
  : never;
/** What the API answers for a query: its result as JSON (bytes as hex, bigints as strings). */
export type ChainQueryResult<
  M extends ChainModuleName,
  Q extends ChainQueryName<M>,
> = ChainQueries[M][Q] extends {
  result: infer R;
}
  ? JsonOf<R>
  : never;
