/**
 * The node's HTTP API (v1): the handlers of the endpoints defined once in @hanglian/api (status, health,
 * OpenAPI, transactions, blocks, state proofs, module queries, operator endpoints).
 * Transactions arrive as canonical bytes (hex in JSON, or raw `application/octet-stream`); everything
 * returned is JSON with bytes as hex. Every error is `{ code, message, details? }` with the HTTP status
 * of its kind.
 */
import { timingSafeEqual } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import {
  type EndpointDefinition,
  endpoints,
  MAX_REQUEST_BODY_BYTES,
  openApiDocument,
  openApiHtml,
} from '@hanglian/api';
import {
  blockHash,
  bytesToHex,
  type ErrorKind,
  ed25519Sha256,
  encodeCanonical,
  errorCodeSpec,
  HanglianError,
  hexToBytes,
  listErrorCodes,
  merkleListProof,
  toJsonValue,
  txResultCodec,
  utf8,
} from '@hanglian/core';
import type { ReadAccess } from '@hanglian/state-machine';
import type { Static, TSchema } from '@sinclair/typebox';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { NodeErrors } from '../errors.js';
import { DEFAULT_RATE_LIMIT } from '../options.js';
import type { CommittedBlockEvent, TxStatus } from '../status.js';
import type { ApiBackend } from './backend.js';
import { answerClientError } from './clientErrors.js';
import { capConnections, DEFAULT_API_MAX_CONNECTIONS, isRefusedConnection } from './connectionCap.js';
import { type ConsoleOptions, registerConsole } from './console.js';
import { RAW_BODY, type ReaderCheckContext, requireReader } from './readerAuth.js';
import { TxBudget } from './txBudget.js';

export interface ApiServer {
  readonly url: string;
  close(): Promise<void>;
}

const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

const DEFAULT_WAIT_MS = 15_000;
const MAX_SUBSCRIBERS = 1_000;

function notFound(what: string): HanglianError {
  return new HanglianError(NodeErrors.NOT_FOUND, `${what} not found`);
}

/**
 * A transaction's status as `reader` may see it. Its result's events are block results, members-only (the
 * public-read rule, docs/privacy.md): the public sees the code, message and gas, `events` empty and
 * `eventsWithheld` set. Whoever posts a transaction and waits for it holds its signed bytes (members-only
 * too) and gets the whole result.
 */
function statusFor(status: TxStatus, reader: ReadAccess): TxStatus | (TxStatus & { eventsWithheld: true }) {
  if (reader === 'members' || status.status !== 'committed') return status;
  return { ...status, result: { ...status.result, events: [] }, eventsWithheld: true };
}

function parseHeight(raw: string, latest: number): number {
  if (raw === 'latest') return latest;
  if (!/^\d{1,15}$/.test(raw))
    throw new HanglianError(NodeErrors.BAD_REQUEST, 'height must be a number or "latest"');
  return Number(raw);
}

export interface ApiOptions {
  readonly host: string;
  readonly port: number;
  /** Requests per client address per window before 429 RATE_LIMITED (default: options.ts). */
  readonly rateLimit?: { readonly max: number; readonly windowMs: number };
  /** Serve the web console's build at `/` (packages/node/src/api/console.ts). */
  readonly console?: ConsoleOptions;
  /**
   * Most connections held open at once; one more is answered 503 TOO_MANY_CONNECTIONS and closed (default:
   * options.ts). Keep it under the process's open-file limit (`ulimit -n`), with room for the ledger,
   * the WAL and peer links.
   */
  readonly maxConnections?: number;
}

/** The static type of an endpoint's schema part (`unknown` where it has none). */
type StaticOf<S> = S extends TSchema ? Static<S> : unknown;
/** A request to endpoint `E` as Fastify hands it over after checking it against `E`'s schemas. */
type RequestOf<E extends EndpointDefinition> = FastifyRequest<{
  Params: StaticOf<E['params']>;
  Querystring: StaticOf<E['query']>;
  Body: StaticOf<E['body']>;
}>;

/** Connections waiting to be accepted, at most (the kernel's net.core.somaxconn caps it). */
export const API_LISTEN_BACKLOG = 4096;

