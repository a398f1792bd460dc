/**
 * Ports for tests that start nodes, devnets or servers, in one place (it replaces five copies of a random
 * base port and two probe-then-release pickers). Tests run beside others on the same machine, so:
 *
 * - ports are taken below Linux's ephemeral range (32768-60999), where outgoing connections take their
 *   local ports and could steal one between the choice and the bind;
 * - a range is **bound** while it is held (`reservePortRange`): nothing else on the machine can take it
 *   until the test releases it, right before the processes it starts bind those ports themselves.
 *   `freePortRange` is the short form for a caller that starts them at once;
 * - a server started in this process binds a random port itself (`listenBelowEphemeral`) and takes
 *   another if that one is taken: there is no moment between the choice and the bind at all.
 */
import { createServer, type Server } from 'node:net';

/** The lowest and one past the highest port handed out: below the ephemeral range. */
export const TEST_PORT_FLOOR = 10_000;
export const TEST_PORT_CEILING = 32_000;

/**
 * Ports in that span that fetch refuses to connect to (the Fetch standard's "bad ports"; Node's fetch
 * throws `bad port`): a node whose API sits on one is unreachable to the SDK. A CI run's book-story seeding
 * failed with "cannot reach the node at http://127.0.0.1:10080" before these were skipped.
 */
export const FETCH_BLOCKED_PORTS: readonly number[] = [10_080];

export interface PortRange {
  /** The first port; the range is `base .. base + count - 1`. */
  readonly base: number;
  readonly ports: readonly number[];
  /** Stops holding the ports (idempotent). */
  release(): Promise<void>;
}

function bind(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(server));
  });
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/**
 * Binds `count` consecutive ports from an even base chosen by `random` (seed it to replay a run) and holds
 * them until `release()`. Tries 50 bases before it gives up.
 */
export async function reservePortRange(
  count: number,
  random: () => number = Math.random,
): Promise<PortRange> {
  if (!Number.isInteger(count) || count < 1 || count > 1_000)
    throw new Error(`cannot reserve ${count} ports`);
  const span = Math.floor((TEST_PORT_CEILING - TEST_PORT_FLOOR - count) / 2);
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = TEST_PORT_FLOOR + 2 * Math.floor(random() * span);
    if (FETCH_BLOCKED_PORTS.some((port) => port >= base && port < base + count)) continue;
    const held: Server[] = [];
    for (let port = base; port < base + count; port++) {
      const server = await bind(port);
      if (server === undefined) break;
      held.push(server);
    }
    if (held.length === count) {
      let released: Promise<void> | undefined;
      return {
        base,
        ports: Array.from({ length: count }, (_, i) => base + i),
        release: () => {
          released ??= Promise.all(held.map(close)).then(() => undefined);
          return released;
        },
      };
    }
    await Promise.all(held.map(close));
  }
  throw new Error(`no ${count} free ports found between ${TEST_PORT_FLOOR} and ${TEST_PORT_CEILING}`);
}

/** A base such that `base .. base + count - 1` were all free a moment ago (reserved, then released). */
export async function freePortRange(count: number, random: () => number = Math.random): Promise<number> {
  const range = await reservePortRange(count, random);
  await range.release();
  return range.base;
}

/**
 * `server.listen(port, host)` as a promise of the port: it rejects with the bind's error (EADDRINUSE with
 * its port) where a bare `listen` would emit it, so that `listenBelowEphemeral` can try another port.
 */
export function listenOn(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(port);
    });
  });
}

/** Ports `listenBelowEphemeral` tries before it gives up. */
const LISTEN_ATTEMPTS = 20;

/** True when `error` says `port` itself is taken (not some other port the listen also binds). */
function isPortInUse(error: unknown, port: number): boolean {
  const { code, port: errorPort } = (error ?? {}) as { code?: unknown; port?: unknown };
  return code === 'EADDRINUSE' && (errorPort === undefined || errorPort === port);
}

/**
 * Binds a server this process starts to a random port below the ephemeral range: `listen(port)` binds it
 * (`(port) => app.listen({ host, port })`, or starts a node whose API is on `port`) and its result is
 * returned. Better than a port reserved and released when the caller binds it itself: no gap in which
 * another process takes it. A port found taken (EADDRINUSE on that port) is exchanged for another, up to
 * 20 tries; any other failure, including EADDRINUSE on a port the caller fixed, is thrown at once.
 * `random` chooses the ports (seed it to replay a run).
 */
export async function listenBelowEphemeral<T>(
  listen: (port: number) => Promise<T>,
  random: () => number = Math.random,
): Promise<T> {
  const taken: number[] = [];
  let lastError: unknown;
  for (let attempt = 0; attempt < LISTEN_ATTEMPTS; attempt++) {
    const port = TEST_PORT_FLOOR + Math.floor(random() * (TEST_PORT_CEILING - TEST_PORT_FLOOR));
    if (FETCH_BLOCKED_PORTS.includes(port)) continue;
    try {
      return await listen(port);
    } catch (error) {
      if (!isPortInUse(error, port)) throw error;
      taken.push(port);
      lastError = error;
    }
  }
  throw new Error(
    `no free port between ${TEST_PORT_FLOOR} and ${TEST_PORT_CEILING - 1} after ${LISTEN_ATTEMPTS} tries ` +
      `(in use: ${taken.join(', ') || 'none; every pick was a port fetch refuses'})`,
    { cause: lastError },
  );
}
