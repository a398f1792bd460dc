/**
 * The OpenAPI 3.1 document of the API, generated from the endpoint definitions (OpenAPI 3.1 speaks JSON
 * Schema, which TypeBox schemas are), and a readable HTML page of it that needs nothing from the network.
 */
import type { TObject, TSchema } from '@sinclair/typebox';
import { type EndpointDefinition, endpoints } from './endpoints.js';
import { ErrorView } from './views.js';

function openApiPath(path: string): string {
  return path.replace(/:([a-zA-Z]+)/g, '{$1}');
}

function parametersOf(schema: TSchema | undefined, where: 'path' | 'query'): unknown[] {
  if (schema === undefined) return [];
  const object = schema as TObject;
  const required = new Set(object.required ?? []);
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
    ...((property as { description?: string }).description === undefined
      ? {}
      : { description: (property as { description?: string }).description }),
  }));
}

/** Plain JSON (TypeBox schemas carry symbols; JSON.stringify drops them). */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A module's queries as a node describes them (its state machine's `describe()`). */
export interface ModuleQueriesDescription {
  readonly module: string;
  readonly queries: ReadonlyArray<{
    readonly name: string;
    readonly summary: string;
    readonly params: TSchema;
    readonly access: 'public' | 'members' | 'depends';
    /** The answer's schema, where the query declares one. */
    readonly result?: TSchema;
    readonly runsContracts?: boolean;
  }>;
}

const QUERY_ERRORS = ['READ_AUTH_REQUIRED', 'READ_AUTH_INVALID', 'READ_NOT_MEMBER', 'QUERY_BAD_PARAMS'];

/**
 * With `modules` (a node's own), every module query is described as its own operation,
 * `POST /v1/query/<module>/<name>`, with its params schema and, where the query declares one, its result's:
 * what `postQuery` answers for it, spelled out.
 */
export function openApiDocument(
  info: { version: string; serverUrl?: string } = { version: '0.1.0' },
  modules: readonly ModuleQueriesDescription[] = [],
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const endpoint of Object.values(endpoints) as EndpointDefinition[]) {
    const path = openApiPath(endpoint.path);
    paths[path] ??= {};
    const success = String(endpoint.successStatus ?? 200);
    paths[path][endpoint.method.toLowerCase()] = {
      operationId: endpoint.id,
      summary: endpoint.summary,
      ...(endpoint.description === undefined ? {} : { description: endpoint.description }),
      tags: [endpoint.tag],
      parameters: [...parametersOf(endpoint.params, 'path'), ...parametersOf(endpoint.query, 'query')],
      ...(endpoint.body === undefined
        ? {}
        : { requestBody: { required: true, content: { 'application/json': { schema: endpoint.body } } } }),
      ...(endpoint.auth === undefined ? {} : { security: SECURITY_OF[endpoint.auth] }),
      responses: {
        [success]: { description: 'success', content: { 'application/json': { schema: endpoint.response } } },
        default: {
          description: `an error${endpoint.errors === undefined ? '' : ` (e.g. ${endpoint.errors.join(', ')})`}`,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    };
  }
  for (const { module, queries } of modules) {
    for (const query of queries) {
      const auth = query.access === 'public' ? undefined : query.access;
      paths[`/v1/query/${module}/${query.name}`] = {
        post: {
          operationId: `query.${module}.${query.name}`,
          summary: query.summary,
          description:
            `The ${module} module's \`${query.name}\` query (${query.access === 'depends' ? 'public or members-only by its params' : query.access})` +
            `${query.runsContracts ? '; runs contract code on the query workers (may answer QUERY_BUSY)' : ''}. ` +
            'The same as `postQuery` with these path parameters.',
          tags: [`query: ${module}`],
          parameters: [],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { type: 'object', properties: { params: query.params }, additionalProperties: false },
              },
            },
          },
          ...(auth === undefined ? {} : { security: SECURITY_OF[auth] }),
          responses: {
            '200': {
              description: 'the answer, at the height it was read',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['height', 'result'],
                    properties: {
                      height: { type: 'integer', minimum: 0 },
                      result: query.result ?? {
                        description: `see packages/state-machine/src/modules/${module}/README.md`,
                      },
                    },
                  },
                },
              },
            },
            default: {
              description: `an error (e.g. ${[...QUERY_ERRORS, ...(query.runsContracts ? ['QUERY_BUSY'] : [])].join(', ')})`,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
            },
          },
        },
      };
    }
  }
  return plain({
    openapi: '3.1.0',
    info: {
      title: 'Hanglian node API',
      version: info.version,
      description:
        'The HTTP API every Hanglian node serves. Bytes are lower-case hex; heights, times (unix ms) and amounts ' +
        '(minor units) are integers. Every error is a JSON object with a stable `code`.',
    },
    ...(info.serverUrl === undefined ? {} : { servers: [{ url: info.serverUrl }] }),
    paths,
    components: {
      schemas: { Error: ErrorView },
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer' },
        memberReader: {
          type: 'apiKey',
          in: 'header',
          name: 'x-hanglian-reader',
          description:
            'A member identity signs the request: `<public key hex>.<unix ms>.<Ed25519 signature hex>` over ' +
            '"hanglian/read/v1\\n<chainId>\\n<METHOD>\\n<path?query>\\n<ms>\\n<sha256 hex of the body>"; ' +
            'the SDK does this when the client is given a `reader`.',
        },
      },
    },
  });
}

/** `depends`: public for some requests (public queries and stores), members' for the others. */
const SECURITY_OF = {
  admin: [{ adminToken: [] }],
  members: [{ memberReader: [] }],
  depends: [{}, { memberReader: [] }],
} as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** A self-contained page listing every endpoint with its parameters and response shape. */
export function openApiHtml(document: Record<string, unknown>): string {
  const paths = document.paths as Record<
    string,
    Record<
      string,
      {
        summary: string;
        description?: string;
        parameters: Array<{ name: string; in: string; required: boolean }>;
        responses: Record<string, { content?: { 'application/json': { schema: unknown } } }>;
      }
    >
  >;
  const sections = Object.entries(paths)
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const params = op.parameters
          .map(
            (p) => `<li><code>${escapeHtml(p.name)}</code> (${p.in}${p.required ? ', required' : ''})</li>`,
          )
          .join('');
        const success = Object.entries(op.responses).find(([code]) => code !== 'default');
        const schema = success?.[1].content?.['application/json'].schema;
        return `<section><h3><span class="m">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary)}</p>${op.description ? `<p>${escapeHtml(op.description)}</p>` : ''}
${params ? `<ul>${params}</ul>` : ''}
<details><summary>response ${success?.[0] ?? ''}</summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details></section>`;
      }),
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Hanglian node API</title><style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
code,pre{font-family:ui-monospace,monospace}pre{background:#f4f4f4;padding:.75rem;overflow:auto}.m{background:#0b5;color:#fff;padding:0 .4rem;border-radius:3px}
section{border-top:1px solid #ddd;padding:.5rem 0}</style></head><body><h1>Hanglian node API</h1>
<p>${escapeHtml(String((document.info as { description: string }).description))}</p>
<p>The machine-readable description: <a href="/v1/openapi.json">/v1/openapi.json</a>.</p>
${sections}</body></html>`;
}
