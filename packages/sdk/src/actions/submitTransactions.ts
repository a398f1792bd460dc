import { endpoints } from '@hanglian/api';
import { bytesToHex } from '@hanglian/core';
import type { BaseClient } from '../baseClient.js';
import type { ResponseOf } from '../transport.js';

export interface SubmitTransactionsParameters {
  /** Signed transactions (canonical bytes from `signTx`, or their hex), at most 256, admitted in this order. */
  readonly txs: ReadonlyArray<Uint8Array | string>;
}
export type SubmitTransactionsReturnType = ResponseOf<typeof endpoints.submitTransactions>;

/**
 * Submits several signed transactions in one request (`POST /v1/txs/batch`): for a gateway sending many,
 * where one request per transaction costs the node more than anything but the signatures. The answer has
 * one outcome per transaction, in order: `pending` with its id, or `refused` with the node's code. Nothing
 * is sent again here: a refused `MEMPOOL_BACKLOG` (retryable, `details.retryAfterMs`) is the caller's to
 * resend, with the submitter's later nonces after it. Follow the commits with
 * `subscribe(client, { txs: true }, …)`.
 *
 * @example
 * ```ts
 * const { results } = await submitTransactions(client, { txs: signed });
 * const refused = results.flatMap((r, i) => (r.status === 'refused' ? [{ i, code: r.code }] : []));
 * ```
 */
export function submitTransactions(
  client: BaseClient,
  parameters: SubmitTransactionsParameters,
): Promise<SubmitTransactionsReturnType> {
  const txs = parameters.txs.map((tx) => (typeof tx === 'string' ? tx : bytesToHex(tx)));
  return client.request(endpoints.submitTransactions, { body: { txs } });
}
