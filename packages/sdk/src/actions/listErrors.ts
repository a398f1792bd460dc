import { endpoints } from '@hanglian/api';
import type { BaseClient } from '../baseClient.js';
import type { ResponseOf } from '../transport.js';

export type ListErrorsReturnType = ResponseOf<typeof endpoints.listErrors>;

/**
 * The node's catalogue of error codes: code, owning package or module, kind and meaning.
 *
 * @example
 * ```ts
 * const { errors } = await listErrors(client);
 * const meaning = errors.find((e) => e.code === 'TX_NONCE_TOO_LOW')?.summary;
 * ```
 */
export function listErrors(client: BaseClient): Promise<ListErrorsReturnType> {
  return client.request(endpoints.listErrors);
}
