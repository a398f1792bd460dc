// Subscriptions through the SDK against a real node: blocks stream in order, a transaction's fate and its
// filtered chain events arrive as it commits, closing stops the stream, and a dead node is reported.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addressFromPublicKey, signTx } from '@hanglian/core';
import {
  type BlockNotice,
  buildTxBody,
  type ChainEventNotice,
  type Client,
  createClient,
  type HanglianSdkError,
  memberSigner,
  settlement,
  signAndSubmit,
  submitTransactions,
  subscribe,
} from '../src/index.js';
import { startTestChain, type TestChain } from './helpers.js';

describe('subscribe', () => {
  let chain: TestChain;
  let client: Client;
  before(async () => {
    chain = await startTestChain();
    client = createClient({ url: chain.url, reader: memberSigner(chain.key('bookstore/ops')) });
  });
  after(() => chain.stop());

  it('delivers blocks in order, and the events of a committed transfer', async () => {
    const to = addressFromPublicKey(chain.key('bookpress/ops').publicKey);
    const blocks: BlockNotice[] = [];
    const events: ChainEventNotice[] = [];
    const sub = subscribe(
      client,
      { blocks: true, module: 'settlement', name: 'transferred', topic: to },
      {
        onBlock: (b) => blocks.push(b),
        onEvent: (e) => events.push(e),
      },
    );
    const height = await sub.ready;
    assert.ok(height >= 0);
    const paid = await signAndSubmit(client, {
      signer: memberSigner(chain.key('bookstore/ops')),
      ...settlement.transfer({ to, amount: 321 }),
    });
    const deadline = Date.now() + 5_000;
    while ((events.length === 0 || blocks.length < 2) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    sub.close();
    assert.equal(events.length, 1, 'exactly the one matching event');
    assert.equal(events[0]!.txId, paid.txId);
    assert.equal((events[0]!.data as { amount: number }).amount, 321);
    const heights = blocks.map((b) => b.height);
    assert.deepEqual(
      heights,
      [...heights].sort((a, b) => a - b),
    );
    const count = blocks.length;
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(blocks.length, count, 'nothing arrives after close');
  });

  it('lists each block’s transactions with their result codes when asked (txs)', async () => {
    const to = addressFromPublicKey(chain.key('bookpress/ops').publicKey);
    const listed: Array<{ id: string; code: string }> = [];
    const sub = subscribe(client, { txs: true }, { onBlock: (b) => listed.push(...(b.txs ?? [])) });
    await sub.ready;
    const paid = await signAndSubmit(client, {
      signer: memberSigner(chain.key('carrier-a/ops')),
      ...settlement.transfer({ to, amount: 7 }),
    });
    const deadline = Date.now() + 5_000;
    while (!listed.some((t) => t.id === paid.txId) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    sub.close();
    assert.deepEqual(
      listed.find((t) => t.id === paid.txId),
      { id: paid.txId, code: 'OK' },
    );
  });

  it('submits a batch in one request and follows its commits on the stream (a gateway’s way)', async () => {
    const signer = memberSigner(chain.key('platform-a/ops'));
    const to = addressFromPublicKey(chain.key('bookpress/ops').publicKey);
    const { nextNonce } = await client.getAccount({ address: signer.address });
    const { height } = await client.getStatus();
    const signed = [0, 1, 2].map((i) =>
      signTx(
        buildTxBody(settlement.transfer({ to, amount: 1 + i }), {
          chainId: 'hanglian-test',
          submitter: signer.publicKey,
          nonce: nextNonce + i,
          expiresAt: height + 100,
        }),
        chain.key('platform-a/ops'),
      ),
    );
    const committed = new Map<string, string>();
    const sub = subscribe(
      client,
      { txs: true },
      {
        onBlock: (b) => {
          for (const t of b.txs ?? []) committed.set(t.id, t.code);
        },
      },
    );
    await sub.ready;
    const { results } = await submitTransactions(client, { txs: [...signed, signed[0]!] });
    assert.deepEqual(
      results.map((r) => r.status),
      ['pending', 'pending', 'pending', 'refused'],
    );
    assert.equal(results[3]!.status === 'refused' && results[3]!.code, 'MEMPOOL_DUPLICATE');
    const ids = results.slice(0, 3).map((r) => (r.status === 'pending' ? r.txId : ''));
    const deadline = Date.now() + 5_000;
    while (!ids.every((id) => committed.has(id)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    sub.close();
    assert.deepEqual(
      ids.map((id) => committed.get(id)),
      ['OK', 'OK', 'OK'],
    );
  });

  it('tells a transaction’s fate, at once when it is already final', async () => {
    const to = addressFromPublicKey(chain.key('carrier-a/ops').publicKey);
    const paid = await signAndSubmit(client, {
      signer: memberSigner(chain.key('platform-a/ops')),
      ...settlement.transfer({ to, amount: 5 }),
    });
    const fate = await new Promise<{ status: string }>((resolve) => {
      const sub = subscribe(
        client,
        { tx: paid.txId },
        {
          onTx: (status) => {
            sub.close();
            resolve(status);
          },
        },
      );
    });
    assert.equal(fate.status, 'committed');
  });

  it('reports a node that cannot be reached', async () => {
    const dead = createClient({ url: 'http://127.0.0.1:9' });
    const error = await new Promise<HanglianSdkError>((resolve) => {
      subscribe(dead, { blocks: true }, { onError: resolve });
    });
    assert.equal(error.code, 'SDK_NETWORK');
  });
});
