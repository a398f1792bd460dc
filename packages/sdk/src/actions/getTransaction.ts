import { endpoints } from '@hanglian/api';
import type { BaseClient } from '../baseClient.js';
import type { ResponseOf } from '../transport.js';

export interface GetTransactionParameters {
  /** The transaction id: SHA-256 of its body bytes, as hex. */
  readonly txId: string;
}
export type GetTransactionReturnType = ResponseOf<typeof endpoints.getTransaction>;

/**
 * A transaction's status: `pending` (in the mempool), `committed` (with height, index and result),
 * `rejected` (with the code) or `unknown`.
 *
 * @example
 * ```ts
 * const status = await getTransaction(client, { txId });
 * if (status.status === 'committed') console.log(status.height, status.result.code);
 * ```
 */
export function getTransaction(
  client: BaseClient,
  parameters: GetTransactionParameters,
): Promise<GetTransactionReturnType> {
  return client.request(endpoints.getTransaction, { params: { id: parameters.txId.toLowerCase() } });
}
