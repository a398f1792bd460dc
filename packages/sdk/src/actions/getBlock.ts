import { endpoints } from '@hanglian/api';
import type { BaseClient } from '../baseClient.js';
import type { ResponseOf } from '../transport.js';

export interface GetBlockParameters {
  /** A height, or `'latest'` (the default). */
  readonly height?: number | 'latest';
}
export type GetBlockReturnType = ResponseOf<typeof endpoints.getBlock>;

/**
 * A block as JSON: its hash, header, transactions (hex), the commit of its parent and its own commit
 * certificate. Throws `NOT_FOUND` for a height the node does not have.
 *
 * @example
 * ```ts
 * const block = await getBlock(client, { height: 12 });
 * console.log(block.header.stateRoot, block.commit?.signatures.length);
 * ```
 */
export function getBlock(
  client: BaseClient,
  parameters: GetBlockParameters = {},
): Promise<GetBlockReturnType> {
  return client.request(endpoints.getBlock, { params: { height: String(parameters.height ?? 'latest') } });
}
