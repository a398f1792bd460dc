/**
 * The client: a base (URL and request function) with every action bound to it, viem style. Actions are
 * also exported as plain functions taking the client first, so an app that bundles for browsers can
 * import only the ones it uses.
 */

import type { ChainModuleName, ChainQueryName, ChainQueryResult } from '@hanglian/state-machine/client';
import { getAccount } from './actions/getAccount.js';
import { getBlock } from './actions/getBlock.js';
import { getBlockResults } from './actions/getBlockResults.js';
import { getHeader } from './actions/getHeader.js';
import { getStateProof } from './actions/getStateProof.js';
import { getStatus } from './actions/getStatus.js';
import { getTransaction } from './actions/getTransaction.js';
import { listErrors } from './actions/listErrors.js';
import { type ChainQueryArgs, type QueryParameters, type QueryReturnType, query } from './actions/query.js';
import { submitTransaction } from './actions/submitTransaction.js';
import { submitTransactions } from './actions/submitTransactions.js';
import { waitForTransaction } from './actions/waitForTransaction.js';
import type { BaseClient } from './baseClient.js';
import { createReadHeaderFunction, createRequestFunction, type TransportOptions } from './transport.js';

export type { BaseClient } from './baseClient.js';

type Bound<F> = F extends (client: BaseClient, ...rest: infer A) => infer R ? (...args: A) => R : never;

/** A client with every action bound: `client.getStatus()` is `getStatus(client)`. */
export interface Client extends BaseClient {
  readonly getStatus: Bound<typeof getStatus>;
  readonly getBlock: Bound<typeof getBlock>;
  readonly getBlockResults: Bound<typeof getBlockResults>;
  readonly getHeader: Bound<typeof getHeader>;
  readonly getTransaction: Bound<typeof getTransaction>;
  readonly submitTransaction: Bound<typeof submitTransaction>;
  readonly submitTransactions: Bound<typeof submitTransactions>;
  readonly waitForTransaction: Bound<typeof waitForTransaction>;
  readonly getAccount: Bound<typeof getAccount>;
  readonly getStateProof: Bound<typeof getStateProof>;
  readonly query: {
    /** A chain query, typed by the chain's table: `client.query('catalog', 'listings', { sku })`. */
    <M extends ChainModuleName, Q extends ChainQueryName<M>>(
      module: M,
      name: Q,
      ...params: ChainQueryArgs<M, Q>
    ): Promise<QueryReturnType<ChainQueryResult<M, Q>>>;
    <T = unknown>(parameters: QueryParameters): Promise<QueryReturnType<T>>;
  };
  readonly listErrors: Bound<typeof listErrors>;
}

export type ClientOptions = TransportOptions;

/**
 * Creates a client of one node's HTTP API.
 *
 * @example
 * ```ts
 * import { createClient } from '@hanglian/sdk';
 * const client = createClient({ url: 'http://127.0.0.1:26650' });
 * const { chainId, height } = await client.getStatus();
 * ```
 */
export function createClient(options: ClientOptions): Client {
  const readHeaders = createReadHeaderFunction(options);
  const base: BaseClient = {
    url: options.url,
    request: createRequestFunction(options, readHeaders),
    readHeaders,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  };
  return {
    ...base,
    getStatus: (...args) => getStatus(base, ...args),
    getBlock: (...args) => getBlock(base, ...args),
    getBlockResults: (...args) => getBlockResults(base, ...args),
    getHeader: (...args) => getHeader(base, ...args),
    getTransaction: (...args) => getTransaction(base, ...args),
    submitTransaction: (...args) => submitTransaction(base, ...args),
    submitTransactions: (...args) => submitTransactions(base, ...args),
    waitForTransaction: (...args) => waitForTransaction(base, ...args),
    getAccount: (...args) => getAccount(base, ...args),
    getStateProof: (...args) => getStateProof(base, ...args),
    query: ((moduleOrParameters: string | QueryParameters, name?: string, params?: unknown) =>
      typeof moduleOrParameters === 'string'
        ? query(base, { module: moduleOrParameters, name: name ?? '', params })
        : query(base, moduleOrParameters)) as Client['query'],
    listErrors: (...args) => listErrors(base, ...args),
  };
}
