// The API's cap on open connections: past it a connection is answered 503 TOO_MANY_CONNECTIONS with a retry
// hint and closed, a request sent on it never runs (a transaction on it is not admitted), and a connection
// that closes frees its place. Before the cap, a node held every connection a client opened (thousands
// waiting for commits past saturation), each a file descriptor its ledger and WAL also need.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { bytesToHex } from '@hanglian/core';
import type { HanglianNode } from '../src/index.js';
import { createTestNetwork, makeTx, startTestNode, type TestNetwork } from './helpers.js';

const MAX = 3;

/** Opens a raw connection and collects what the server sends until it closes the connection. */
function open(url: string): Promise<{ socket: Socket; received: Promise<string> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
      });
      const received = new Promise<string>((done) => socket.once('close', () => done(text)));
      resolve({ socket, received });
    });
    socket.once('error', reject);
  });
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`));
  assert.ok(line !== undefined, `${name} is exported`);
  return Number(line.split(' ').at(-1));
}

describe(`the API's connection cap (${MAX})`, () => {
  let net: TestNetwork;
  let node: HanglianNode;
  before(async () => {
    net = createTestNetwork();
    // No block while the test runs: an admitted transaction stays in the mempool to be counted.
    node = await startTestNode(net, {
      api: { maxConnections: MAX },
      blockTiming: { minBlockIntervalMs: 600_000, emptyBlockIntervalMs: 600_000 },
    });
  });
  after(async () => {
    await node.stop();
    net.remove();
  });

  it('answers one connection more 503 TOO_MANY_CONNECTIONS, runs nothing it sends, and frees a place on close', async () => {
    const held = await Promise.all(Array.from({ length: MAX }, () => open(node.apiUrl)));
    const refused = await open(node.apiUrl);
    // A transaction sent on the refused connection: it must not be admitted.
    const tx = makeTx(net.key('bookstore/ops'), {
      module: 'settlement',
      command: 'transfer',
      params: { to: 'hl0000000000000000000000000000000000000000', amount: 1 },
      nonce: 0,
    });
    const body = JSON.stringify({ tx: bytesToHex(tx) });
    refused.socket.write(
      `POST /v1/txs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    const answer = await refused.received;
    assert.match(answer, /^HTTP\/1\.1 503 /);
    const json = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as {
      code: string;
      details: { maxConnections: number; retryAfterMs: number };
    };
    assert.equal(json.code, 'TOO_MANY_CONNECTIONS');
    assert.deepEqual(json.details, { maxConnections: MAX, retryAfterMs: 1_000 });
    assert.equal(node.mempool.size, 0, 'the transaction on the refused connection was not admitted');

    // One held connection closes: its place is free for the next client.
    held[0]!.socket.destroy();
    await held[0]!.received;
    // The server sees the close a moment after the client does.
    const openNow = async () => (await node.metrics.apiConnections.get()).values[0]?.value;
    for (let i = 0; i < 200 && (await openNow()) !== MAX - 1; i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(await openNow(), MAX - 1);
    const metrics = await fetch(`${node.apiUrl}/metrics`);
    assert.equal(metrics.status, 200);
    const text = await metrics.text();
    assert.equal(metric(text, 'hanglian_api_connections_refused_total'), 1);
    // The two still held and the one asking for the metrics.
    assert.equal(metric(text, 'hanglian_api_connections'), MAX);
    for (const { socket } of held.slice(1)) socket.destroy();
  });
});
