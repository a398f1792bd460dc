// An account sender against a real node: many transactions of one account without waiting for each, in
// batches, their commits followed on one stream; a command that fails, a refusal whose nonce the next send
// takes, a busy node and a lost request sent again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_BATCH_TXS, MAX_REQUEST_BODY_BYTES } from '@hanglian/api';
import { addressFromPublicKey } from '@hanglian/core';
import {
  batchLength,
  type Client,
  createClient,
  type FetchFunction,
  memberSigner,
  openAccountSender,
  settlement,
} from '../src/index.js';
import { rejectsWithCode, startTestChain, type TestChain } from './helpers.js';

describe('batchLength', () => {
  it("takes as many leading transactions as one request carries: by count, and by the node's body", () => {
    assert.equal(batchLength([]), 0);
    assert.equal(batchLength(['aa']), 1);
    assert.equal(batchLength(Array.from({ length: 300 }, () => 'aa')), MAX_BATCH_TXS);
    assert.equal(batchLength(['aa', 'bb', 'cc'], 2), 2);
    // 2,000 bytes of hex each: the body is {"txs":[ … ]} with quotes and commas around each.
    const kb = Array.from({ length: 300 }, () => 'a'.repeat(2_000));
    const n = batchLength(kb);
    assert.ok(
      10 + n * 2_003 <= MAX_REQUEST_BODY_BYTES && 10 + (n + 1) * 2_003 > MAX_REQUEST_BODY_BYTES,
      `${n}`,
    );
    assert.ok(JSON.stringify({ txs: kb.slice(0, n) }).length <= MAX_REQUEST_BODY_BYTES);
    // One larger than the body still goes alone (the node answers for it).
    assert.equal(batchLength(['a'.repeat(MAX_REQUEST_BODY_BYTES), 'aa']), 1);
  });
});

