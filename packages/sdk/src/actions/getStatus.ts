import { endpoints } from '@hanglian/api';
import type { BaseClient } from '../baseClient.js';
import type { ResponseOf } from '../transport.js';

export type GetStatusReturnType = ResponseOf<typeof endpoints.getStatus>;

/**
 * The node's view of the chain: chain id, genesis hash, height, latest block hash and time, state root,
 * mempool and consensus state. Not verified: use `createLightClient` for answers you must trust.
 *
 * @example
 * ```ts
 * const { chainId, height } = await getStatus(client);
 * ```
 */
export function getStatus(client: BaseClient): Promise<GetStatusReturnType> {
  return client.request(endpoints.getStatus);
}
