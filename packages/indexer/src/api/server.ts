/**
 * The index's HTTP server: the routes of routes.ts, their OpenAPI document, and the node's read rule.
 * A members-only route needs `x-hanglian-reader` signed by an active member identity (core's
 * readRequest.ts), checked as the node checks it; whether the key is an active member of an active
 * organisation is asked of the followed node (public identity queries), cached for a short while.
 * Browsers reach it from the node's console on another port, so it answers CORS preflights.
 */
import {
  addressFromPublicKey,
  ed25519Sha256,
  errorCodeSpec,
  HanglianError,
  parseReaderHeader,
  READ_REQUEST_HEADER,
  READ_REQUEST_MAX_SKEW_MS,
  readRequestSignBytes,
  toJsonValue,
} from '@hanglian/core';
import type { Client } from '@hanglian/sdk';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { IndexDb } from '../db/interface.js';
import { IndexerErrors } from '../errors.js';
import { type IndexRoute, routes } from './routes.js';

const STATUS_OF_KIND: Record<string, number> = {
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

export interface IndexApiOptions {
  readonly db: IndexDb;
  /** The followed node: membership of a reader's key is asked of it. */
  readonly node: Client;
  /** The chain whose members sign reads. */
  readonly chainId: string;
  /** How long a membership answer is kept, ms (default 30,000). */
  readonly memberCacheMs?: number;
  readonly now?: () => number;
}

/** The OpenAPI 3.1 document of the index API. */
export function indexOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const route of routes as readonly IndexRoute[]) {
    const params = route.params?.properties ?? {};
    const query = route.query.properties ?? {};
    paths[route.path.replace(/:([a-zA-Z]+)/g, '{$1}')] = {
      get: {
        operationId: route.id,
        summary: route.summary,
        tags: ['index'],
        parameters: [
          ...Object.entries(params).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
          ...Object.entries(query).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
        ],
        ...(route.access === 'members' ? { security: [{ memberRead: [] }] } : {}),
        responses: {
          200: { description: 'success', content: { 'application/json': { schema: { type: 'object' } } } },
          default: { description: 'an error: {code, message, details?}' },
        },
      },
    };
  }
  return JSON.parse(
    JSON.stringify({
      openapi: '3.1.0',
      info: {
        title: 'Hanglian index API',
        version: '0.1.0',
        description:
          'Reports, search and explorer reads from the index (PostgreSQL) that follows a node. Public routes are open; members-only routes need the x-hanglian-reader header signed by an active member identity, as on the node.',
      },
      paths,
      components: {
        securitySchemes: {
          memberRead: { type: 'apiKey', in: 'header', name: READ_REQUEST_HEADER },
        },
      },
    }),
  );
}

/** Builds the server (not listening): `await app.listen({ host, port })`. */
export function createIndexApi(options: IndexApiOptions): FastifyInstance {
  const app = Fastify({ logger: false, ajv: { customOptions: { coerceTypes: true, useDefaults: true } } });
  const now = options.now ?? Date.now;
  const cacheMs = options.memberCacheMs ?? 30_000;
  const members = new Map<string, { active: boolean; at: number }>();

  async function isActiveMember(address: string): Promise<boolean> {
    const cached = members.get(address);
    if (cached !== undefined && now() - cached.at < cacheMs) return cached.active;
    const { result } = await options.node.query<{ org: string; status: string } | null>({
      module: 'identity',
      name: 'identity',
      params: { address },
    });
    let active = result !== null && result.status === 'active';
    if (active) {
      const org = await options.node.query<{ status: string } | null>({
        module: 'identity',
        name: 'organisation',
        params: { id: result!.org },
      });
      active = org.result !== null && org.result.status === 'active';
    }
    members.set(address, { active, at: now() });
    return active;
  }

  async function requireMember(request: FastifyRequest): Promise<void> {
    const raw = request.headers[READ_REQUEST_HEADER];
    if (raw === undefined || raw === '') {
      throw new HanglianError(
        IndexerErrors.INDEX_READ_AUTH_REQUIRED,
        `${request.url.split('?')[0]} reads members-only data: sign it with a member identity (header ${READ_REQUEST_HEADER})`,
      );
    }
    const header = parseReaderHeader(Array.isArray(raw) ? raw[0]! : raw);
    if (header === undefined) {
      throw new HanglianError(
        IndexerErrors.INDEX_READ_AUTH_INVALID,
        `${READ_REQUEST_HEADER} must be <public key hex>.<unix ms>.<signature hex>`,
      );
    }
    if (Math.abs(now() - header.time) > READ_REQUEST_MAX_SKEW_MS) {
      throw new HanglianError(
        IndexerErrors.INDEX_READ_AUTH_INVALID,
        'the read was signed too far from this clock',
      );
    }
    const message = readRequestSignBytes({
      chainId: options.chainId,
      method: request.method,
      path: request.url,
      time: header.time,
      body: new Uint8Array(0),
    });
    if (!ed25519Sha256.verify(header.publicKey, message, header.signature)) {
      throw new HanglianError(
        IndexerErrors.INDEX_READ_AUTH_INVALID,
        'the read signature does not match this request (chain, method, path, time and body are signed)',
      );
    }
    const address = addressFromPublicKey(header.publicKey);
    if (!(await isActiveMember(address))) {
      throw new HanglianError(
        IndexerErrors.INDEX_READ_NOT_MEMBER,
        `${address} is not an active member identity`,
      );
    }
  }

  app.addHook('onRequest', async (request, reply) => {
    reply.header('access-control-allow-origin', '*');
    reply.header('access-control-allow-headers', `content-type, ${READ_REQUEST_HEADER}`);
    reply.header('access-control-allow-methods', 'GET, OPTIONS');
    if (request.method === 'OPTIONS') return reply.status(204).send();
  });
  app.options('/*', async (_request, reply) => reply.status(204).send());

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof HanglianError) {
      const kind = errorCodeSpec(error.code)?.kind ?? 'internal';
      void reply.status(STATUS_OF_KIND[kind] ?? 500).send(toJsonValue(error.toJSON()));
      return;
    }
    const e = error as { validation?: unknown; message: string; statusCode?: number };
    if (e.validation !== undefined) {
      void reply.status(400).send({ code: IndexerErrors.INDEX_BAD_REQUEST, message: e.message });
      return;
    }
    void reply
      .status(e.statusCode !== undefined && e.statusCode < 500 ? e.statusCode : 500)
      .send({ code: e.statusCode === 404 ? IndexerErrors.INDEX_NOT_FOUND : 'INTERNAL', message: e.message });
  });

  app.get('/v1/index/openapi.json', async () => indexOpenApiDocument());
  for (const route of routes as readonly IndexRoute[]) {
    app.get(
      route.path,
      {
        schema: { querystring: route.query, ...(route.params === undefined ? {} : { params: route.params }) },
      },
      async (request) => {
        if (route.access === 'members') await requireMember(request);
        return toJsonValue(
          await route.run(
            options.db,
            request.query as never,
            (request.params ?? {}) as Record<string, string>,
          ),
        );
      },
    );
  }
  return app;
}
