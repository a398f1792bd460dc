import { endpoints } from '@hanglian/api';
import type { BaseClient } from '../client.js';

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

/**
 * Runs a module's read-only query on the node's latest state. The answer is not proven: for a value an
 * app must trust, read the state key with `getVerifiedState`.
 *
 * @example
 * ```ts
 * const { result } = await query<{ amount: number }>(client, {
 *   module: 'settlement',
 *   name: 'balance',
 *   params: { address },
 * });
 * ```
 */
export async function query<T = unknown>(
  client: BaseClient,
  parameters: QueryParameters,
): Promise<QueryReturnType<T>> {
  // POST keeps arbitrary parameters out of URL length limits and logs.
  const answer = await client.request(endpoints.postQuery, {
    params: { module: parameters.module, name: parameters.name },
    body: parameters.params === undefined ? {} : { params: parameters.params },
  });
  return answer as QueryReturnType<T>;
}
