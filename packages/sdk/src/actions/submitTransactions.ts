import { endpoints, MAX_BATCH_TXS, MAX_REQUEST_BODY_BYTES } from '@hanglian/api';
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

/** The JSON around a batch's transactions, `{"txs":[]}`, and around each one: its quotes and a comma. */
const BATCH_OVERHEAD_BYTES = 10;
const ITEM_OVERHEAD_BYTES = 3;

/**
 * How many of the leading `hexes` one `submitTransactions` request carries: at most `maxTxs` (default
 * MAX_BATCH_TXS), within the node's request body (MAX_REQUEST_BODY_BYTES), and at least one of any. An order with
 * its sealed delivery is ~3 KB of hex, so 256 of them would not fit.
 *
 * @example
 * ```ts
 * while (queue.length > 0) {
 *   await submitTransactions(client, { txs: queue.splice(0, batchLength(queue)) });
 * }
 * ```
 */
export function batchLength(hexes: readonly string[], maxTxs: number = MAX_BATCH_TXS): number {
  let bytes = BATCH_OVERHEAD_BYTES;
  let count = 0;
  for (const hex of hexes) {
    if (count === maxTxs) break;
    bytes += hex.length + ITEM_OVERHEAD_BYTES;
    if (count > 0 && bytes > MAX_REQUEST_BODY_BYTES) break;
    count++;
  }
  return count;
}
