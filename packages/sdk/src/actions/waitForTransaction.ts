import type { BaseClient } from '../baseClient.js';
import { HanglianSdkError, SdkErrors } from '../errors.js';
import { type GetTransactionReturnType, getTransaction } from './getTransaction.js';

export interface WaitForTransactionParameters {
  readonly txId: string;
  /** Give up after this many milliseconds (default 30,000). */
  readonly timeoutMs?: number;
  /** Time between polls in milliseconds (default 250). */
  readonly pollIntervalMs?: number;
}
export type WaitForTransactionReturnType = Extract<
  GetTransactionReturnType,
  { status: 'committed' | 'rejected' }
>;

/**
 * Polls a transaction's status until it is committed or rejected. Throws `SDK_TIMEOUT` when neither
 * happens in time (the transaction may still be committed later, until its expiry height).
 *
 * @example
 * ```ts
 * const { txId } = await submitTransaction(client, { tx });
 * const final = await waitForTransaction(client, { txId, timeoutMs: 10_000 });
 * ```
 */
export async function waitForTransaction(
  client: BaseClient,
  parameters: WaitForTransactionParameters,
): Promise<WaitForTransactionReturnType> {
  const timeoutMs = parameters.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await getTransaction(client, { txId: parameters.txId });
    if (status.status === 'committed' || status.status === 'rejected') return status;
    if (Date.now() >= deadline) {
      throw new HanglianSdkError(
        SdkErrors.SDK_TIMEOUT,
        `transaction ${parameters.txId} not final after ${timeoutMs} ms`,
        {
          details: { txId: parameters.txId, lastStatus: status.status },
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, parameters.pollIntervalMs ?? 250));
  }
}
