import { endpoints } from '@hanglian/api';
import type { BaseClient } from '../baseClient.js';
import type { ResponseOf } from '../transport.js';

export interface GetHeaderParameters {
  /** A height, or `'latest'` (the default). */
  readonly height?: number | 'latest';
}
export type GetHeaderReturnType = ResponseOf<typeof endpoints.getHeader>;

/**
 * A block's hash, header and commit certificate, without its transactions: public, unlike the block
 * itself (members only), and all a light client needs to follow the chain.
 *
 * @example
 * ```ts
 * const { header, commit } = await getHeader(client, { height: 12 });
 * console.log(header.stateRoot, commit?.signatures.length);
 * ```
 */
export function getHeader(
  client: BaseClient,
  parameters: GetHeaderParameters = {},
): Promise<GetHeaderReturnType> {
  return client.request(endpoints.getHeader, { params: { height: String(parameters.height ?? 'latest') } });
}
