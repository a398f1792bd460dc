// Relaying transactions in batches (issue 14): what a node admits from its clients in one event-loop turn
// goes to its peers as one message of the `tx` channel, and a receiving node admits every transaction of a
// batch (and still takes a single transaction, as nodes sent before batching). A malformed batch, or a
// batch holding garbage, is reported as the peer's fault.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bytesToHex, decodeTx, MAX_TX_BYTES } from '@hanglian/core';
import {
  BATCH_MARKER,
  type Channel,
  decodeTxPayload,
  encodeTxBatch,
  type HanglianNode,
  MAX_BATCH_BYTES,
  type MessageHandler,
  type PeerTransport,
  TxRelayBatcher,
} from '../src/index.js';
import { createTestNetwork, makeTx, startTestNode, type TestNetwork } from './helpers.js';

/** A transport with one pretend peer: records what the node sends, and lets the test deliver messages. */
class RecordingTransport implements PeerTransport {
  readonly sent: Array<{ channel: Channel; payload: Uint8Array }> = [];
  readonly handlers = new Map<Channel, MessageHandler>();
  broadcast(channel: Channel, payload: Uint8Array): void {
    this.sent.push({ channel, payload });
  }
  send(_peer: string, channel: Channel, payload: Uint8Array): void {
    this.sent.push({ channel, payload });
  }
  onMessage(channel: Channel, handler: MessageHandler): void {
    this.handlers.set(channel, handler);
  }
  deliver(channel: Channel, payload: Uint8Array): boolean | undefined {
    return this.handlers.get(channel)!('ab'.repeat(32), payload);
  }
  peers(): string[] {
    return [];
  }
  revalidate(): void {}
  isolate(): void {}
  restore(): void {}
  async close(): Promise<void> {}
}

const turn = () => new Promise((r) => setImmediate(r));

describe('transaction batch payloads', () => {
  const a = Uint8Array.from([0xa2, 1, 2, 3]);
  const b = Uint8Array.from([0xa2, 9]);

  it('round-trips a batch, in order, as views of the payload', () => {
    const payload = encodeTxBatch([a, b]);
    assert.equal(payload[0], BATCH_MARKER);
    assert.equal(payload.byteLength, 1 + 4 + a.byteLength + 4 + b.byteLength);
    const txs = decodeTxPayload(payload)!;
    assert.deepEqual(
      txs.map((t) => [...t]),
      [[...a], [...b]],
    );
    assert.equal(txs[0]!.buffer, payload.buffer, 'no copy');
  });

  it('takes a payload that is not a batch as one transaction (a node before batching)', () => {
    assert.deepEqual(decodeTxPayload(a), [a]);
  });

  it('refuses malformed batches', () => {
    const good = encodeTxBatch([a, b]);
    assert.equal(decodeTxPayload(new Uint8Array()), undefined, 'empty payload');
    assert.equal(decodeTxPayload(Uint8Array.of(BATCH_MARKER)), undefined, 'a batch of nothing');
    assert.equal(decodeTxPayload(good.subarray(0, good.byteLength - 1)), undefined, 'truncated transaction');
    assert.equal(decodeTxPayload(good.subarray(0, 3)), undefined, 'truncated length');
    assert.equal(decodeTxPayload(Uint8Array.of(BATCH_MARKER, 0, 0, 0, 0)), undefined, 'empty transaction');
    const huge = Buffer.alloc(1 + 4 + MAX_TX_BYTES + 1);
    huge.writeUInt32BE(MAX_TX_BYTES + 1, 1);
    assert.equal(decodeTxPayload(huge), undefined, 'a transaction over MAX_TX_BYTES');
  });

  it('sends what one turn added as one batch, and splits at MAX_BATCH_BYTES', async () => {
    const sent: Uint8Array[] = [];
    const batcher = new TxRelayBatcher((payload) => sent.push(payload));
    for (let i = 0; i < 50; i++) batcher.add(a);
    assert.equal(sent.length, 0, 'nothing is sent before the turn ends');
    await turn();
    assert.equal(sent.length, 1);
    assert.equal(decodeTxPayload(sent[0]!)!.length, 50);

    sent.length = 0;
    const big = new Uint8Array(MAX_TX_BYTES).fill(0xa2);
    batcher.add(big);
    batcher.add(big);
    assert.equal(sent.length, 1, 'the second would not fit: the first went at once');
    await turn();
    assert.equal(sent.length, 2);
    for (const payload of sent) assert.ok(payload.byteLength <= MAX_BATCH_BYTES);
    assert.equal(batcher.transactions, 52);
    assert.equal(batcher.batches, 3);
  });
});

