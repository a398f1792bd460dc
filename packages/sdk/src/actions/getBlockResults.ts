import { endpoints } from '@hanglian/api';
import type { BaseClient } from '../baseClient.js';
import type { ResponseOf } from '../transport.js';

export interface GetBlockResultsParameters {
  /** A height, or `'latest'` (the default). */
  readonly height?: number | 'latest';
}
export type GetBlockResultsReturnType = ResponseOf<typeof endpoints.getBlockResults>;

/**
 * Each transaction's result (code, message, gas, events) in a block, and the block-level events.
 *
 * @example
 * ```ts
 * const { txResults } = await getBlockResults(client, { height: 12 });
 * const failed = txResults.filter((r) => r.code !== 'OK');
 * ```
 */
export function getBlockResults(
  client: BaseClient,
  parameters: GetBlockResultsParameters = {},
): Promise<GetBlockResultsReturnType> {
  return client.request(endpoints.getBlockResults, {
    params: { height: String(parameters.height ?? 'latest') },
  });
}
