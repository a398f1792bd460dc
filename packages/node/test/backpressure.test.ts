// Back-pressure at admission: past a backlog of a few seconds of commits (at least a floor) of transactions
// the next blocks can take, a client's transaction is refused with 503 MEMPOOL_BACKLOG (retryable, with a
// retry hint), while transactions relayed by peers are still taken. A transaction waiting for a missing
// predecessor does not count (it delays nobody; counting it refused ever more once a client was refused).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DecodedTx } from '@hanglian/core';
import { type HanglianNode, Mempool } from '../src/index.js';
import { createTestNetwork, makeTx, startTestNode, submitHex, type TestNetwork } from './helpers.js';

describe('mempool back-pressure (backlog floor 5)', () => {
  let net: TestNetwork;
  let node: HanglianNode;
  const transfer = (label: string, nonce: number) =>
    makeTx(net.key(label), {
      module: 'settlement',
      command: 'transfer',
      params: { to: 'hl0000000000000000000000000000000000000000', amount: 1 },
      nonce,
    });
  // Ready: the submitter's next nonces from 0. Waiting: nonces ahead, which no block can take.
  const ready = (nonce: number) => transfer('bookstore/ops', nonce);
  const waiting = (nonce: number) => transfer('bookpress/ops', 10 + nonce);
  before(async () => {
    net = createTestNetwork();
    // No block for minutes: what is admitted stays in the mempool for the test to count.
    node = await startTestNode(net, {
      mempool: { backlogFloor: 5, backlogSeconds: 2 },
      blockTiming: { minBlockIntervalMs: 600_000, emptyBlockIntervalMs: 600_000 },
    });
  });
  after(async () => {
    await node.stop();
    net.remove();
  });

  it('admits up to the backlog, then refuses clients with 503 MEMPOOL_BACKLOG and a retry hint', async () => {
    // Waiting for a missing nonce: admitted, and not in the backlog.
    for (let i = 0; i < 3; i++) {
      const { status, body } = await submitHex(node.apiUrl, waiting(i), false);
      assert.equal(status, 202, JSON.stringify(body));
    }
    assert.equal(node.mempool.ready, 0);
    for (let i = 0; i < 5; i++) {
      const { status, body } = await submitHex(node.apiUrl, ready(i), false);
      assert.equal(status, 202, JSON.stringify(body));
    }
    assert.equal(node.mempool.ready, 5);
    assert.equal(node.mempool.size, 8);
    assert.equal(node.mempool.backlogLimit, 5, 'no block carried a transaction yet: the floor applies');
    const { status, body } = await submitHex(node.apiUrl, ready(5), false);
    assert.equal(status, 503, JSON.stringify(body));
    assert.equal(body.code, 'MEMPOOL_BACKLOG');
    assert.equal(body.details.retryAfterMs, 1_000);
    assert.equal(body.details.ready, 5);
    assert.equal(node.mempool.size, 8, 'nothing was kept');
  });

  it('still takes a transaction relayed by a peer', () => {
    const next = { height: node.chain.height + 1, time: Date.now() };
    node.mempool.add(ready(5), node.chain.reader(), next, 'peer');
    assert.equal(node.mempool.ready, 6);
  });

  it("takes past the backlog the nonce that a submitter's waiting transactions wait for, and nothing else", async () => {
    const key = 'platform-a/ops';
    const next = { height: node.chain.height + 1, time: Date.now() };
    // Nonces 1 and 2 arrived (relayed here) while nonce 0 was refused: they wait for it.
    for (const nonce of [1, 2]) node.mempool.add(transfer(key, nonce), node.chain.reader(), next, 'peer');
    assert.ok(node.mempool.ready >= node.mempool.backlogLimit, 'the backlog is full');
    const readyBefore = node.mempool.ready;
    const filled = await submitHex(node.apiUrl, transfer(key, 0), false);
    assert.equal(filled.status, 202, JSON.stringify(filled.body));
    assert.equal(node.mempool.ready, readyBefore + 3, 'nonce 0 released the two waiting for it');
    // Past the backlog, the submitter's next nonce is refused as any other client's transaction.
    const more = await submitHex(node.apiUrl, transfer(key, 3), false);
    assert.equal(more.status, 503, JSON.stringify(more.body));
    assert.equal(more.body.code, 'MEMPOOL_BACKLOG');
    // A nonce nothing waits for is refused too, even when it is the submitter's next.
    const alone = await submitHex(node.apiUrl, transfer('carrier-a/ops', 0), false);
    assert.equal(alone.body.code, 'MEMPOOL_BACKLOG', JSON.stringify(alone.body));
    // A gap of two: nonce 0 is taken (nonce 2 waits beyond it), then nonce 1, which releases all three.
    node.mempool.add(transfer('carrier-a/ops', 2), node.chain.reader(), next, 'peer');
    const readyThen = node.mempool.ready;
    for (const nonce of [0, 1]) {
      const { status, body } = await submitHex(node.apiUrl, transfer('carrier-a/ops', nonce), false);
      assert.equal(status, 202, `nonce ${nonce}: ${JSON.stringify(body)}`);
    }
    assert.equal(node.mempool.ready, readyThen + 3);
    // Operators see what back-pressure counts: the ready transactions, apart from those waiting.
    const metrics = await (await fetch(`${node.apiUrl}/metrics`)).text();
    const gauge = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\d+)$`, 'm').exec(metrics)?.[1]);
    assert.equal(gauge('hanglian_mempool_ready_transactions'), node.mempool.ready);
    assert.equal(gauge('hanglian_mempool_transactions'), node.mempool.size);
    assert.ok(node.mempool.size > node.mempool.ready, 'bookpress/ops waits for its nonce 0');
  });

  it('counts a run of nonces as ready once its missing nonce arrives, and recounts after blocks', () => {
    const now = 0;
    const mempool = new Mempool(node.stateMachine, node.chain.chainId, {
      backlogFloor: 100,
      clock: () => now,
    });
    const state = node.chain.reader();
    const next = { height: node.chain.height + 1, time: Date.now() };
    const key = 'platform-a/ops';
    for (const nonce of [1, 2, 3]) mempool.add(transfer(key, nonce), state, next);
    assert.equal(mempool.ready, 0, 'nonce 0 is missing');
    const first = mempool.add(transfer(key, 0), state, next);
    assert.equal(mempool.ready, 4);
    // A proposal found nonce 0 inadmissible: the rest waits again.
    mempool.evict(first);
    assert.equal(mempool.ready, 0);
    mempool.update([], state, next.height);
    assert.equal(mempool.ready, 0);
    assert.equal(mempool.size, 3);
  });

  it('follows the commit rate: the limit is the last blocks’ transactions per second times backlogSeconds', () => {
    let now = 0;
    const mempool = new Mempool(node.stateMachine, node.chain.chainId, {
      backlogFloor: 5,
      backlogSeconds: 2,
      clock: () => now,
    });
    const state = node.chain.reader();
    // Blocks of 10 transactions a second (the transactions only need an id to be dropped).
    const block = () =>
      Array.from({ length: 10 }, () => ({ id: new Uint8Array(32) }) as unknown as DecodedTx);
    mempool.update(block(), state, 1);
    assert.equal(mempool.backlogLimit, 5, 'one block says no rate: the floor');
    now = 1_000;
    mempool.update(block(), state, 2);
    now = 2_000;
    mempool.update(block(), state, 3);
    assert.equal(mempool.committedPerSecond, 10);
    assert.equal(mempool.backlogLimit, 20);
    const next = { height: node.chain.height + 1, time: Date.now() };
    const key = 'bookstore/admin';
    for (let i = 0; i < 20; i++) mempool.add(transfer(key, i), state, next);
    assert.throws(
      () => mempool.add(transfer(key, 20), state, next),
      (error: { code: string; details: { committedPerSecond: number; limit: number } }) =>
        error.code === 'MEMPOOL_BACKLOG' &&
        error.details.committedPerSecond === 10 &&
        error.details.limit === 20,
    );
    mempool.add(transfer(key, 20), state, next, 'peer');
    assert.equal(mempool.ready, 21, 'a relayed transaction is still taken');
    // Twice the pace, twice the queue.
    for (let h = 4; h <= 11; h++) {
      now += 500;
      mempool.update(block(), state, h);
    }
    assert.equal(mempool.backlogLimit, 40);
  });

  // Found by the commerce benchmark: the window counted from the committed nonce, so one account sending
  // more than 64 transactions per commit latency (a platform's order gateway) was refused; the nonce it
  // gave up then left a gap that stalled every later one of the account for good.
  it('bounds a gap by the nonce window, not an unbroken run of a busy account', () => {
    const mempool = new Mempool(node.stateMachine, node.chain.chainId, {
      backlogFloor: 1_000,
      nonceWindow: 8,
      clock: () => 0,
    });
    const state = node.chain.reader();
    const next = { height: node.chain.height + 1, time: Date.now() };
    const key = 'carrier-a/ops';
    // An unbroken run three times the window: all admitted, all ready.
    for (let nonce = 0; nonce < 24; nonce++) mempool.add(transfer(key, nonce), state, next);
    assert.equal(mempool.ready, 24);
    // A gap: up to the window past the first missing nonce (24) waits, one further is refused.
    mempool.add(transfer(key, 24 + 8), state, next);
    assert.throws(
      () => mempool.add(transfer(key, 24 + 9), state, next),
      (error: { code: string; details: { next: number; committedNext: number; window: number } }) =>
        error.code === 'MEMPOOL_NONCE_TOO_FAR' &&
        error.details.next === 24 &&
        error.details.committedNext === 0 &&
        error.details.window === 8,
    );
    assert.equal(mempool.size, 25, 'nothing was kept of the refused one');
    // The gap fills: the window moves with the first missing nonce.
    for (let nonce = 24; nonce < 32; nonce++) mempool.add(transfer(key, nonce), state, next);
    mempool.add(transfer(key, 24 + 9), state, next);
    assert.equal(mempool.ready, 34);
  });
});