/** Serves the API of `node` (what it needs of a node: api/backend.ts). */
export async function startApiServer(
  node: ApiBackend,
  listen: ApiOptions,
  adminToken?: string,
): Promise<ApiServer> {
  const app: FastifyInstance = Fastify({
    logger: false,
    bodyLimit: MAX_REQUEST_BODY_BYTES,
    // A stopping node ends every connection: waiting requests (`wait=commit`, subscriptions) and idle
    // keep-alive ones would otherwise hold `close()` (and SIGTERM) for up to the 72 s keep-alive timeout.
    forceCloseConnections: true,
    // Requests refused by the HTTP parser (431 and the like) get a coded answer too.
    clientErrorHandler: answerClientError,
  });
  const maxConnections = listen.maxConnections ?? DEFAULT_API_MAX_CONNECTIONS;
  capConnections(app.server, maxConnections, node.metrics.apiConnections, () =>
    node.metrics.apiConnectionsRefused.inc(),
  );
  // Before every other hook (the rate limit's included): a connection refused at the cap was answered 503,
  // so nothing it sends may run.
  app.addHook('onRequest', async (request, reply) => {
    if (isRefusedConnection(request.raw.socket)) return reply.hijack();
  });
  const limit = listen.rateLimit ?? DEFAULT_RATE_LIMIT;
  // Transactions per address per window, apart from requests: a batch counts as many as it carries.
  const txBudget = new TxBudget(limit.max, limit.windowMs);
  const overTxBudget = (retryAfterMs: number) =>
    new HanglianError(
      NodeErrors.RATE_LIMITED,
      `more than ${limit.max} transactions in ${limit.windowMs} ms from this address`,
      { details: { retryAfterMs } },
    );
  await app.register(rateLimit, {
    global: true,
    max: limit.max,
    timeWindow: limit.windowMs,
    errorResponseBuilder: (_request, context) =>
      new HanglianError(
        NodeErrors.RATE_LIMITED,
        `more than ${context.max} requests in ${limit.windowMs} ms`,
        {
          details: { retryAfterMs: context.ttl },
        },
      ),
  });

  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );
  // JSON as fastify parses it (prototype-poisoning checks included), keeping the bytes for signed reads.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    (request as FastifyRequest & { [RAW_BODY]?: Uint8Array })[RAW_BODY] = utf8(body as string);
    parseJson(request, body as string, done);
  });
  const readers: ReaderCheckContext = {
    chainId: node.chain.chainId,
    suite: ed25519Sha256,
    isActiveMember: (address) => node.chain.isActiveMember(address),
    now: () => Date.now(),
  };

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof HanglianError) {
      const kind = errorCodeSpec(error.code)?.kind ?? 'internal';
      void reply.status(STATUS_OF_KIND[kind]).send(toJsonValue(error.toJSON()));
      return;
    }
    const fastifyError = error as {
      statusCode?: number;
      code?: string;
      message: string;
      validation?: unknown;
    };
    if (fastifyError.validation !== undefined) {
      void reply.status(400).send({ code: NodeErrors.BAD_REQUEST, message: fastifyError.message });
      return;
    }
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      void reply.status(413).send({
        code: 'ENCODING_TOO_LARGE',
        message: `request body exceeds ${MAX_REQUEST_BODY_BYTES} bytes`,
      });
      return;
    }
    if (fastifyError.statusCode !== undefined && fastifyError.statusCode < 500) {
      void reply
        .status(fastifyError.statusCode)
        .send({ code: NodeErrors.BAD_REQUEST, message: fastifyError.message });
      return;
    }
    node.logger.error({ err: error }, 'unexpected API error');
    void reply.status(500).send({ code: 'INTERNAL', message: 'internal error' });
  });

  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send({ code: NodeErrors.NOT_FOUND, message: `no route ${request.method} ${request.url}` });
  });

  /** Registers the handler of one endpoint definition: the definition gives path, method and schemas. */
  const route = <E extends EndpointDefinition>(
    endpoint: E,
    handler: (request: RequestOf<E>, reply: FastifyReply) => Promise<unknown>,
    scope: FastifyInstance = app,
  ) => {
    scope.route({
      method: endpoint.method,
      url: endpoint.path,
      schema: {
        ...(endpoint.params === undefined ? {} : { params: endpoint.params }),
        ...(endpoint.query === undefined ? {} : { querystring: endpoint.query }),
        // A raw-body endpoint validates its JSON body itself, since the schema cannot describe bytes.
        ...(endpoint.body === undefined || endpoint.acceptsRawBody ? {} : { body: endpoint.body }),
      },
      handler: async (request, reply) => {
        if (endpoint.auth === 'members') requireReader(request, 'members', readers);
        // Fastify checked params, query and body against the endpoint's schemas (a raw body excepted).
        const result = await handler(request as RequestOf<E>, reply);
        // A streaming handler has taken over the raw response.
        if (reply.sent) return reply;
        if (endpoint.produces !== undefined) void reply.type(endpoint.produces);
        return result;
      },
    });
  };

  route(endpoints.getStatus, async () => {
    const chain = node.chain;
    const consensus = node.consensus;
    return toJsonValue({
      node: node.name,
      chainId: chain.chainId,
      genesisHash: chain.genesisHash,
      height: chain.height,
      latestBlockHash: chain.latestHash,
      latestBlockTime: chain.latestTime,
      stateRoot: chain.stateRoot,
      mempool: { size: node.mempool.size, bytes: node.mempool.bytes },
      consensus: {
        height: consensus.height ?? null,
        round: consensus.round ?? null,
        peers: consensus.peers,
        unlinkedValidators: consensus.unlinkedValidators,
      },
    });
  });

  const document = openApiDocument({ version: '0.1.0' }, node.stateMachine.describe());
  const page = openApiHtml(document);
  route(endpoints.getOpenApi, async () => document);
  route(endpoints.getDocs, async () => page);
  route(endpoints.getHealth, async () => ({ status: 'ok' }));
  route(endpoints.getReady, async () => {
    const { ready, reasons, ...figures } = node.readiness();
    if (!ready) {
      throw new HanglianError(NodeErrors.NODE_NOT_READY, `not ready: ${reasons.join('; ')}`, {
        details: { reasons, ...figures },
      });
    }
    return { status: 'ready', ...figures };
  });
  route(endpoints.getMetrics, async () => node.metrics.registry.metrics());

  let subscribers = 0;
  route(endpoints.subscribe, async (request, reply) => {
    const q = request.query;
    // Blocks and a transaction's fate are anyone's (its events only members'); chain events are members'.
    const filtersEvents = q.module !== undefined || q.name !== undefined || q.topic !== undefined;
    const reader = requireReader(request, filtersEvents ? 'members' : 'public', readers);
    if (subscribers >= MAX_SUBSCRIBERS) {
      throw new HanglianError(
        NodeErrors.RATE_LIMITED,
        `this node already serves ${MAX_SUBSCRIBERS} subscriptions`,
      );
    }
    subscribers++;
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const send = (event: string, data: unknown) =>
      out.write(`event: ${event}\ndata: ${JSON.stringify(toJsonValue(data))}\n\n`);
    const txId = q.tx?.toLowerCase();
    const wantsEvents = q.module !== undefined || q.name !== undefined || q.topic !== undefined;
    const onBlock = (block: CommittedBlockEvent) => {
      if (q.blocks || q.txs)
        send('block', {
          height: block.height,
          hash: block.hash,
          time: block.time,
          txCount: block.txIds.length,
          // Ids and result codes are public, as each transaction's status is; events stay members'.
          ...(q.txs
            ? { txs: block.txIds.map((id, i) => ({ id, code: block.results.txResults[i]!.code })) }
            : {}),
        });
      if (txId !== undefined && block.txIds.includes(txId))
        send('tx', statusFor(node.txStatus(txId), reader));
      if (!wantsEvents) return;
      block.results.txResults.forEach((result, index) => {
        for (const e of result.events) {
          if (q.module !== undefined && e.module !== q.module) continue;
          if (q.name !== undefined && e.name !== q.name) continue;
          if (q.topic !== undefined && !e.topics.includes(q.topic)) continue;
          send('chain-event', { height: block.height, txId: block.txIds[index], index, ...e });
        }
      });
    };
    node.events.on('block', onBlock);
    // Comments keep proxies from closing an idle stream.
    const keepAlive = setInterval(() => out.write(': keep-alive\n\n'), 15_000);
    const close = () => {
      clearInterval(keepAlive);
      node.events.off('block', onBlock);
      subscribers--;
    };
    request.raw.once('close', close);
    send('subscribed', { height: node.chain.height });
    if (txId !== undefined) {
      const status = node.txStatus(txId);
      if (status.status === 'committed' || status.status === 'rejected')
        send('tx', statusFor(status, reader));
    }
  });
  route(endpoints.listErrors, async () => ({ errors: listErrorCodes() }));

  route(endpoints.submitTransaction, async (request, reply) => {
    const body = request.body as unknown;
    let bytes: Uint8Array;
    if (Buffer.isBuffer(body)) bytes = new Uint8Array(body);
    else if (typeof body === 'object' && body !== null && typeof (body as { tx?: unknown }).tx === 'string') {
      bytes = hexToBytes((body as { tx: string }).tx);
    } else {
      throw new HanglianError(
        NodeErrors.BAD_REQUEST,
        'send {"tx": "<hex of the signed transaction>"} or raw bytes',
      );
    }
    const grant = txBudget.take(request.ip, 1);
    if (grant.granted === 0) throw overTxBudget(grant.retryAfterMs);
    const tx = node.submit(bytes);
    const txId = bytesToHex(tx.id);
    const query = request.query;
    if (query.wait !== 'commit') {
      void reply.status(202);
      return { txId, status: 'pending' };
    }
    return toJsonValue(await node.waitForTx(txId, query.timeoutMs ?? DEFAULT_WAIT_MS));
  });

  // Each in order, as one request each would be: a refusal answers that transaction only. Admitted in one
  // event-loop turn, they go to peers as one relay batch too.
  route(endpoints.submitTransactions, async (request) => {
    const { txs } = request.body as { txs: string[] };
    const grant = txBudget.take(request.ip, txs.length);
    // Past the address's budget the rest are refused before anything is decoded, with one answer built once.
    const overBudget =
      grant.granted < txs.length
        ? { status: 'refused' as const, ...overTxBudget(grant.retryAfterMs).toJSON() }
        : undefined;
    const results = txs.map((hex, i) => {
      if (overBudget !== undefined && i >= grant.granted) return overBudget;
      try {
        return { status: 'pending' as const, txId: bytesToHex(node.submit(hexToBytes(hex)).id) };
      } catch (error) {
        // Only admission's own refusals are answers; anything else is this node's fault, not the batch's.
        if (!(error instanceof HanglianError)) throw error;
        return { status: 'refused' as const, ...error.toJSON() };
      }
    });
    return { results };
  });

  route(endpoints.getTransaction, async (request) => {
    const { id } = request.params;
    // A result's events (settlement transfers: payer, payee, amount) are block results: members-only.
    const reader = requireReader(request, 'public', readers);
    return toJsonValue(statusFor(node.txStatus(id.toLowerCase()), reader));
  });

  route(endpoints.getTransactionProof, async (request) => {
    const { id } = request.params;
    const chain = node.chain;
    const location = chain.locateTx(hexToBytes(id));
    const block = location === undefined ? undefined : chain.getBlock(location.height);
    const results = location === undefined ? undefined : chain.getResults(location.height);
    const commit = location === undefined ? undefined : chain.getCommit(location.height);
    const validators = location === undefined ? undefined : chain.validatorsAt(location.height);
    if (
      location === undefined ||
      block === undefined ||
      results === undefined ||
      commit === undefined ||
      validators === undefined
    ) {
      throw notFound(`committed transaction ${id}`);
    }
    const resultItems = [
      ...results.txResults.map((r) => txResultCodec.encode(r)),
      encodeCanonical(results.blockEvents),
    ];
    return toJsonValue({
      txId: id.toLowerCase(),
      height: location.height,
      index: location.index,
      tx: block.txs[location.index],
      inclusion: merkleListProof(block.txs, location.index),
      resultBytes: resultItems[location.index],
      result: results.txResults[location.index],
      resultInclusion: merkleListProof(resultItems, location.index),
      header: block.header,
      commit,
      validators,
    });
  });

  route(endpoints.getBlockValidators, async (request) => {
    const chain = node.chain;
    const height = parseHeight(request.params.height, chain.height);
    const validators = chain.validatorsAt(height);
    if (validators === undefined) throw notFound(`validators of block ${height}`);
    return toJsonValue({ height, validators });
  });

  route(endpoints.getAccount, async (request) => {
    const { address } = request.params;
    return { address, height: node.chain.height, nextNonce: node.chain.nextNonce(address) };
  });

  route(endpoints.getBlock, async (request) => {
    const chain = node.chain;
    const height = parseHeight(request.params.height, chain.height);
    const block = chain.getBlock(height);
    if (block === undefined) throw notFound(`block ${height}`);
    return toJsonValue({
      hash: blockHash(block.header),
      header: block.header,
      txs: block.txs,
      lastCommit: block.lastCommit,
      commit: chain.getCommit(height) ?? null,
    });
  });

  route(endpoints.getHeader, async (request) => {
    const chain = node.chain;
    const height = parseHeight(request.params.height, chain.height);
    const block = chain.getBlock(height);
    if (block === undefined) throw notFound(`block ${height}`);
    return toJsonValue({
      hash: blockHash(block.header),
      header: block.header,
      commit: chain.getCommit(height) ?? null,
    });
  });

  route(endpoints.getBlockResults, async (request) => {
    const chain = node.chain;
    const height = parseHeight(request.params.height, chain.height);
    const results = chain.getResults(height);
    if (results === undefined) throw notFound(`results of block ${height}`);
    return toJsonValue(results);
  });

  route(endpoints.getStateProof, async (request) => {
    const q = request.query;
    if ((q.key === undefined) === (q.path === undefined)) {
      throw new HanglianError(
        NodeErrors.BAD_REQUEST,
        'give exactly one of key (hex) or path (text such as settlement/balances/hl…)',
      );
    }
    const key = q.key !== undefined ? hexToBytes(q.key) : utf8(q.path!);
    requireReader(request, node.chain.stateAccess(q.path ?? new TextDecoder().decode(key)), readers);
    const height = q.height ?? node.chain.height;
    if (!node.chain.hasStateAt(height)) {
      throw notFound(`state at height ${height}`);
    }
    if (node.chain.isStatePruned(height)) {
      throw new HanglianError(
        NodeErrors.STATE_PRUNED,
        `the state at height ${height} was pruned; this node keeps heights from ${node.chain.statePrunedBelow()} and snapshots`,
      );
    }
    const proof = node.chain.prove(key, height);
    return toJsonValue({
      height: proof.version,
      root: proof.root,
      key: proof.key,
      value: proof.value,
      proof: proof.proof,
      header: height === 0 ? null : (node.chain.getBlock(height)?.header ?? null),
      commit: height === 0 ? null : (node.chain.getCommit(height) ?? null),
    });
  });

  const runQuery = async (request: FastifyRequest, module: string, name: string, params: unknown) => {
    // Unknown queries and bad params fail first, with their own codes; then who may ask. Queries that run
    // contract code are answered by the node's query workers, never on this thread (QUERY_BUSY when full).
    const { height, result } = await node.query(module, name, params, (access) =>
      requireReader(request, access, readers),
    );
    return toJsonValue({ height, result });
  };

  route(endpoints.getQuery, async (request) => {
    const { module, name } = request.params;
    const raw = request.query.params;
    let params: unknown = {};
    if (raw !== undefined) {
      try {
        params = JSON.parse(raw);
      } catch {
        throw new HanglianError(NodeErrors.BAD_REQUEST, 'params must be JSON');
      }
    }
    return runQuery(request, module, name, params);
  });

  route(endpoints.postQuery, async (request) => {
    const { module, name } = request.params;
    const body = request.body ?? {};
    return runQuery(request, module, name, body.params ?? {});
  });

  if (listen.console !== undefined) await registerConsole(app, listen.console);

  if (adminToken !== undefined) {
    const expected = Buffer.from(`Bearer ${adminToken}`);
    app.register(async (admin) => {
      admin.addHook('onRequest', async (request) => {
        const given = Buffer.from(request.headers.authorization ?? '');
        // Constant-time comparison: the token must not leak through response timing.
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          throw new HanglianError(
            NodeErrors.ADMIN_UNAUTHORIZED,
            'operator endpoints need the node admin token',
          );
        }
      });
      route(
        endpoints.isolateNetwork,
        async () => {
          node.setIsolated(true);
          return { isolated: true };
        },
        admin,
      );
      route(
        endpoints.restoreNetwork,
        async () => {
          node.setIsolated(false);
          return { isolated: false };
        },
        admin,
      );
    });
  }

  // A burst of new clients (a wallet fleet, a load generator) waits in the kernel's accept queue while the
  // event loop is busy. Node's default queue of 511 overflowed at 1,600 transfers/s offered on the bench
  // (the kernel logged SYN flooding on the API ports and clients got ECONNRESET); the kernel caps this at
  // net.core.somaxconn.
  try {
    await app.listen({ host: listen.host, port: listen.port, backlog: API_LISTEN_BACKLOG });
  } catch (error) {
    // The port is taken (or not ours to bind): the app and its plugins go, so a retried start leaks nothing.
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : listen.port;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return { url: `http://${host}:${port}`, close: () => app.close() };
}
