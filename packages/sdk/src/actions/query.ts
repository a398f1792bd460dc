import { endpoints } from '@hanglian/api';
import type {
  ChainModuleName,
  ChainQueryName,
  ChainQueryParams,
  ChainQueryResult,
} from '@hanglian/state-machine/client';
import type { BaseClient } from '../baseClient.js';

export interface QueryParameters {
  /** The module, e.g. `settlement`. */
  readonly module: string;
  /** The query, e.g. `balance` (each module's README lists its queries). */
  readonly name: string;
  /** The query's JSON parameters. */
  readonly params?: unknown;
}
export interface QueryReturnType<T> {
  /** The height of the state the answer was read from. */
  readonly height: number;
  readonly result: T;
}

/** The params argument of a chain query: optional where the query takes none that are required. */
export type ChainQueryArgs<M extends ChainModuleName, Q extends ChainQueryName<M>> =
  Record<string, never> extends ChainQueryParams<M, Q>
    ? [params?: ChainQueryParams<M, Q>]
    : [params: ChainQueryParams<M, Q>];

/**
 * Runs a module's read-only query on the node's latest state. Named by module and query, it is typed end
 * to end by the chain's own table (`ChainQueries` of `@hanglian/state-machine/client`): the params by the
 * query's schema, the result by what the query returns, as JSON. The answer is not proven: for a value an
 * app must trust, read the state key with `getVerifiedState`.
 *
 * @example
 * ```ts
 * const { result: listings } = await query(client, 'catalog', 'listings', { merchant: 'bookstore' });
 * listings[0]?.stock; // number
 * ```
 */
export function query<M extends ChainModuleName, Q extends ChainQueryName<M>>(
  client: BaseClient,
  module: M,
  name: Q,
  ...params: ChainQueryArgs<M, Q>
): Promise<QueryReturnType<ChainQueryResult<M, Q>>>;
/**
 * A query by name only, for modules outside the chain's table (untyped: the caller states `T`).
 *
 * @example
 * ```ts
 * const { result } = await query<{ amount: number }>(client, { module: 'settlement', name: 'balance', params: { address } });
 * ```
 */
export function query<T = unknown>(
  client: BaseClient,
  parameters: QueryParameters,
): Promise<QueryReturnType<T>>;
/**
 * Both forms, one request: `POST /v1/query/:module/:name`.
 *
 * @example
 * ```ts
 * await query(client, 'orders', 'parameters');
 * ```
 */
export async function query(
  client: BaseClient,
  moduleOrParameters: string | QueryParameters,
  name?: string,
  params?: unknown,
): Promise<QueryReturnType<unknown>> {
  const parameters: QueryParameters =
    typeof moduleOrParameters === 'string'
      ? { module: moduleOrParameters, name: name ?? '', params }
      : moduleOrParameters;
  // POST keeps arbitrary parameters out of URL length limits and logs.
  const answer = await client.request(endpoints.postQuery, {
    params: { module: parameters.module, name: parameters.name },
    body: parameters.params === undefined ? {} : { params: parameters.params },
  });
  return answer as QueryReturnType<unknown>;
}
