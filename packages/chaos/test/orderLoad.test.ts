// The order load's rule for a step whose fate is unknown (fast: fake nodes on loopback HTTP): it is
// resolved on a live node, by the transaction's status and else the order's state, before anything is
// sent again; only a step no node knows is sent again, and then the same bytes.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, describe, it } from 'node:test';
import { freePortRange } from '../src/cluster.js';
import { type ApiNode, orderReached, StepSubmitter } from '../src/orderLoad.js';
import { SeededRandom } from '../src/random.js';

const TX = new Uint8Array([1, 2, 3, 4]);
const TX_ID = 'ab'.repeat(32);
const ORDER = 'cd'.repeat(16);

interface FakeNode extends ApiNode {
  /** Hex bodies of the transactions submitted to it. */
  readonly posts: string[];
  alive: boolean;
  /** What it answers: to a submission, to the transaction's status, to the order query. */
  submit: () => { status: number; body: unknown };
  txStatus: () => unknown;
  order: () => unknown;
}

const servers: Server[] = [];
const random = new SeededRandom(12);
after(() => {
  for (const server of servers) server.close();
});

async function fakeNode(name: string): Promise<FakeNode> {
  // Below 32768, as every port the campaign binds.
  const port = await freePortRange(1, () => random.next());
  const node: FakeNode = {
    name,
    url: `http://127.0.0.1:${port}`,
    posts: [],
    alive: true,
    submit: () => ({ status: 500, body: { code: 'INTERNAL', message: 'internal error' } }),
    txStatus: () => ({ txId: TX_ID, status: 'unknown' }),
    order: () => ({ height: 5, result: null }),
  };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const reply = (status: number, json: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(json));
      };
      if (request.method === 'POST' && request.url?.startsWith('/v1/txs')) {
        node.posts.push(JSON.parse(body).tx);
        const answer = node.submit();
        return reply(answer.status, answer.body);
      }
      if (request.url === `/v1/txs/${TX_ID}`) return reply(200, node.txStatus());
      if (request.url === '/v1/query/orders/order') return reply(200, node.order());
      reply(404, { code: 'NOT_FOUND', message: request.url });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  servers.push(server);
  return node;
}

function submitter(nodes: FakeNode[], stopping = () => false): StepSubmitter {
  return new StepSubmitter(() => nodes.filter((n) => n.alive), stopping);
}

describe('a lifecycle step whose fate is unknown', () => {
  it('is found applied by the order state and not sent again', async () => {
    const a = await fakeNode('a');
    const b = await fakeNode('b');
    // a takes the step (the chain applies it) and dies before it answers.
    a.submit = () => {
      a.alive = false;
      return { status: 500, body: { code: 'INTERNAL', message: 'gone' } };
    };
    // b holds no trace of the transaction (e.g. synced from a snapshot), but its state shows the order paid.
    b.order = () => ({ height: 42, result: { id: ORDER, status: 'shipped' } });
    const outcome = await submitter([a, b]).submitOnce(TX, TX_ID, 'pay', orderReached(ORDER, 'paid'));
    assert.deepEqual(outcome, { height: 42, code: 'OK', message: '' });
    assert.equal(a.posts.length + b.posts.length, 1);
  });

  it('waits while a node holds it pending, then takes its commit', async () => {
    const a = await fakeNode('a');
    const b = await fakeNode('b');
    a.submit = () => {
      a.alive = false;
      return { status: 504, body: { code: 'COMMIT_TIMEOUT', message: 'not committed within 8000 ms' } };
    };
    let polls = 0;
    b.txStatus = () =>
      ++polls < 3
        ? { txId: TX_ID, status: 'pending' }
        : { txId: TX_ID, status: 'committed', height: 7, index: 0, result: { code: 'OK', events: [] } };
    const sender = submitter([a, b]);
    const outcome = await sender.submitOnce(TX, TX_ID, 'ship', orderReached(ORDER, 'shipped'));
    assert.deepEqual(outcome, { height: 7, code: 'OK', message: '' });
    assert.equal(b.posts.length, 0, 'sent again while pending');
    assert.equal(sender.height, 7);
  });

  it('reports a step committed with a failure as such', async () => {
    const a = await fakeNode('a');
    a.submit = () => ({
      status: 200,
      body: {
        status: 'committed',
        height: 11,
        index: 0,
        result: { code: 'ORDERS_BAD_STATUS', message: 'x' },
      },
    });
    const outcome = await submitter([a]).submitOnce(TX, TX_ID, 'ship', orderReached(ORDER, 'shipped'));
    assert.deepEqual(outcome, { height: 11, code: 'ORDERS_BAD_STATUS', message: 'x' });
  });

  it('known nowhere, is sent again: the same bytes, to another node', async () => {
    const a = await fakeNode('a');
    const b = await fakeNode('b');
    a.submit = () => {
      a.alive = false;
      return { status: 500, body: { code: 'INTERNAL', message: 'gone' } };
    };
    b.submit = () => ({
      status: 200,
      body: { status: 'committed', height: 9, index: 2, result: { code: 'OK', events: [] } },
    });
    const outcome = await submitter([a, b]).submitOnce(TX, TX_ID, 'create', orderReached(ORDER, 'created'));
    assert.deepEqual(outcome, { height: 9, code: 'OK', message: '' });
    assert.deepEqual(b.posts, a.posts);
    assert.equal(b.posts.length, 1);
  });

  it('still unresolved when the load stops, is in doubt', async () => {
    const a = await fakeNode('a');
    let stopping = false;
    a.submit = () => {
      stopping = true;
      return { status: 500, body: { code: 'INTERNAL', message: 'gone' } };
    };
    const outcome = await submitter([a], () => stopping).submitOnce(
      TX,
      TX_ID,
      'deliver',
      orderReached(ORDER, 'delivered'),
    );
    assert.equal(outcome, 'stopped-in-doubt');
  });
});
