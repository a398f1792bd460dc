/**
 * How the SDK talks to a node: one generic request function driven by `@hanglian/api`'s endpoint
 * definitions (method, path, parameters), so the SDK cannot call a route the node does not serve, and
 * its types are the schemas' types. Uses the platform's `fetch` (Node >= 18, browsers) or one given.
 */
import type { EndpointDefinition } from '@hanglian/api';
import { formatReaderHeader, READ_REQUEST_HEADER, readRequestSignBytes, utf8 } from '@hanglian/core';
import type { Static, TSchema } from '@sinclair/typebox';
import { HanglianSdkError, SdkErrors } from './errors.js';
import type { Signer } from './signer.js';

/** A `fetch` function: the global one, or any compatible one (a test double, a proxying fetch). */
export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

type Field<E, K extends string> = E extends { readonly [P in K]: infer S extends TSchema }
  ? Static<S>
  : never;

/** What a request to endpoint `E` takes: its path parameters, query and JSON body, typed by its schemas. */
export interface RequestArgs<E extends EndpointDefinition> {
  readonly params?: Field<E, 'params'>;
  readonly query?: Partial<Field<E, 'query'>>;
  readonly body?: Field<E, 'body'>;
  /** Raw bytes sent as `application/octet-stream` (endpoints with `acceptsRawBody`). */
  readonly rawBody?: Uint8Array;
  /** Gives up after this many milliseconds (default: the client's `timeoutMs`). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** The JSON an endpoint answers with, typed by its response schema. */
export type ResponseOf<E extends EndpointDefinition> = Static<E['response']>;

export type RequestFunction = <E extends EndpointDefinition>(
  endpoint: E,
  args?: RequestArgs<E>,
) => Promise<ResponseOf<E>>;

export interface TransportOptions {
  /** Base URL of the node's API, e.g. `http://127.0.0.1:26650`. */
  readonly url: string;
  readonly fetch?: FetchFunction;
  /** Default time limit of one request in milliseconds (default 30,000). */
  readonly timeoutMs?: number;
  /** Headers sent with every request (e.g. `authorization` for operator endpoints). */
  readonly headers?: Record<string, string>;
  /**
   * A member identity that signs requests for members-only data (blocks, balances, order queues, 带数):
   * the `x-hanglian-reader` header of core's readRequest.ts. Without it, only public reads work.
   */
  readonly reader?: Signer;
  /** The chain the reader signs for; default: read once from the node's status. */
  readonly chainId?: string;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Fills `:name` segments of a path from `params`, URL-encoded.
 *
 * @example
 * ```ts
 * pathOf('/v1/blocks/:height', { height: 7 }); // '/v1/blocks/7'
 * ```
 */
export function pathOf(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new TypeError(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(String(value));
  });
}

function queryStringOf(query: Record<string, unknown> | undefined): string {
  if (query === undefined) return '';
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    search.set(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  const text = search.toString();
  return text.length === 0 ? '' : `?${text}`;
}

/** Headers that sign a members-only read (none without a `reader`). */
export type ReadHeaderFunction = (
  method: string,
  path: string,
  body: string | Uint8Array | undefined,
) => Promise<Record<string, string>>;

/**
 * Signs members-only reads with the transport's `reader` (core's readRequest.ts); the chain id is read
 * once from the node's public status unless given.
 *
 * @example
 * ```ts
 * const readHeaders = createReadHeaderFunction({ url, reader: memberSigner(key) });
 * const headers = await readHeaders('GET', '/v1/blocks/7', undefined); // { 'x-hanglian-reader': '…' }
 * ```
 */
export function createReadHeaderFunction(options: TransportOptions): ReadHeaderFunction {
  const base = options.url.replace(/\/+$/, '');
  const fetchFn: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const reader = options.reader;
  let chainId: Promise<string> | undefined =
    options.chainId === undefined ? undefined : Promise.resolve(options.chainId);
  return async (method, path, body): Promise<Record<string, string>> => {
    if (reader === undefined) return {};
    chainId ??= fetchFn(`${base}/v1/status`, { method: 'GET', headers: { accept: 'application/json' } })
      .then((r) => r.json() as Promise<{ chainId: string }>)
      .then((status) => status.chainId)
      .catch((error: unknown) => {
        chainId = undefined;
        throw new HanglianSdkError(SdkErrors.SDK_NETWORK, `cannot reach the node at ${base}`, {
          cause: error,
        });
      });
    const time = Date.now();
    const bytes = body === undefined ? new Uint8Array(0) : typeof body === 'string' ? utf8(body) : body;
    const signature = await reader.sign(
      readRequestSignBytes({ chainId: await chainId, method: method.toUpperCase(), path, time, body: bytes }),
    );
    return { [READ_REQUEST_HEADER]: formatReaderHeader({ publicKey: reader.publicKey, time, signature }) };
  };
}

/**
 * Creates the request function a client uses. Failures become `HanglianSdkError`s: the node's own error
 * code and status when it answered with an error, `SDK_NETWORK` when it could not be reached,
 * `SDK_TIMEOUT` when it took too long, `SDK_BAD_RESPONSE` when the answer is not JSON.
 *
 * @example
 * ```ts
 * import { endpoints } from '@hanglian/api';
 * const request = createRequestFunction({ url: 'http://127.0.0.1:26650' });
 * const status = await request(endpoints.getStatus);
 * ```
 */
export function createRequestFunction(
  options: TransportOptions,
  /** Shared with other callers (the client's event stream), so the chain id is read once. */
  readHeaders: ReadHeaderFunction = createReadHeaderFunction(options),
): RequestFunction {
  const base = options.url.replace(/\/+$/, '');
  const fetchFn: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const defaultTimeout = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;

  return async function request<E extends EndpointDefinition>(
    endpoint: E,
    args: RequestArgs<E> = {},
  ): Promise<ResponseOf<E>> {
    const label = `${endpoint.method} ${endpoint.path}`;
    const path =
      pathOf(endpoint.path, args.params as Record<string, unknown> | undefined) +
      queryStringOf(args.query as Record<string, unknown> | undefined);
    const url = base + path;
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    let body: string | Uint8Array | undefined;
    if (args.rawBody !== undefined) {
      headers['content-type'] = 'application/octet-stream';
      body = args.rawBody;
    } else if (args.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(args.body);
    }
    if (endpoint.auth === 'members' || endpoint.auth === 'depends') {
      Object.assign(headers, await readHeaders(endpoint.method, path, body));
    }
    const timeoutMs = args.timeoutMs ?? defaultTimeout;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = args.signal === undefined ? timeout : AbortSignal.any([timeout, args.signal]);

    let response: Response;
    let text: string;
    try {
      response = await fetchFn(url, { method: endpoint.method, headers, body: body as BodyInit, signal });
      text = await response.text();
    } catch (error) {
      if (timeout.aborted) {
        throw new HanglianSdkError(SdkErrors.SDK_TIMEOUT, `no answer within ${timeoutMs} ms`, {
          endpoint: label,
          details: { url, timeoutMs },
          cause: error,
        });
      }
      throw new HanglianSdkError(SdkErrors.SDK_NETWORK, `cannot reach the node at ${base}`, {
        endpoint: label,
        details: { url },
        cause: error,
      });
    }

    let json: unknown;
    try {
      json = text.length === 0 ? undefined : JSON.parse(text);
    } catch (error) {
      throw new HanglianSdkError(
        SdkErrors.SDK_BAD_RESPONSE,
        `the node answered ${response.status} with non-JSON`,
        {
          endpoint: label,
          status: response.status,
          details: { url, bodyStart: text.slice(0, 200) },
          cause: error,
        },
      );
    }
    if (!response.ok) {
      const error = json as { code?: unknown; message?: unknown; details?: unknown } | undefined;
      const code = typeof error?.code === 'string' ? error.code : SdkErrors.SDK_BAD_RESPONSE;
      const message = typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`;
      const details =
        typeof error?.details === 'object' && error.details !== null
          ? (error.details as Record<string, unknown>)
          : undefined;
      throw new HanglianSdkError(code, message, {
        endpoint: label,
        status: response.status,
        ...(details === undefined ? {} : { details }),
      });
    }
    return json as ResponseOf<E>;
  };
}
