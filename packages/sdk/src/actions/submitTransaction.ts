import { endpoints } from '@hanglian/api';
import { bytesToHex } from '@hanglian/core';
import type { BaseClient } from '../baseClient.js';
import { HanglianSdkError } from '../errors.js';
import type { ResponseOf } from '../transport.js';

export interface SubmitTransactionParameters {
  /** The signed transaction: its canonical bytes (from `signTx`), or their hex. */
  readonly tx: Uint8Array | string;
  /**
   * Wait until the transaction is committed (or rejected) and return its final status, instead of
   * returning `pending` once the mempool has admitted it. Default false.
   */
  readonly waitForCommit?: boolean;
  /** How long the node waits for the commit, in milliseconds (default 30,000; at most 120,000). */
  readonly timeoutMs?: number;
  /**
   * How many times to send again when the node answers a busy refusal (`BUSY_REFUSALS`): MEMPOOL_BACKLOG
   * (503: more is waiting than its next few blocks can take), MEMPOOL_FULL, MEMPOOL_SENDER_LIMIT,
   * TOO_MANY_CONNECTIONS (503: its API holds its maximum of connections) or RATE_LIMITED (429: this
   * address's requests or transactions per window), waiting the node's
   * `retryAfterMs` doubled at each attempt (at most 8 s), with jitter (default 5; 0 throws at once). Other
   * refusals are thrown at once.
   */
  readonly backlogRetries?: number;
  /**
   * How many times to send again when the node answers MEMPOOL_NONCE_TOO_FAR (the nonce is further past the
   * first nonce of the submitter the node has not received than the mempool keeps waiting) while that
   * missing nonce is moving: the account's earlier transactions are arriving, so the window is coming to
   * this one. Waits 250 ms doubled at each attempt, with jitter (default 5). A refusal whose missing nonce
   * has not moved since the one before is thrown: the nonce is wrong, not early.
   */
  readonly nonceWindowRetries?: number;
}
export type SubmitTransactionReturnType = ResponseOf<typeof endpoints.submitTransaction>;

const DEFAULT_COMMIT_WAIT_MS = 30_000;
const DEFAULT_BACKLOG_RETRIES = 5;
const DEFAULT_RETRY_AFTER_MS = 1_000;
const DEFAULT_NONCE_WINDOW_RETRIES = 5;
const NONCE_WINDOW_WAIT_MS = 250;
/**
 * Refusals of a busy node, sent again after its `retryAfterMs`: nothing of the transaction was kept. The
 * account sender and the network bench resend the same ones.
 */
export const BUSY_REFUSALS: ReadonlySet<string> = new Set([
  'MEMPOOL_BACKLOG',
  'MEMPOOL_FULL',
  'MEMPOOL_SENDER_LIMIT',
  'RATE_LIMITED',
  'TOO_MANY_CONNECTIONS',
]);

/** The longest wait between two attempts, whatever the doubling gives. */
const MAX_RETRY_DELAY_MS = 8_000;

/**
 * The wait before attempt `attempt + 1`: the node's hint (or 1 s) doubled at each attempt, at most 8 s,
 * with jitter so that clients refused together do not come back together.
 *
 * @example
 * ```ts
 * const hint = error.details?.retryAfterMs; // a MEMPOOL_BACKLOG refusal's
 * await new Promise((r) => setTimeout(r, retryDelayMs(hint, attempt++)));
 * ```
 */
export function retryDelayMs(hintMs: number | undefined, attempt: number): number {
  const base = hintMs !== undefined && hintMs > 0 ? hintMs : DEFAULT_RETRY_AFTER_MS;
  return Math.min(MAX_RETRY_DELAY_MS, base * 2 ** attempt) * (0.5 + Math.random());
}

/**
 * Submits a signed transaction. A transaction the node refuses (bad signature, nonce, expiry, params...)
 * throws a `HanglianSdkError` with the node's code; a committed transaction whose command failed is
 * returned with `status: 'committed'` and its `result.code` (use `signAndSubmit` to have that thrown).
 *
 * @example
 * ```ts
 * const status = await submitTransaction(client, { tx: signTx(body, key), waitForCommit: true });
 * if (status.status === 'committed' && status.result.code === 'OK') console.log('done at', status.height);
 * ```
 */
export async function submitTransaction(
  client: BaseClient,
  parameters: SubmitTransactionParameters,
): Promise<SubmitTransactionReturnType> {
  const backlogRetries = parameters.backlogRetries ?? DEFAULT_BACKLOG_RETRIES;
  const windowRetries = parameters.nonceWindowRetries ?? DEFAULT_NONCE_WINDOW_RETRIES;
  let backlogAttempt = 0;
  let windowAttempt = 0;
  /** The submitter's next nonce at the last MEMPOOL_NONCE_TOO_FAR, to tell a moving window from a wrong nonce. */
  let lastNext: number | undefined;
  for (;;) {
    try {
      return await submitOnce(client, parameters);
    } catch (error) {
      if (!(error instanceof HanglianSdkError)) throw error;
      let delay: number;
      if (BUSY_REFUSALS.has(error.code) && backlogAttempt < backlogRetries) {
        // Back off as the node asks.
        const hint = (error.details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
        delay = retryDelayMs(typeof hint === 'number' ? hint : undefined, backlogAttempt++);
      } else if (error.code === 'MEMPOOL_NONCE_TOO_FAR' && windowAttempt < windowRetries) {
        const next = (error.details as { next?: unknown } | undefined)?.next;
        if (typeof next !== 'number' || next === lastNext) throw error;
        lastNext = next;
        delay = retryDelayMs(NONCE_WINDOW_WAIT_MS, windowAttempt++);
      } else {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function submitOnce(
  client: BaseClient,
  parameters: SubmitTransactionParameters,
): Promise<SubmitTransactionReturnType> {
  const hex = typeof parameters.tx === 'string' ? parameters.tx : bytesToHex(parameters.tx);
  const timeoutMs = parameters.timeoutMs ?? DEFAULT_COMMIT_WAIT_MS;
  return client.request(endpoints.submitTransaction, {
    body: { tx: hex },
    ...(parameters.waitForCommit
      ? {
          query: { wait: 'commit', timeoutMs },
          // The HTTP request must outlive the node's own wait, so that the node's answer (even a timeout) arrives.
          timeoutMs: timeoutMs + 10_000,
        }
      : {}),
  });
}
