// The API description must match the server: every defined endpoint answers on a live node (no route is
// missing), every success response matches its declared schema, and the OpenAPI document lists them all.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type EndpointDefinition, endpoints, openApiDocument } from '@hanglian/api';
import { addressFromPublicKey, READ_REQUEST_HEADER } from '@hanglian/core';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { HanglianNode } from '../src/index.js';
import {
  createTestNetwork,
  readerHeader,
  startTestNode,
  submitHex,
  type TestNetwork,
  transferTx,
} from './helpers.js';

async function firstChunk(response: Response): Promise<string> {
  const reader = response.body!.getReader();
  const { value } = await reader.read();
  await reader.cancel();
  return new TextDecoder().decode(value);
}

describe('API description matches the server', () => {
  let net: TestNetwork;
  let node: HanglianNode;
  let committed: { txId: string; height: number };

  before(async () => {
    net = createTestNetwork();
    node = await startTestNode(net, { adminToken: 'openapi-test-token' });
    const to = addressFromPublicKey(net.key('bookpress/ops').publicKey);
    const tx = transferTx(net.key('bookstore/ops'), to, 7, 0);
    const response = await submitHex(node.apiUrl, tx);
    committed = { txId: response.body.txId, height: response.body.height };
  });
  after(async () => {
    await node.stop();
    net.remove();
  });

  /** A concrete request for each endpoint: path with parameters filled in, query string, body. */
  function exampleRequest(endpoint: EndpointDefinition): {
    url: string;
    body?: unknown;
    headers?: Record<string, string>;
  } {
    const address = addressFromPublicKey(net.key('bookstore/ops').publicKey);
    const fill: Record<string, string> = {
      id: committed.txId,
      address,
      height: String(committed.height),
      module: 'settlement',
      name: 'supply',
    };
    const path = endpoint.path.replace(/:([a-zA-Z]+)/g, (_, p: string) => fill[p]!);
    const queries: Record<string, string> = {
      getStateProof: `?path=${encodeURIComponent(`settlement/balances/${address}`)}`,
      submitTransaction: '?wait=commit&timeoutMs=20000',
    };
    const headers = endpoint.auth === 'admin' ? { authorization: 'Bearer openapi-test-token' } : undefined;
    if (endpoint.id === 'submitTransaction') {
      const to = addressFromPublicKey(net.key('bookpress/ops').publicKey);
      const tx = transferTx(net.key('carrier-a/ops'), to, 1, 0);
      return { url: path + queries.submitTransaction, body: { tx: Buffer.from(tx).toString('hex') } };
    }
    if (endpoint.id === 'submitTransactions') {
      const to = addressFromPublicKey(net.key('bookstore/ops').publicKey);
      // Ahead of the next nonce (waiting, admitted), and one that is not a transaction (refused).
      const tx = transferTx(net.key('platform-a/ops'), to, 1, 5);
      return { url: path, body: { txs: [Buffer.from(tx).toString('hex'), 'a2ffff'] } };
    }
    if (endpoint.method === 'POST')
      return {
        url: path + (queries[endpoint.id] ?? ''),
        body: endpoint.id === 'postQuery' ? { params: {} } : {},
        ...(headers ? { headers } : {}),
      };
    return { url: path + (queries[endpoint.id] ?? ''), ...(headers ? { headers } : {}) };
  }

  for (const endpoint of Object.values(endpoints) as EndpointDefinition[]) {
    it(`${endpoint.method} ${endpoint.path} answers with its declared response`, async () => {
      const request = exampleRequest(endpoint);
      const body = request.body === undefined ? undefined : JSON.stringify(request.body);
      // Members-only reads are signed by a member identity, as the SDK does with a `reader`.
      const signed: Record<string, string> =
        endpoint.auth === 'members' || endpoint.auth === 'depends'
          ? {
              [READ_REQUEST_HEADER]: readerHeader(
                { key: net.key('bookstore/ops'), chainId: 'hanglian-test' },
                endpoint.method,
                request.url,
                body,
              ),
            }
          : {};
      const response = await fetch(node.apiUrl + request.url, {
        method: endpoint.method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
          ...signed,
        },
        ...(body === undefined ? {} : { body }),
      });
      // A stream never ends: read its first event only.
      const text =
        endpoint.produces === 'text/event-stream' ? await firstChunk(response) : await response.text();
      assert.ok(response.status < 300, `${endpoint.id}: HTTP ${response.status} ${text}`);
      if (endpoint.produces !== undefined) {
        assert.ok(
          response.headers.get('content-type')?.startsWith(endpoint.produces.split(';')[0]!),
          `${endpoint.id} media type`,
        );
      }
      const value = endpoint.produces === undefined ? JSON.parse(text) : text;
      const check = TypeCompiler.Compile(endpoint.response);
      const first = check.Errors(value).First();
      assert.ok(
        check.Check(value),
        `${endpoint.id}: ${first?.path} ${first?.message}: ${text.slice(0, 300)}`,
      );
    });
  }

  it('describes every endpoint in the OpenAPI document', () => {
    const document = openApiDocument() as { paths: Record<string, Record<string, { operationId: string }>> };
    const operations = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).map((m) => m.operationId),
    );
    assert.deepEqual(operations.sort(), Object.keys(endpoints).sort());
  });

  it("the node's document describes every module query: its params, and its result where declared", async () => {
    const document = (await (await fetch(`${node.apiUrl}/v1/openapi.json`)).json()) as {
      paths: Record<string, { post?: { operationId: string; requestBody: unknown; responses: unknown } }>;
    };
    for (const { module, queries } of node.stateMachine.describe()) {
      for (const query of queries) {
        const operation = document.paths[`/v1/query/${module}/${query.name}`]?.post;
        assert.equal(operation?.operationId, `query.${module}.${query.name}`);
        const body = operation.requestBody as {
          content: { 'application/json': { schema: { properties: { params: unknown } } } };
        };
        assert.deepEqual(
          body.content['application/json'].schema.properties.params,
          JSON.parse(JSON.stringify(query.params)),
        );
      }
    }
    const products = document.paths['/v1/query/items/products']?.post?.responses as {
      200: { content: { 'application/json': { schema: { properties: { result: { type?: string } } } } } };
    };
    assert.equal(products[200].content['application/json'].schema.properties.result.type, 'array');
  });

  it('has no route that is not defined', async () => {
    const response = await fetch(`${node.apiUrl}/v1/undefined-route`);
    assert.equal(response.status, 404);
  });
});
