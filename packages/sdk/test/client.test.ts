import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addressFromPublicKey } from '@hanglian/core';
import { type Client, createClient, getStatus, HanglianSdkError, memberSigner } from '../src/index.js';
import { rejectsWithCode, startTestChain, type TestChain, waitForHeight } from './helpers.js';

describe('client actions against a real node', () => {
  let chain: TestChain;
  let client: Client;
  before(async () => {
    chain = await startTestChain();
    client = createClient({ url: chain.url, reader: memberSigner(chain.key('bookstore/ops')) });
    await waitForHeight(chain, 1);
  });
  after(() => chain.stop());

  it('getStatus: the chain id and height of the node', async () => {
    const status = await client.getStatus();
    assert.equal(status.chainId, 'hanglian-test');
    assert.ok(status.height >= 1);
    // The unbound action gives the same answer through the same base client.
    assert.equal((await getStatus(client)).chainId, status.chainId);
  });

  it('getBlock and getBlockResults: a block with its own commit certificate', async () => {
    const block = await client.getBlock({ height: 1 });
    assert.equal(block.header.height, 1);
    assert.ok(block.commit !== null && block.commit.signatures.length === 1);
    const latest = await client.getBlock();
    assert.ok(latest.header.height >= 1);
    const results = await client.getBlockResults({ height: 1 });
    assert.equal(results.height, 1);
  });

  it('getAccount and query: a fresh account has nonce 0; an opening balance is 1,000,000.00', async () => {
    const address = addressFromPublicKey(chain.key('bookpress/ops').publicKey);
    assert.equal((await client.getAccount({ address })).nextNonce, 0);
    const { result } = await client.query<{ amount: number }>({
      module: 'settlement',
      name: 'balance',
      params: { address },
    });
    assert.equal(result.amount, 100_000_000);
  });

  it('getTransaction: an id never seen is unknown', async () => {
    const status = await client.getTransaction({ txId: 'ab'.repeat(32) });
    assert.equal(status.status, 'unknown');
  });

  it("errors carry the node's code and HTTP status", async () => {
    const error = await rejectsWithCode(client.getBlock({ height: 999_999 }), 'NOT_FOUND');
    assert.ok(error instanceof HanglianSdkError);
    assert.equal(error.status, 404);
    assert.match(error.message, /GET \/v1\/blocks\/:height/);
    await rejectsWithCode(client.submitTransaction({ tx: 'a1b2' }), 'ENCODING_MALFORMED');
    await rejectsWithCode(client.query({ module: 'settlement', name: 'nope' }), 'QUERY_UNKNOWN');
  });

  it('an unreachable node is SDK_NETWORK, with the fetch failure as cause', async () => {
    const offline = createClient({ url: 'http://127.0.0.1:1' });
    const error = (await rejectsWithCode(offline.getStatus(), 'SDK_NETWORK')) as HanglianSdkError;
    assert.equal(error.status, undefined);
    assert.ok(error.cause instanceof Error);
    assert.ok(error.walk((e) => e instanceof TypeError) !== undefined);
  });

  it('a slow node is SDK_TIMEOUT; a non-JSON answer is SDK_BAD_RESPONSE', async () => {
    const slow = createClient({
      url: chain.url,
      timeoutMs: 50,
      fetch: (input, init) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => resolve(fetch(input, init)), 1_000);
          init?.signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(init.signal?.reason);
          });
        }),
    });
    await rejectsWithCode(slow.getStatus(), 'SDK_TIMEOUT');
    const html = createClient({
      url: chain.url,
      fetch: async () => new Response('<html>proxy error</html>', { status: 502 }),
    });
    const error = await rejectsWithCode(html.getStatus(), 'SDK_BAD_RESPONSE');
    assert.equal(error.status, 502);
  });

  it('submitTransaction backs off and sends again while the node answers MEMPOOL_BACKLOG or TOO_MANY_CONNECTIONS', async () => {
    let refusals = 0;
    let sends = 0;
    let code = 'MEMPOOL_BACKLOG';
    const backlogged = (left: number) =>
      createClient({
        url: chain.url,
        fetch: async (input, init) => {
          if (new URL(input).pathname === '/v1/txs') {
            sends++;
            if (refusals < left) {
              refusals++;
              const body = { code, message: 'busy', details: { retryAfterMs: 5 } };
              return new Response(JSON.stringify(body), { status: 503 });
            }
          }
          return fetch(input, init);
        },
      });
    // Two refusals, then the real node answers (it refuses these bytes as malformed: the third send reached it).
    await rejectsWithCode(backlogged(2).submitTransaction({ tx: '00' }), 'SCHEMA_MISMATCH');
    assert.equal(sends, 3);
    refusals = 0;
    sends = 0;
    const error = await rejectsWithCode(
      backlogged(5).submitTransaction({ tx: '00', backlogRetries: 1 }),
      'MEMPOOL_BACKLOG',
    );
    assert.equal(error.status, 503);
    assert.equal(sends, 2, 'one retry, then the refusal is thrown');
    // A node at its connection cap: the same back-off.
    code = 'TOO_MANY_CONNECTIONS';
    refusals = 0;
    sends = 0;
    await rejectsWithCode(backlogged(2).submitTransaction({ tx: '00' }), 'SCHEMA_MISMATCH');
    assert.equal(sends, 3);
  });

  it('submitTransaction waits for a nonce window that moves, and throws a nonce that is just wrong', async () => {
    let sends = 0;
    /** A node that refuses the first `refusals` sends as too far ahead, with the submitter's next nonces. */
    const tooFar = (nexts: readonly number[]) =>
      createClient({
        url: chain.url,
        fetch: async (input, init) => {
          if (new URL(input).pathname === '/v1/txs') {
            const next = nexts[sends++];
            if (next !== undefined) {
              const body = {
                code: 'MEMPOOL_NONCE_TOO_FAR',
                message: `nonce 200 is more than 64 ahead of the next one, ${next}`,
                details: { nonce: 200, next, window: 64 },
              };
              return new Response(JSON.stringify(body), { status: 400 });
            }
          }
          return fetch(input, init);
        },
      });
    // The window moves (the account's earlier transactions commit): sent again until the real node answers.
    await rejectsWithCode(tooFar([100, 120, 130]).submitTransaction({ tx: '00' }), 'SCHEMA_MISMATCH');
    assert.equal(sends, 4);
    // The next nonce does not move between two refusals: the nonce is wrong, thrown after one wait.
    sends = 0;
    const stuck = await rejectsWithCode(
      tooFar([100, 100, 100]).submitTransaction({ tx: '00' }),
      'MEMPOOL_NONCE_TOO_FAR',
    );
    assert.equal(sends, 2);
    assert.deepEqual(stuck.details, { nonce: 200, next: 100, window: 64 });
    // No retries asked for: thrown at once.
    sends = 0;
    await rejectsWithCode(
      tooFar([100, 120]).submitTransaction({ tx: '00', nonceWindowRetries: 0 }),
      'MEMPOOL_NONCE_TOO_FAR',
    );
    assert.equal(sends, 1);
  });

  it('calls go through the given fetch, to the paths of the API definition', async () => {
    const seen: string[] = [];
    const spied = createClient({
      url: `${chain.url}/`,
      reader: memberSigner(chain.key('bookstore/ops')),
      fetch: (input, init) => {
        seen.push(`${init?.method} ${new URL(input).pathname}${new URL(input).search}`);
        return fetch(input, init);
      },
    });
    await spied.getBlock({ height: 1 });
    await spied.getStateProof({ path: 'settlement/totals/all', height: 1 });
    // The reader's chain id is read once from the public status.
    assert.deepEqual(seen, [
      'GET /v1/status',
      'GET /v1/blocks/1',
      'GET /v1/state/proof?path=settlement%2Ftotals%2Fall&height=1',
    ]);
  });
});
