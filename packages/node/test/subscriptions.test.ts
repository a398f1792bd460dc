// Subscriptions (server-sent events) and metrics: a client sees new blocks, its transaction's fate and the
// chain events it filtered for, as they are committed; Prometheus metrics count what happened.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  addressFromPublicKey,
  bytesToHex,
  READ_REQUEST_HEADER,
  type SigningKey,
  signedTxCodec,
  txIdOf,
} from '@hanglian/core';
import { type HanglianNode, HEIGHT_STEPS } from '../src/index.js';
import {
  createTestNetwork,
  http,
  readerHeader,
  startNodeBelowEphemeral,
  startTestNode,
  submitHex,
  type TestNetwork,
  transferTx,
} from './helpers.js';

let signingMember: () => SigningKey;

/** Collects server-sent events until `done` says enough or the time runs out. */
async function collectEvents(
  url: string,
  done: (events: Array<{ event: string; data: any }>) => boolean,
  timeoutMs: number,
  onOpen: () => Promise<void>,
): Promise<Array<{ event: string; data: any }>> {
  const controller = new AbortController();
  // Chain events are members' reads: a member identity signs the stream's request.
  const path = url.slice(url.indexOf('/v1/'));
  const member = { key: signingMember(), chainId: 'hanglian-test' };
  const response = await fetch(url, {
    signal: controller.signal,
    headers: { [READ_REQUEST_HEADER]: readerHeader(member, 'GET', path) },
  });
  assert.equal(response.status, 200);
  const reader = response.body!.getReader();
  const events: Array<{ event: string; data: any }> = [];
  let buffer = '';
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let opened = false;
  try {
    while (!done(events)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += new TextDecoder().decode(value);
      let cut = buffer.indexOf('\n\n');
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) });
        cut = buffer.indexOf('\n\n');
      }
      if (!opened && events.some((e) => e.event === 'subscribed')) {
        opened = true;
        await onOpen();
      }
    }
  } catch (error) {
    if ((error as Error).name !== 'AbortError') throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

describe('subscriptions and metrics', () => {
  let net: TestNetwork;
  let node: HanglianNode;
  before(async () => {
    net = createTestNetwork();
    signingMember = () => net.key('bookstore/ops');
    node = await startTestNode(net, { blockTiming: { minBlockIntervalMs: 5, emptyBlockIntervalMs: 100 } });
  });
  after(async () => {
    await node.stop();
    net.remove();
  });

  it('streams blocks, the fate of one transaction and the filtered chain events', async () => {
    const bob = addressFromPublicKey(net.key('bookpress/ops').publicKey);
    const tx = transferTx(net.key('bookstore/ops'), bob, 42, 0);
    const txId = bytesToHex(txIdOf(signedTxCodec.decode(tx).body));
    const url = `${node.apiUrl}/v1/subscribe?blocks=true&tx=${txId}&module=settlement&name=transferred&topic=${bob}`;
    const events = await collectEvents(
      url,
      (es) =>
        es.some((e) => e.event === 'tx') &&
        es.some((e) => e.event === 'chain-event') &&
        es.filter((e) => e.event === 'block').length >= 2,
      10_000,
      async () => {
        const response = await submitHex(node.apiUrl, tx, false);
        assert.equal(response.status, 202);
      },
    );
    const fate = events.find((e) => e.event === 'tx');
    assert.equal(fate?.data.status, 'committed');
    assert.equal(fate?.data.result.code, 'OK');
    const chainEvent = events.find((e) => e.event === 'chain-event');
    assert.equal(chainEvent?.data.module, 'settlement');
    assert.equal(chainEvent?.data.name, 'transferred');
    assert.equal(chainEvent?.data.txId, txId);
    assert.equal(chainEvent?.data.data.amount, 42);
    const heights = events.filter((e) => e.event === 'block').map((e) => e.data.height as number);
    assert.deepEqual(
      heights,
      [...heights].sort((a, b) => a - b),
      'blocks arrive in order',
    );
  });

  it('counts blocks, transactions and commit latency in Prometheus metrics', async () => {
    const response = await fetch(`${node.apiUrl}/metrics`);
    assert.equal(response.status, 200);
    const text = await response.text();
    const value = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
    assert.ok(value('hanglian_chain_height') >= 1);
    assert.ok(value('hanglian_transactions_committed_total') >= 1);
    assert.equal(value('hanglian_tx_commit_latency_seconds_count'), 1);
    assert.ok(value('hanglian_storage_bytes') > 0);
    assert.match(text, /hanglian_process_resident_memory_bytes/);
  });

  it('times every step of each height it decides, in one histogram labelled by step', async () => {
    const text = await (await fetch(`${node.apiUrl}/metrics`)).text();
    const series = (name: string, step: string) =>
      Number(new RegExp(`^${name}\\{[^}]*step="${step}"[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
    const blocks = Number(/^hanglian_blocks_committed_total\{[^}]*\} (\S+)$/m.exec(text)?.[1]);
    assert.ok(blocks >= 1);
    // The only validator proposes, verifies, votes and commits every height: each step once per block
    // (the histogram is read in one pass, so the counts agree even while blocks are being committed).
    for (const step of HEIGHT_STEPS) {
      assert.equal(series('hanglian_height_step_seconds_count', step), blocks, `step ${step}`);
      assert.ok(series('hanglian_height_step_seconds_sum', step) >= 0, `step ${step}`);
    }
    const total = HEIGHT_STEPS.reduce(
      (sum, step) => sum + series('hanglian_height_step_seconds_sum', step),
      0,
    );
    assert.ok(total > 0, 'the steps add up to the time the heights took');
  });

  it('refuses a client over its rate limit with 429 RATE_LIMITED', async () => {
    const limited = await startNodeBelowEphemeral({
      name: 'limited',
      dataDir: `${net.dir}/limited-data`,
      walPath: `${net.dir}/limited.wal`,
      genesis: net.genesis,
      validatorKey: net.key('node0'),
      api: { rateLimit: { max: 5, windowMs: 60_000 } },
      logLevel: 'silent',
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await http(limited.apiUrl, '/v1/health')).status);
      assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
      const refused = await http(limited.apiUrl, '/v1/health');
      assert.equal(refused.status, 429);
      assert.equal(refused.body.code, 'RATE_LIMITED');
    } finally {
      await limited.stop();
    }
  });

  it("counts a batch's transactions against the address's limit, as many requests would", async () => {
    const limited = await startNodeBelowEphemeral({
      name: 'batch-limited',
      dataDir: `${net.dir}/batch-limited-data`,
      walPath: `${net.dir}/batch-limited.wal`,
      genesis: net.genesis,
      validatorKey: net.key('node0'),
      api: { rateLimit: { max: 5, windowMs: 60_000 } },
      logLevel: 'silent',
    });
    try {
      const sender = net.key('carrier-a/ops');
      const to = addressFromPublicKey(net.key('bookstore/ops').publicKey);
      const txs = Array.from({ length: 7 }, (_, i) => bytesToHex(transferTx(sender, to, 1, i)));
      const batch = await http(limited.apiUrl, '/v1/txs/batch', { method: 'POST', json: { txs } });
      assert.equal(batch.status, 200);
      const results = batch.body.results as Array<{ status: string; code?: string; details?: any }>;
      assert.deepEqual(
        results.map((r) => r.status),
        ['pending', 'pending', 'pending', 'pending', 'pending', 'refused', 'refused'],
      );
      for (const refused of results.slice(5)) {
        assert.equal(refused.code, 'RATE_LIMITED');
        assert.ok(refused.details.retryAfterMs > 0 && refused.details.retryAfterMs <= 60_000);
      }
      // One request in, five transactions used: a single submission is over the limit too.
      const single = await http(limited.apiUrl, '/v1/txs', { method: 'POST', json: { tx: txs[5] } });
      assert.equal(single.status, 429);
      assert.equal(single.body.code, 'RATE_LIMITED');
    } finally {
      await limited.stop();
    }
  });

  // A client sending at a high rate follows its commits on one stream rather than a request held per
  // transaction; each listed transaction carries its result's code, so a failure is seen too.
  it("lists each block's transactions with their result codes when asked (txs=true)", async () => {
    const bob = addressFromPublicKey(net.key('bookpress/ops').publicKey);
    const sender = net.key('bookstore/ops');
    const nonce = (await http(node.apiUrl, `/v1/accounts/${addressFromPublicKey(sender.publicKey)}`)).body
      .nextNonce;
    const paid = transferTx(sender, bob, 1, nonce);
    // Admission does not read balances: this one is taken, then fails in its block.
    const overdrawn = transferTx(sender, bob, 10 ** 15, nonce + 1);
    const idOf = (tx: Uint8Array) => bytesToHex(txIdOf(signedTxCodec.decode(tx).body));
    const listed = (events: Array<{ event: string; data: any }>) =>
      events
        .filter((e) => e.event === 'block')
        .flatMap((e) => e.data.txs as Array<{ id: string; code: string }>);
    const events = await collectEvents(
      `${node.apiUrl}/v1/subscribe?txs=true`,
      (es) => listed(es).length >= 2,
      10_000,
      async () => {
        assert.equal((await submitHex(node.apiUrl, paid, false)).status, 202);
        assert.equal((await submitHex(node.apiUrl, overdrawn, false)).status, 202);
      },
    );
    assert.deepEqual(listed(events), [
      { id: idOf(paid), code: 'OK' },
      { id: idOf(overdrawn), code: 'SETTLEMENT_INSUFFICIENT_BALANCE' },
    ]);
    const block = events.find((e) => e.event === 'block' && e.data.txs.length > 0)!;
    assert.equal(block.data.txCount, block.data.txs.length);
    // Without the flag a block event stays as it was: no list.
    const plain = await collectEvents(
      `${node.apiUrl}/v1/subscribe?blocks=true`,
      (es) => es.some((e) => e.event === 'block'),
      10_000,
      async () => {},
    );
    assert.equal(plain.find((e) => e.event === 'block')?.data.txs, undefined);
  });
});