describe('a node relays and admits transactions in batches', () => {
  let net: TestNetwork;
  let node: HanglianNode;
  const transport = new RecordingTransport();
  // Nonces ahead of each submitter's next one (0): admitted, then they wait, since no block can take them.
  const waiting = (label: string, nonce: number) =>
    makeTx(net.key(label), {
      module: 'settlement',
      command: 'transfer',
      params: { to: 'hl0000000000000000000000000000000000000000', amount: 1 },
      nonce: 10 + nonce,
    });

  before(async () => {
    net = createTestNetwork();
    node = await startTestNode(net, { transport });
  });
  after(async () => {
    await node.stop();
    net.remove();
  });

  it('sends the transactions its clients submitted in one turn as one message', async () => {
    const txs = Array.from({ length: 20 }, (_, i) => waiting('bookstore/ops', i));
    for (const tx of txs) node.submit(tx);
    await turn();
    const relayed = transport.sent.filter((m) => m.channel === 'tx');
    assert.equal(relayed.length, 1, `one message, not ${relayed.length}`);
    assert.deepEqual(decodeTxPayload(relayed[0]!.payload)!.map(bytesToHex), txs.map(bytesToHex));
  });

  it('admits every transaction of a batch from a peer', () => {
    const txs = Array.from({ length: 5 }, (_, i) => waiting('bookpress/ops', i));
    assert.equal(transport.deliver('tx', encodeTxBatch(txs)), true);
    for (const tx of txs) assert.ok(node.mempool.has(bytesToHex(decodeTx(tx).id)));
  });

  it('admits a single transaction from a peer that does not batch', () => {
    const tx = waiting('bookpress/ops', 5);
    assert.equal(transport.deliver('tx', tx), true);
    assert.ok(node.mempool.has(bytesToHex(decodeTx(tx).id)));
  });

  it('blames the peer for a malformed batch, or garbage in one, and still admits the good ones', () => {
    const good = waiting('bookpress/ops', 6);
    const garbage = Uint8Array.of(0xa2, 0xff, 0xff);
    assert.equal(transport.deliver('tx', encodeTxBatch([garbage, good])), false);
    assert.ok(node.mempool.has(bytesToHex(decodeTx(good).id)), 'the good one of the batch was admitted');
    const truncated = encodeTxBatch([waiting('bookpress/ops', 7)]);
    assert.equal(transport.deliver('tx', truncated.subarray(0, truncated.byteLength - 1)), false);
  });

  it("takes a client's batch in one request, answers each transaction in order, and relays those it admitted as one message", async () => {
    const sentBefore = transport.sent.length;
    const good = [waiting('carrier-a/ops', 0), waiting('carrier-a/ops', 1)];
    const garbage = Uint8Array.of(0xa2, 0xff, 0xff);
    const response = await fetch(`${node.apiUrl}/v1/txs/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ txs: [good[0]!, garbage, good[1]!, good[0]!].map(bytesToHex) }),
    });
    assert.equal(response.status, 200);
    const { results } = (await response.json()) as { results: Array<Record<string, unknown>> };
    assert.deepEqual(
      results.map((r) => (r.status === 'pending' ? r.txId : r.code)),
      [
        bytesToHex(decodeTx(good[0]!).id),
        'ENCODING_MALFORMED',
        bytesToHex(decodeTx(good[1]!).id),
        'MEMPOOL_DUPLICATE',
      ],
    );
    assert.equal(results[1]!.status, 'refused');
    assert.equal(typeof results[1]!.message, 'string');
    for (const tx of good) assert.ok(node.mempool.has(bytesToHex(decodeTx(tx).id)));
    await turn();
    const relayed = transport.sent.slice(sentBefore).filter((m) => m.channel === 'tx');
    assert.equal(relayed.length, 1, 'the admitted ones went to peers as one message');
    assert.deepEqual(decodeTxPayload(relayed[0]!.payload)!.map(bytesToHex), good.map(bytesToHex));
    // More than the most a batch holds is refused whole, before anything is admitted.
    const tooMany = await fetch(`${node.apiUrl}/v1/txs/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ txs: Array.from({ length: 257 }, () => bytesToHex(good[0]!)) }),
    });
    assert.equal(tooMany.status, 400);
    assert.equal(((await tooMany.json()) as { code: string }).code, 'BAD_REQUEST');
  });

  it('counts the relayed transactions it refuses, by code, in its metrics', async () => {
    const refused = async () => {
      const text = await (await fetch(`${node.apiUrl}/metrics`)).text();
      const counts: Record<string, number> = {};
      for (const match of text.matchAll(
        /^hanglian_relayed_txs_refused_total\{[^}]*code="([^"]+)"[^}]*\} (\d+)$/gm,
      ))
        counts[match[1]!] = Number(match[2]);
      return counts;
    };
    const before = await refused();
    // Twice the same, and one ahead of the nonce window: a duplicate and a nonce too far.
    const tx = waiting('platform-a/ops', 0);
    transport.deliver('tx', encodeTxBatch([tx, tx, waiting('platform-a/ops', 1_000)]));
    const after = await refused();
    assert.equal((after.MEMPOOL_DUPLICATE ?? 0) - (before.MEMPOOL_DUPLICATE ?? 0), 1);
    assert.equal((after.MEMPOOL_NONCE_TOO_FAR ?? 0) - (before.MEMPOOL_NONCE_TOO_FAR ?? 0), 1);
  });
});
