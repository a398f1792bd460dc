/**
 * Follows a node's commits over one server-sent event stream (`/v1/subscribe?txs=true`): each block's
 * transactions with their result codes. The network bench submits without waiting and learns every commit
 * here, as a gateway submitting at a high rate would. Holding a `wait=commit` request per transfer instead
 * made the load generator closed-loop: its pool of connections per node, each held until its transfer's
 * commit, capped what it could offer at the pool's size over the commit latency, and a transfer queued in
 * the pool behind the later nonces of its own sender held them all (two of six runs stalled that way).
 */
import { request as httpRequest } from 'node:http';

export interface CommittedTx {
  readonly id: string;
  /** `OK` or the error code of the transaction's result. */
  readonly code: string;
}

export interface CommitStream {
  /** Resolves once the node has accepted the subscription; rejects if it could not be opened. */
  readonly ready: Promise<void>;
  /** Why the stream ended early (the node closed it, a socket error), or undefined while it runs. */
  readonly error: () => string | undefined;
  close(): void;
}

/** Opens the stream on the node at `url`; `onBlock` gets each committed block's transactions in order. */
export function followCommits(url: string, onBlock: (txs: readonly CommittedTx[]) => void): CommitStream {
  let failure: string | undefined;
  let closed = false;
  let settleReady!: (error?: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    settleReady = (error) => (error === undefined ? resolve() : reject(error));
  });
  // Its own connection (no agent): the stream lives as long as the bench and must not take a pooled socket.
  const outgoing = httpRequest(`${url}/v1/subscribe?txs=true`, { headers: { accept: 'text/event-stream' } });
  const end = (why: string) => {
    if (closed) return;
    failure ??= why;
    settleReady(new Error(why));
  };
  outgoing.on('response', (response) => {
    if (response.statusCode !== 200) {
      end(`the subscription was answered HTTP ${response.statusCode}`);
      response.resume();
      return;
    }
    response.setEncoding('utf8');
    let buffer = '';
    response.on('data', (chunk: string) => {
      buffer += chunk;
      for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event === 'subscribed') settleReady();
        else if (event === 'block' && data !== undefined) {
          let txs: CommittedTx[] | undefined;
          try {
            txs = (JSON.parse(data) as { txs?: CommittedTx[] }).txs;
          } catch {
            // Below: the stream is given up, and the bench says so at the step's end.
          }
          if (txs === undefined) {
            end('the node sent a block event without its transactions');
            outgoing.destroy();
            return;
          }
          onBlock(txs);
        }
      }
    });
    response.on('end', () => end('the node closed the commit stream'));
    response.on('error', (error) => end(error.message));
  });
  outgoing.on('error', (error) => end(error.message));
  outgoing.end();
  return {
    ready,
    error: () => failure,
    close: () => {
      closed = true;
      outgoing.destroy();
    },
  };
}
