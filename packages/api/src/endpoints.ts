/**
 * Every endpoint of the node's HTTP API, defined once: the node registers its handlers through these
 * definitions, the OpenAPI document is generated from them, and the SDK's client calls them. A route
 * that is not here does not exist.
 */
import { type TSchema, Type } from '@sinclair/typebox';
import type { DataSource } from './sources.js';
import {
  AccountView,
  Address,
  BlockResultsView,
  BlockView,
  ErrorCatalogueView,
  Hash,
  HeaderAndCommitView,
  QueryView,
  ReadinessView,
  StateProofView,
  StatusView,
  TxBatchView,
  TxProofView,
  TxStatusView,
  ValidatorsView,
} from './views.js';

export type HttpMethod = 'GET' | 'POST';

export interface EndpointDefinition {
  readonly id: string;
  readonly method: HttpMethod;
  /** Fastify-style path with `:param` segments. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: 'node' | 'transactions' | 'blocks' | 'state' | 'operator';
  readonly params?: TSchema;
  readonly query?: TSchema;
  readonly body?: TSchema;
  readonly response: TSchema;
  readonly successStatus?: number;
  /** Error codes this endpoint is known to answer with (besides the generic ones). */
  readonly errors?: readonly string[];
  /**
   * `admin`: needs `Authorization: Bearer <node admin token>`. `members`: a member identity signs the
   * request (core's readRequest.ts). `depends`: open for public queries and stores, signed otherwise.
   * Absent: open to anyone.
   */
  readonly auth?: 'admin' | 'members' | 'depends';
  /**
   * What the answer is made of (sources.ts). An endpoint open to anyone (`auth` absent or `depends`) lists
   * only public or per-read sources here, and names in `membersSources` what it adds for a member's
   * signed request. `submitTransaction` answers whoever holds the signed transaction (members-only bytes):
   * its events are the submitter's own.
   */
  readonly sources: readonly DataSource[];
  readonly membersSources?: readonly DataSource[];
  /** Also accepts the body as raw `application/octet-stream` bytes (the schema then applies to JSON only). */
  readonly acceptsRawBody?: boolean;
  /** The response is not JSON (a page): its media type. */
  readonly produces?: string;
}

const HeightParam = Type.Object({
  height: Type.String({ pattern: '^(latest|[0-9]{1,15})$', description: 'a height, or "latest"' }),
});
const QueryPathParams = Type.Object({
  module: Type.String({ pattern: '^[a-z][a-zA-Z0-9]{0,47}$' }),
  name: Type.String({ pattern: '^[a-z][a-zA-Z0-9]{0,47}$' }),
});
const MAX_WAIT_MS = 120_000;
/** Most transactions in one `POST /v1/txs/batch`. */
export const MAX_BATCH_TXS = 256;
/** Largest request body a node takes: a transaction is at most 64 KiB, and hex doubles it. */
export const MAX_REQUEST_BODY_BYTES = 256 * 1024;

function define<const E extends EndpointDefinition>(endpoint: E): E {
  return endpoint;
}

