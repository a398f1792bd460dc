/**
 * A cap on the API's open connections. Every connection holds a file descriptor, and a node's ledger, WAL,
 * signer state and peer links need theirs: with no cap, clients waiting for commits (`wait=commit`, up to
 * 120 s each) or idle keep-alive connections could take every descriptor the process may open, and the
 * node's own file operations would then fail. Past saturation the benchmark held thousands of such
 * connections per node (docs/benchmarks.md, 2026-12-07).
 *
 * A connection over the cap is answered `503 TOO_MANY_CONNECTIONS` with a retry hint and closed, instead of
 * being dropped without a word (`server.maxConnections`), so that a client sees why. The HTTP parser is
 * already attached to it when the answer is written, so any request it then sends is marked refused and
 * never reaches a route (`isRefusedConnection`, checked first thing in `onRequest`): the client was told
 * 503, so nothing it sent may take effect.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { NodeErrors } from '../errors.js';
import { writeRawAnswer } from './clientErrors.js';

/**
 * Most API connections held open at once, by default. Under a process's usual open-file limits (20,000 on
 * the reference machine; raise `ulimit -n` with it), far above what the benchmark's clients hold (256 per
 * node), and it leaves the ledger, WAL and peer links their descriptors.
 */
export const DEFAULT_API_MAX_CONNECTIONS = 8_192;

/** How long a refused connection may stay open for its answer to leave before it is destroyed. */
const REFUSED_LINGER_MS = 5_000;
/** The retry hint of the refusal: long enough for waiting requests to settle. */
export const TOO_MANY_CONNECTIONS_RETRY_MS = 1_000;

const refused = new WeakSet<Socket>();

export interface ConnectionCounter {
  inc(): void;
  dec(): void;
}

/** True for a connection answered 503 at the cap: its requests must not run. */
export function isRefusedConnection(socket: Socket): boolean {
  return refused.has(socket);
}

/**
 * Counts `server`'s connections and refuses those past `max`. `open` follows the count (a gauge);
 * `onRefused` is told of each refusal (a counter).
 */
export function capConnections(
  server: Server,
  max: number,
  open: ConnectionCounter,
  onRefused: () => void,
): void {
  let count = 0;
  server.on('connection', (socket: Socket) => {
    if (count >= max) {
      refused.add(socket);
      onRefused();
      writeRawAnswer(
        socket,
        503,
        {
          code: NodeErrors.TOO_MANY_CONNECTIONS,
          message: `the node's API holds its maximum of ${max} connections; retry shortly`,
          details: { maxConnections: max, retryAfterMs: TOO_MANY_CONNECTIONS_RETRY_MS },
        },
        'Retry-After: 1\r\n',
      );
      socket.setTimeout(REFUSED_LINGER_MS, () => socket.destroy());
      return;
    }
    count++;
    open.inc();
    socket.once('close', () => {
      count--;
      open.dec();
    });
  });
}
