// How the network bench's clients hand transactions to a node (src/bench/txSubmitter.ts), against a local
// server standing in for the node: a batch gathers what was submitted within its window into one request
// and answers each from its place in the results; a refusal of the whole request is each one's; a body that
// is not JSON is lost (to be sent again). One request per transaction reads the same answers.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { MAX_BATCH_TXS, MAX_REQUEST_BODY_BYTES } from '@hanglian/api';
import { listenBelowEphemeral, listenOn } from '@hanglian/testkit';
import { createAgent } from '../src/bench/openLoop.js';
import { batchSubmitter, singleSubmitter } from '../src/bench/txSubmitter.js';

describe('the bench clients’ transaction submitters', () => {
  let server: Server;
  let url: string;
  const requests: Array<{ path: string; body: any }> = [];
  let mode: 'answer' | 'busy' | 'garbage' = 'answer';
  const agent = createAgent(8);

  before(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        const body = JSON.parse(text);
        requests.push({ path: req.url!, body });
        if (mode === 'garbage') return res.end('<html>');
        if (mode === 'busy') {
          res.statusCode = 503;
          return res.end(
            JSON.stringify({ code: 'TOO_MANY_CONNECTIONS', message: 'full', details: { retryAfterMs: 300 } }),
          );
        }
        // A transaction "bad…" is refused; "dup…" was pending already; the rest are admitted.
        const one = (hex: string) =>
          hex.startsWith('bad')
            ? { status: 'refused', code: 'MEMPOOL_BACKLOG', message: 'busy', details: { retryAfterMs: 700 } }
            : hex.startsWith('dup')
              ? { status: 'refused', code: 'MEMPOOL_DUPLICATE', message: 'pending' }
              : { status: 'pending', txId: hex };
        res.setHeader('content-type', 'application/json');
        if (req.url === '/v1/txs/batch') return res.end(JSON.stringify({ results: body.txs.map(one) }));
        const answer = one(body.tx);
        if (answer.status === 'refused') res.statusCode = 503;
        res.end(
          JSON.stringify(
            answer.status === 'pending'
              ? answer
              : { code: answer.code, message: answer.message, details: answer.details },
          ),
        );
      });
    });
    url = `http://127.0.0.1:${await listenBelowEphemeral((port) => listenOn(server, port))}`;
  });
  after(() => {
    agent.destroy();
    server.close();
  });

  it('gathers a window’s submissions into one batch, answered in order', async () => {
    requests.length = 0;
    mode = 'answer';
    const submitter = batchSubmitter(agent, url, 20);
    const answers = await Promise.all(['aa01', 'bad02', 'dup03', 'aa04'].map((hex) => submitter.submit(hex)));
    assert.deepEqual(requests, [
      { path: '/v1/txs/batch', body: { txs: ['aa01', 'bad02', 'dup03', 'aa04'] } },
    ]);
    assert.deepEqual(answers, [
      { kind: 'admitted' },
      { kind: 'refused', code: 'MEMPOOL_BACKLOG', retryAfterMs: 700 },
      { kind: 'admitted' },
      { kind: 'admitted' },
    ]);
  });

  it("splits a window's submissions by count and by the node's body limit, in order", async () => {
    requests.length = 0;
    mode = 'answer';
    const submitter = batchSubmitter(agent, url, 20);
    // 300 small ones (more than MAX_BATCH_TXS), then 200 of 2 KB of hex (more than a body takes).
    const small = Array.from({ length: 300 }, (_, i) => `aa${String(i).padStart(4, '0')}`);
    const large = Array.from({ length: 200 }, (_, i) => `cc${String(i).padStart(4, '0')}`.padEnd(2_048, '0'));
    const answers = await Promise.all([...small, ...large].map((hex) => submitter.submit(hex)));
    assert.ok(answers.every((a) => a.kind === 'admitted'));
    const sent = requests.flatMap((r) => r.body.txs as string[]);
    assert.deepEqual(sent, [...small, ...large], 'each sent once, in order');
    for (const r of requests) {
      assert.ok(r.body.txs.length <= MAX_BATCH_TXS);
      assert.ok(JSON.stringify(r.body).length <= MAX_REQUEST_BODY_BYTES);
    }
  });

  it('answers each with the refusal of the whole request, and a body that is not JSON as lost', async () => {
    mode = 'busy';
    const submitter = batchSubmitter(agent, url, 5);
    assert.deepEqual(await Promise.all(['aa01', 'aa02'].map((hex) => submitter.submit(hex))), [
      { kind: 'refused', code: 'TOO_MANY_CONNECTIONS', retryAfterMs: 300 },
      { kind: 'refused', code: 'TOO_MANY_CONNECTIONS', retryAfterMs: 300 },
    ]);
    mode = 'garbage';
    assert.deepEqual(await submitter.submit('aa01'), { kind: 'lost', error: 'HTTP 200, not JSON' });
  });

  it('sends one request per transaction when not batching, and reads the answers the same way', async () => {
    requests.length = 0;
    mode = 'answer';
    const submitter = singleSubmitter(agent, url);
    assert.deepEqual(await submitter.submit('aa01'), { kind: 'admitted' });
    assert.deepEqual(await submitter.submit('bad02'), {
      kind: 'refused',
      code: 'MEMPOOL_BACKLOG',
      retryAfterMs: 700,
    });
    assert.deepEqual(await submitter.submit('dup03'), { kind: 'admitted' });
    assert.deepEqual(
      requests.map((r) => r.path),
      ['/v1/txs', '/v1/txs', '/v1/txs'],
    );
  });
});