export const endpoints = {
  getStatus: define({
    id: 'getStatus',
    sources: ['node.status'],
    method: 'GET',
    path: '/v1/status',
    tag: 'node',
    summary: 'Chain id, height, latest block and state root, mempool and consensus state of this node',
    response: StatusView,
  }),
  getOpenApi: define({
    id: 'getOpenApi',
    sources: ['api.description'],
    method: 'GET',
    path: '/v1/openapi.json',
    tag: 'node',
    summary: 'This API described in OpenAPI 3.1',
    response: Type.Object({ openapi: Type.Literal('3.1.0') }, { additionalProperties: true }),
  }),
  getDocs: define({
    id: 'getDocs',
    sources: ['api.description'],
    method: 'GET',
    path: '/docs',
    tag: 'node',
    summary: 'A readable page of this API',
    response: Type.String(),
    produces: 'text/html',
  }),
  getHealth: define({
    id: 'getHealth',
    sources: ['node.readiness'],
    method: 'GET',
    path: '/v1/health',
    tag: 'node',
    summary: 'Liveness: the process answers',
    response: Type.Object({ status: Type.Literal('ok') }),
  }),
  getReady: define({
    id: 'getReady',
    sources: ['node.readiness'],
    method: 'GET',
    path: '/v1/ready',
    tag: 'node',
    summary:
      'Readiness: 200 when the node serves current data, 503 NODE_NOT_READY with the reasons otherwise',
    description:
      'Ready when the node committed a block in the last 30 s, is within 2 blocks of its highest peer, and has ' +
      'a peer on a network of several validators. Load balancers send traffic by it; `/v1/health` only says ' +
      'the process answers.',
    response: ReadinessView,
    errors: ['NODE_NOT_READY'],
  }),
  getMetrics: define({
    id: 'getMetrics',
    sources: ['node.metrics'],
    method: 'GET',
    path: '/metrics',
    tag: 'node',
    summary: 'Prometheus metrics: height, round, peers, mempool, commit latency, throughput, storage size',
    response: Type.String(),
    produces: 'text/plain; version=0.0.4; charset=utf-8',
  }),
  subscribe: define({
    id: 'subscribe',
    sources: ['chain.headers', 'chain.txOutcome'],
    membersSources: ['chain.events'],
    method: 'GET',
    path: '/v1/subscribe',
    tag: 'blocks',
    summary: "A stream of server-sent events: new blocks, one transaction's fate, chain events by filter",
    description:
      "Server-sent events (text/event-stream). New blocks and a transaction's fate are open to anyone; chain " +
      "events (`module`, `name`, `topic`) are members' reads. " +
      '`event: subscribed` first, then `event: block` for each block when ' +
      '`blocks=true`, `event: tx` once the transaction named by `tx` is committed or rejected, and `event: chain-event` ' +
      'for each event of a committed transaction matching every filter given (`module`, `name`, `topic`). ' +
      'With `txs=true` each block event also lists its transactions, `txs: [{ id, code }]` (`code` is `OK` or the ' +
      "error code of the transaction's result): a client submitting at a high rate follows all its commits on one " +
      'stream instead of holding a request open per transaction (`wait=commit`).',
    query: Type.Object({
      blocks: Type.Optional(Type.Boolean()),
      /** Block events list their transactions' ids and result codes (implies `blocks`). */
      txs: Type.Optional(Type.Boolean()),
      tx: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$' })),
      module: Type.Optional(Type.String({ maxLength: 48 })),
      name: Type.Optional(Type.String({ maxLength: 48 })),
      topic: Type.Optional(Type.String({ maxLength: 128 })),
    }),
    response: Type.String({ description: 'an event stream' }),
    produces: 'text/event-stream',
    auth: 'depends',
    errors: ['READ_AUTH_REQUIRED', 'READ_AUTH_INVALID', 'READ_NOT_MEMBER', 'RATE_LIMITED'],
  }),
  listErrors: define({
    id: 'listErrors',
    sources: ['api.description'],
    method: 'GET',
    path: '/v1/errors',
    tag: 'node',
    summary: 'The catalogue of every error code, its owner, kind and meaning',
    response: ErrorCatalogueView,
  }),
  submitTransaction: define({
    id: 'submitTransaction',
    sources: ['chain.txOutcome', 'chain.events'],
    method: 'POST',
    path: '/v1/txs',
    tag: 'transactions',
    summary: 'Submit a signed transaction',
    description:
      'The body is `{"tx": "<hex of the signed transaction>"}`, or the raw bytes as `application/octet-stream`. ' +
      'Answers 202 with the transaction id once admitted to the mempool, or, with `wait=commit`, its final ' +
      'status once committed or rejected.',
    query: Type.Object({
      wait: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('commit')])),
      timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_WAIT_MS })),
    }),
    body: Type.Object({ tx: Type.String({ pattern: '^(0x)?([0-9a-fA-F]{2})+$' }) }),
    response: TxStatusView,
    successStatus: 202,
    acceptsRawBody: true,
    errors: [
      'ENCODING_MALFORMED',
      'ENCODING_NOT_CANONICAL',
      'ENCODING_TOO_LARGE',
      'TX_BAD_SIGNATURE',
      'TX_WRONG_CHAIN',
      'TX_UNKNOWN_COMMAND',
      'TX_BAD_PARAMS',
      'TX_NOT_MEMBER',
      'TX_NONCE_TOO_LOW',
      'TX_EXPIRED',
      'TX_TEXT_INVALID',
      'MEMPOOL_NONCE_TOO_FAR',
      'MEMPOOL_FULL',
      'COMMIT_TIMEOUT',
      'RATE_LIMITED',
    ],
  }),
  submitTransactions: define({
    id: 'submitTransactions',
    sources: ['chain.txOutcome'],
    method: 'POST',
    path: '/v1/txs/batch',
    tag: 'transactions',
    summary: 'Submit several signed transactions in one request',
    description:
      `The body is \`{"txs": ["<hex of a signed transaction>", …]}\`: at most ${MAX_BATCH_TXS}, within the ` +
      "request body's 256 KiB. Each is admitted in order as `POST /v1/txs` would admit it alone, and counts " +
      "against the address's transactions per window (`api.rateLimit`) as one request would: past it, the rest " +
      'are refused `RATE_LIMITED` with `details.retryAfterMs`. The answer lists, in the same order, `{ status: "pending", txId }` for each admitted or the refusal ' +
      '`{ status: "refused", code, message, details? }` (a retryable `MEMPOOL_BACKLOG` carries ' +
      '`details.retryAfterMs`). One request for many: at a thousand transfers a second the HTTP work of one ' +
      "request per transaction was a ninth of a validator's CPU (docs/benchmarks.md). Follow the commits on " +
      '`GET /v1/subscribe?txs=true`.',
    body: Type.Object({
      txs: Type.Array(Type.String({ pattern: '^(0x)?([0-9a-fA-F]{2})+$' }), {
        minItems: 1,
        maxItems: MAX_BATCH_TXS,
      }),
    }),
    response: TxBatchView,
    successStatus: 200,
  }),
  getTransaction: define({
    id: 'getTransaction',
    sources: ['chain.txOutcome'],
    membersSources: ['chain.events'],
    method: 'GET',
    path: '/v1/txs/:id',
    tag: 'transactions',
    summary: 'The status of a transaction: pending, committed (with its result), rejected or unknown',
    description:
      "A committed transaction's events are members' reads (block results): without a member's signature the " +
      'result comes with `events` empty and `eventsWithheld: true`.',
    params: Type.Object({ id: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }) }),
    response: TxStatusView,
    auth: 'depends',
    errors: ['READ_AUTH_INVALID', 'READ_NOT_MEMBER'],
  }),
  getTransactionProof: define({
    id: 'getTransactionProof',
    sources: ['chain.transactions', 'chain.events', 'chain.txProofs', 'chain.headers', 'chain.validators'],
    method: 'GET',
    path: '/v1/txs/:id/proof',
    tag: 'transactions',
    summary: 'A committed transaction with its inclusion and result proofs, header, commit and validators',
    params: Type.Object({ id: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }) }),
    response: TxProofView,
    auth: 'members',
    errors: ['READ_AUTH_REQUIRED', 'READ_AUTH_INVALID', 'READ_NOT_MEMBER', 'NOT_FOUND'],
  }),
  getAccount: define({
    id: 'getAccount',
    sources: ['state.nonces'],
    method: 'GET',
    path: '/v1/accounts/:address',
    tag: 'transactions',
    summary: 'The next nonce a submitter must use',
    params: Type.Object({ address: Address }),
    response: AccountView,
  }),
  getBlock: define({
    id: 'getBlock',
    sources: ['chain.transactions', 'chain.headers'],
    method: 'GET',
    path: '/v1/blocks/:height',
    tag: 'blocks',
    summary: 'A block: header, transactions, the commit of its parent and its own commit certificate',
    params: HeightParam,
    response: BlockView,
    auth: 'members',
    errors: ['READ_AUTH_REQUIRED', 'READ_AUTH_INVALID', 'READ_NOT_MEMBER', 'NOT_FOUND'],
  }),
  getHeader: define({
    id: 'getHeader',
    sources: ['chain.headers'],
    method: 'GET',
    path: '/v1/headers/:height',
    tag: 'blocks',
    summary: "A block's header and commit certificate without its transactions (what a light client follows)",
    params: HeightParam,
    response: HeaderAndCommitView,
    errors: ['NOT_FOUND'],
  }),
  getBlockResults: define({
    id: 'getBlockResults',
    sources: ['chain.txOutcome', 'chain.events'],
    method: 'GET',
    path: '/v1/blocks/:height/results',
    tag: 'blocks',
    summary: "Each transaction's result code, gas and events, and the block-level events",
    params: HeightParam,
    response: BlockResultsView,
    auth: 'members',
    errors: ['READ_AUTH_REQUIRED', 'READ_AUTH_INVALID', 'READ_NOT_MEMBER', 'NOT_FOUND'],
  }),
  getBlockValidators: define({
    id: 'getBlockValidators',
    sources: ['chain.validators'],
    method: 'GET',
    path: '/v1/blocks/:height/validators',
    tag: 'blocks',
    summary: "The validator set that signed a block's commit",
    params: HeightParam,
    response: ValidatorsView,
    errors: ['NOT_FOUND'],
  }),
  getStateProof: define({
    id: 'getStateProof',
    sources: ['state', 'chain.headers'],
    method: 'GET',
    path: '/v1/state/proof',
    tag: 'state',
    summary:
      'A state value (or its absence) with a Merkle proof, the header it checks against and its commit',
    query: Type.Object({
      key: Type.Optional(
        Type.String({ pattern: '^([0-9a-f]{2})+$', maxLength: 4000, description: 'the key as hex' }),
      ),
      path: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 1900,
          description: 'the key as text, e.g. settlement/balances/hl…',
        }),
      ),
      height: Type.Optional(Type.Integer({ minimum: 0 })),
    }),
    response: StateProofView,
    auth: 'depends',
    errors: ['READ_AUTH_REQUIRED', 'READ_AUTH_INVALID', 'READ_NOT_MEMBER', 'NOT_FOUND'],
  }),
  getQuery: define({
    id: 'getQuery',
    sources: ['query'],
    method: 'GET',
    path: '/v1/query/:module/:name',
    tag: 'state',
    summary: "Run a module's read-only query; `params` is its JSON parameters",
    params: QueryPathParams,
    query: Type.Object({ params: Type.Optional(Type.String({ description: 'JSON' })) }),
    response: QueryView,
    auth: 'depends',
    errors: [
      'READ_AUTH_REQUIRED',
      'READ_AUTH_INVALID',
      'READ_NOT_MEMBER',
      'QUERY_UNKNOWN',
      'QUERY_BAD_PARAMS',
      'QUERY_READ_DENIED',
    ],
  }),
  postQuery: define({
    id: 'postQuery',
    sources: ['query'],
    method: 'POST',
    path: '/v1/query/:module/:name',
    tag: 'state',
    summary: "Run a module's read-only query with parameters in the body",
    params: QueryPathParams,
    body: Type.Object({ params: Type.Optional(Type.Unknown()) }),
    response: QueryView,
    auth: 'depends',
    errors: [
      'READ_AUTH_REQUIRED',
      'READ_AUTH_INVALID',
      'READ_NOT_MEMBER',
      'QUERY_UNKNOWN',
      'QUERY_BAD_PARAMS',
      'QUERY_READ_DENIED',
    ],
  }),
  isolateNetwork: define({
    id: 'isolateNetwork',
    sources: [],
    method: 'POST',
    path: '/v1/admin/network/isolate',
    tag: 'operator',
    summary: "Cut every link to other nodes until restored (an operator's tool)",
    response: Type.Object({ isolated: Type.Literal(true) }),
    auth: 'admin',
    errors: ['ADMIN_UNAUTHORIZED'],
  }),
  restoreNetwork: define({
    id: 'restoreNetwork',
    sources: [],
    method: 'POST',
    path: '/v1/admin/network/restore',
    tag: 'operator',
    summary: 'Restore the links cut by isolate',
    response: Type.Object({ isolated: Type.Literal(false) }),
    auth: 'admin',
    errors: ['ADMIN_UNAUTHORIZED'],
  }),
} as const satisfies Record<string, EndpointDefinition>;

export type EndpointId = keyof typeof endpoints;

export { Hash };
