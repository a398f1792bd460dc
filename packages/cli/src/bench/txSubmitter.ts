/**
 * How the network bench's clients hand signed transactions to a node: one request each (`POST /v1/txs`), or
 * gathered for a few milliseconds into one `POST /v1/txs/batch`, as a gateway submitting many would. At
 * ~1,000 transfers/s one request per transfer cost each validator ~11% of its CPU in HTTP work alone
 * (docs/benchmarks.md), as much as re-executing the blocks. Either way the answer is read the same:
 * admitted, refused with the node's code, or lost on the way (to be sent again).
 */
import type { Agent } from 'node:http';
import { MAX_BATCH_TXS } from '@hanglian/api';
import { batchLength } from '@hanglian/sdk';
import { sendRequest } from './openLoop.js';

export type Admission =
  /** The node holds it (admitted now, or already pending: a resend of one that got in). */
  | { readonly kind: 'admitted' }
  | { readonly kind: 'refused'; readonly code: string; readonly retryAfterMs?: number }
  /** No answer to read: a socket error, a timeout, a body that is not JSON. The node may not have it. */
  | { readonly kind: 'lost'; readonly error: string };

export interface TxSubmitter {
  submit(hex: string): Promise<Admission>;
}

const REQUEST_TIMEOUT_MS = 10_000;

/** What one transaction's answer says: `{ status: 'pending' }`, or a refusal `{ code, details? }`. */
function admissionOf(answer: {
  status?: string;
  code?: string;
  details?: { retryAfterMs?: number };
}): Admission {
  if (answer.status === 'pending' || answer.code === 'MEMPOOL_DUPLICATE') return { kind: 'admitted' };
  return {
    kind: 'refused',
    code: answer.code ?? `status ${answer.status}`,
    ...(answer.details?.retryAfterMs === undefined ? {} : { retryAfterMs: answer.details.retryAfterMs }),
  };
}

/** One `POST /v1/txs` per transaction. */
export function singleSubmitter(agent: Agent, nodeUrl: string): TxSubmitter {
  return {
    async submit(hex) {
      const { status, body, error } = await sendRequest(
        agent,
        { method: 'POST', url: `${nodeUrl}/v1/txs`, body: `{"tx":"${hex}"}` },
        REQUEST_TIMEOUT_MS,
      );
      if (error !== undefined) return { kind: 'lost', error };
      try {
        return admissionOf(JSON.parse(body));
      } catch {
        return { kind: 'lost', error: `HTTP ${status}, not JSON` };
      }
    },
  };
}

/**
 * Gathers what is submitted within `windowMs` of the first into one `POST /v1/txs/batch` (at most 256 a
 * request), in submission order, and answers each from its place in the batch's results. A refusal of the
 * whole request (its connection cap, its rate limit) is each one's refusal.
 */
export function batchSubmitter(agent: Agent, nodeUrl: string, windowMs: number): TxSubmitter {
  let pending: Array<{ hex: string; answer: (admission: Admission) => void }> = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const taken = pending;
    pending = [];
    // As many a request as the node takes: at most MAX_BATCH_TXS, within its body limit (the SDK's rule).
    for (let at = 0; at < taken.length; ) {
      const next = taken.slice(at, at + MAX_BATCH_TXS);
      const batch = next.slice(0, batchLength(next.map((item) => item.hex)));
      void send(batch);
      at += batch.length;
    }
  };
  const send = async (batch: typeof pending) => {
    const { status, body, error } = await sendRequest(
      agent,
      {
        method: 'POST',
        url: `${nodeUrl}/v1/txs/batch`,
        body: `{"txs":[${batch.map(({ hex }) => `"${hex}"`).join(',')}]}`,
      },
      REQUEST_TIMEOUT_MS,
    );
    let answer: { results?: unknown[]; code?: string; details?: { retryAfterMs?: number } } | undefined;
    try {
      if (error === undefined) answer = JSON.parse(body);
    } catch {
      // Not JSON: lost, below.
    }
    batch.forEach(({ answer: tell }, i) => {
      if (answer === undefined) tell({ kind: 'lost', error: error ?? `HTTP ${status}, not JSON` });
      else if (answer.results !== undefined) {
        const result = answer.results[i];
        tell(
          typeof result === 'object' && result !== null
            ? admissionOf(result)
            : { kind: 'lost', error: `no result for item ${i} of ${batch.length}` },
        );
      } else tell(admissionOf(answer));
    });
  };
  return {
    submit(hex) {
      return new Promise((answer) => {
        pending.push({ hex, answer });
        if (scheduled) return;
        scheduled = true;
        setTimeout(flush, windowMs);
      });
    },
  };
}