describe('openAccountSender', () => {
  let chain: TestChain;
  let client: Client;
  before(async () => {
    chain = await startTestChain();
    client = createClient({ url: chain.url, reader: memberSigner(chain.key('bookstore/ops')) });
  });
  after(() => chain.stop());

  const balanceOf = async (address: string) =>
    (
      await client.query<{ amount: number }>({
        module: 'settlement',
        name: 'balance',
        params: { address },
      })
    ).result.amount;

  it('sends 300 transfers of one account unawaited, in far fewer requests, all committed in nonce order', async () => {
    const batches: number[] = [];
    const counting: FetchFunction = async (input, init) => {
      if (String(input).endsWith('/v1/txs/batch'))
        batches.push((JSON.parse(String(init?.body)) as { txs: string[] }).txs.length);
      return globalThis.fetch(input, init);
    };
    const sendingClient = createClient({ url: chain.url, fetch: counting });
    const signer = memberSigner(chain.key('platform-a/ops'));
    const to = addressFromPublicKey(chain.key('bookpress/ops').publicKey);
    const before = await balanceOf(to);
    const sender = await openAccountSender(sendingClient, { signer });
    const first = sender.nextNonce;
    const sent = await Promise.all(
      Array.from({ length: 300 }, (_, i) => sender.send(settlement.transfer({ to, amount: i + 1 }))),
    );
    assert.deepEqual(
      sent.map((s) => s.nonce),
      Array.from({ length: 300 }, (_, i) => first + i),
    );
    await Promise.all(sent.map((s) => s.admitted));
    const heights = await Promise.all(sent.map((s) => s.committed));
    // Nonce order is commit order: heights never go down.
    for (let i = 1; i < heights.length; i++) assert.ok(heights[i]!.height >= heights[i - 1]!.height);
    assert.equal(await balanceOf(to), before + (300 * 301) / 2);
    assert.equal(
      batches.reduce((a, b) => a + b, 0),
      300,
      `each sent once: ${batches}`,
    );
    assert.ok(batches.length < 300 / 4, `${batches.length} batch requests for 300 transfers`);
    assert.deepEqual(sender.pending(), { unadmitted: 0, uncommitted: 0 });
    sender.close();
  });

  it("a command that fails rejects its commit with the command's code; the next ones go on", async () => {
    const signer = memberSigner(chain.key('carrier-a/ops'));
    const to = addressFromPublicKey(chain.key('bookstore/ops').publicKey);
    const sender = await openAccountSender(client, { signer });
    const tooMuch = await sender.send(settlement.transfer({ to, amount: 10 ** 15 }));
    const fine = await sender.send(settlement.transfer({ to, amount: 5 }));
    await tooMuch.admitted;
    const error = await rejectsWithCode(tooMuch.committed, 'SETTLEMENT_INSUFFICIENT_BALANCE');
    assert.equal(error.details?.committed, true);
    assert.ok((await fine.committed).height >= 1);
    sender.close();
  });

  it('a transaction refused for good fails alone: its nonce goes to the next send, which lets the later ones through', async () => {
    const signer = memberSigner(chain.key('paybank-a/ops'));
    const to = addressFromPublicKey(chain.key('bookstore/ops').publicKey);
    const sender = await openAccountSender(client, { signer, batchWindowMs: 20 });
    const first = sender.nextNonce;
    // Gathered into one batch: the node refuses the first (its params are not a transfer's), and holds the
    // second waiting for the first's nonce.
    const [bad, later] = await Promise.all([
      sender.send({ module: 'settlement', command: 'transfer', params: { to, amount: 'ten' } }),
      sender.send(settlement.transfer({ to, amount: 7 })),
    ]);
    assert.equal(bad.nonce, first);
    assert.equal(later.nonce, first + 1);
    await rejectsWithCode(bad.admitted, 'TX_BAD_PARAMS');
    await rejectsWithCode(bad.committed, 'TX_BAD_PARAMS');
    await later.admitted;
    assert.equal(sender.nextNonce, first, 'the refused nonce is handed out again');
    const filler = await sender.send(settlement.transfer({ to, amount: 3 }));
    assert.equal(filler.nonce, first);
    const [filled, went] = await Promise.all([filler.committed, later.committed]);
    assert.ok(went.height >= filled.height);
    assert.equal(sender.nextNonce, first + 2);
    sender.close();
  });

  it('sends again after a busy answer and after a lost request, each transaction committed once', async () => {
    let calls = 0;
    const flaky: FetchFunction = async (input, init) => {
      if (!String(input).endsWith('/v1/txs/batch')) return globalThis.fetch(input, init);
      calls++;
      if (calls === 1)
        return new Response(
          JSON.stringify({ code: 'MEMPOOL_BACKLOG', message: 'busy', details: { retryAfterMs: 10 } }),
          { status: 503, headers: { 'content-type': 'application/json' } },
        );
      if (calls === 2) {
        // The node takes it, and the answer is lost on the way back.
        await globalThis.fetch(input, init);
        throw new TypeError('fetch failed');
      }
      return globalThis.fetch(input, init);
    };
    const signer = memberSigner(chain.key('bookpress/ops'));
    const to = addressFromPublicKey(chain.key('carrier-a/ops').publicKey);
    const before = await balanceOf(to);
    const sender = await openAccountSender(createClient({ url: chain.url, fetch: flaky }), { signer });
    const sent = await Promise.all(
      [1, 2, 3].map((amount) => sender.send(settlement.transfer({ to, amount }))),
    );
    await Promise.all(sent.map((s) => s.committed));
    // The busy answer, the lost one, and a resend unless the commit stream saw them committed first.
    assert.ok(calls >= 2, `${calls} batch requests`);
    assert.deepEqual(sender.pending(), { unadmitted: 0, uncommitted: 0 });
    assert.equal(await balanceOf(to), before + 6);
    sender.close();
  });

  it('counts an attempt for the first refusal of a batch only: the ones behind it do not run out while it retries', async () => {
    const refused = (code: string) => ({
      status: 'refused',
      code,
      message: code,
      details: { retryAfterMs: 10 },
    });
    let calls = 0;
    const scripted: FetchFunction = async (input, init) => {
      if (!String(input).endsWith('/v1/txs/batch')) return globalThis.fetch(input, init);
      calls++;
      // First: the first is refused busy, the two behind it too far past it (nothing reaches the node).
      if (calls === 1)
        return Response.json({
          results: [
            refused('MEMPOOL_BACKLOG'),
            refused('MEMPOOL_NONCE_TOO_FAR'),
            refused('MEMPOOL_NONCE_TOO_FAR'),
          ],
        });
      const response = await globalThis.fetch(input, init);
      if (calls > 2) return response;
      // Second: the node takes all three, but the answer says the second and third were refused again.
      const { results } = (await response.json()) as { results: unknown[] };
      return Response.json({
        results: [results[0], refused('MEMPOOL_BACKLOG'), refused('MEMPOOL_NONCE_TOO_FAR')],
      });
    };
    const signer = memberSigner(chain.key('platform-a/ops'));
    const to = addressFromPublicKey(chain.key('carrier-a/ops').publicKey);
    const sender = await openAccountSender(createClient({ url: chain.url, fetch: scripted }), {
      signer,
      retries: 1,
      batchWindowMs: 20,
    });
    const sent = await Promise.all(
      [1, 2, 3].map((amount) => sender.send(settlement.transfer({ to, amount }))),
    );
    // Each was the first refusal of a batch once at most: one attempt each, within `retries: 1`. Counting
    // every refusal, the second and third ran out at the second batch and were failed (though the node had
    // them). A third request is sent only if the commits were not seen first.
    await Promise.all(sent.map((s) => s.committed));
    assert.ok(calls >= 2, `${calls} batch requests`);
    sender.close();
  });

  it("keeps each request within the node's body limit", async () => {
    const bodies: number[] = [];
    const measuring: FetchFunction = async (input, init) => {
      if (String(input).endsWith('/v1/txs/batch')) bodies.push(String(init?.body).length);
      return globalThis.fetch(input, init);
    };
    const signer = memberSigner(chain.key('carrier-a/ops'));
    const to = addressFromPublicKey(chain.key('bookstore/ops').publicKey);
    const sender = await openAccountSender(createClient({ url: chain.url, fetch: measuring }), { signer });
    // With a 256-character memo a transfer is ~1.2 KB of hex: 256 of them, a batch's most, would not fit.
    const memo = 'm'.repeat(256);
    const sent = await Promise.all(
      Array.from({ length: 300 }, () => sender.send({ ...settlement.transfer({ to, amount: 1 }), memo })),
    );
    await Promise.all(sent.map((s) => s.committed));
    assert.ok(Math.max(...bodies) <= MAX_REQUEST_BODY_BYTES, `bodies ${bodies}`);
    assert.ok(Math.max(...bodies) > MAX_REQUEST_BODY_BYTES / 2, `bodies ${bodies}: full batches were sent`);
    sender.close();
  });

  it('sends fewer at a time when a node refuses a request as too large', async () => {
    const sizes: number[] = [];
    let refusedOne = false;
    const smallLimit: FetchFunction = async (input, init) => {
      if (!String(input).endsWith('/v1/txs/batch')) return globalThis.fetch(input, init);
      sizes.push((JSON.parse(String(init?.body)) as { txs: string[] }).txs.length);
      // A node configured with a body limit of about three transfers.
      if (sizes.at(-1)! > 3) {
        refusedOne = true;
        return new Response(
          JSON.stringify({ code: 'ENCODING_TOO_LARGE', message: 'request body exceeds 1500 bytes' }),
          { status: 413, headers: { 'content-type': 'application/json' } },
        );
      }
      return globalThis.fetch(input, init);
    };
    const signer = memberSigner(chain.key('bookstore/ops'));
    const to = addressFromPublicKey(chain.key('carrier-a/ops').publicKey);
    const before = await balanceOf(to);
    const sender = await openAccountSender(createClient({ url: chain.url, fetch: smallLimit }), {
      signer,
      batchWindowMs: 30,
    });
    const sent = await Promise.all(
      Array.from({ length: 12 }, () => sender.send(settlement.transfer({ to, amount: 1 }))),
    );
    await Promise.all(sent.map((s) => s.committed));
    assert.ok(refusedOne, `batches ${sizes}`);
    // Halved at each refusal (12, 6, 3 when all were gathered at once), and what got in was sent once.
    for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i]! <= sizes[i - 1]!, `batches ${sizes}`);
    const taken = sizes.filter((n) => n <= 3);
    assert.equal(
      taken.reduce((a, b) => a + b, 0),
      12,
      `batches ${sizes}`,
    );
    assert.equal(await balanceOf(to), before + 12);
    sender.close();
  });

  it('follows commits across a lost event stream: it connects again and asks for what it missed', async () => {
    let streams = 0;
    let cut: (() => void) | undefined;
    const cutting: FetchFunction = async (input, init) => {
      const response = await globalThis.fetch(input, init);
      if (!String(input).includes('/v1/subscribe')) return response;
      streams++;
      if (streams > 1) return response;
      // The first stream passes events on until cut, then fails as a dropped connection would.
      const reader = response.body!.getReader();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          cut = () => {
            void reader.cancel();
            controller.error(new TypeError('terminated'));
          };
          void (async () => {
            for (;;) {
              const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
              if (done) return;
              try {
                controller.enqueue(value!);
              } catch {
                return;
              }
            }
          })();
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const signer = memberSigner(chain.key('bookstore/ops'));
    const to = addressFromPublicKey(chain.key('paybank-a/ops').publicKey);
    const sender = await openAccountSender(createClient({ url: chain.url, fetch: cutting }), { signer });
    cut!();
    // Sent while the stream is down: their commits are not seen on it.
    const sent = await Promise.all([1, 2].map((amount) => sender.send(settlement.transfer({ to, amount }))));
    const heights = await Promise.all(sent.map((s) => s.committed));
    assert.ok(heights.every((h) => h.height > 0));
    assert.equal(streams, 2, 'one new stream after the cut');
    sender.close();
  });

  it('close rejects what is still awaited, and later sends', async () => {
    const signer = memberSigner(chain.key('platform-a/admin'));
    const sender = await openAccountSender(client, { signer, batchWindowMs: 1_000 });
    const to = addressFromPublicKey(chain.key('bookstore/ops').publicKey);
    const queued = await sender.send(settlement.transfer({ to, amount: 1 }));
    sender.close();
    await rejectsWithCode(queued.admitted, 'SDK_SENDER_CLOSED');
    await rejectsWithCode(sender.send(settlement.transfer({ to, amount: 1 })), 'SDK_SENDER_CLOSED');
  });
});
