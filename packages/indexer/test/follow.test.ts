// The index following a real node (the book story on a one-validator devnet), on both back-ends: every
// block verified and written with its cursor; entities equal to what the node's own queries answer;
// both back-ends hold the same rows; a node that lies about a block is refused; and the read API
// applies the node's rule (public catalogue; members-only transactions and reports).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ed25519Sha256, formatReaderHeader, READ_REQUEST_HEADER, readRequestSignBytes } from '@hanglian/core';
import { createClient, memberSigner } from '@hanglian/sdk';
import { createIndexApi, Indexer, readCursor } from '../src/index.js';
import { backends, dumpTables } from './backends.js';
import { startTestChain, type TestChain } from './devnet.js';

let chain: TestChain;
let target: number;
const dumps: Record<string, Record<string, string[]>> = {};

before(async () => {
  chain = await startTestChain();
  target = (await createClient({ url: chain.api }).getStatus()).height;
});
after(async () => {
  await chain?.stop();
});

for (const backend of backends) {
  describe(`following a node (${backend.name})`, { skip: backend.skip }, () => {
    let created: Awaited<ReturnType<typeof backend.create>>;
    let indexer: Indexer;
    before(async () => {
      created = await backend.create();
      indexer = new Indexer({ db: created.db, api: chain.api, reader: chain.reader, genesis: chain.genesis });
    });
    after(async () => created?.dispose());

    it('verifies and writes every block up to the target, the cursor with them', async () => {
      const report = await indexer.catchUp(target);
      assert.equal(report.to, target);
      assert.equal(report.blocks, target);
      const cursor = await readCursor(created.db);
      assert.equal(cursor?.height, target);
      const { rows } = await created.db.query<{ n: number; max: number }>(
        'SELECT count(*) AS n, max(height) AS max FROM blocks',
      );
      assert.deepEqual(rows[0], { n: target, max: target });
      const header = await createClient({ url: chain.api }).getHeader({ height: target });
      assert.equal(cursor?.blockHash, header.hash);
      dumps[backend.name] = await dumpTables(created.db);
    });

    it('holds the entities the node answers for', async () => {
      const client = createClient({ url: chain.api, reader: chain.reader });
      const { result: listing } = await client.query<{ id: string; title: string; price: number }>({
        module: 'catalog',
        name: 'listing',
        params: { id: 'bookstore/hlm-2026' },
      });
      const { rows: listings } = await created.db.query<{
        id: string;
        title: string;
        price: number;
        category: string;
      }>("SELECT id, title, price, category FROM listings WHERE id = 'bookstore/hlm-2026'");
      assert.deepEqual(listings[0], {
        id: listing.id,
        title: listing.title,
        price: listing.price,
        category: 'books',
      });

      const { rows: orders } = await created.db.query<{
        id: string;
        status: string;
        total: number;
        merchant: string;
      }>('SELECT id, status, total, merchant FROM orders');
      assert.equal(orders.length, 1);
      const { result: order } = await client.query<{ status: string; composition: { total: number } }>({
        module: 'orders',
        name: 'order',
        params: { id: orders[0]!.id },
      });
      assert.equal(orders[0]!.status, order.status);
      assert.equal(orders[0]!.total, order.composition.total);
      const { rows: steps } = await created.db.query<{ step: string }>(
        'SELECT step FROM order_steps WHERE order_id = $1 ORDER BY height, tx_idx, event_idx',
        [orders[0]!.id],
      );
      assert.deepEqual(
        steps.map((s) => s.step),
        ['created', 'paid', 'shipped', 'delivered', 'ended'],
      );
      const { rows: items } = await created.db.query<{ code: string; owner: string; status: string }>(
        'SELECT code, owner, status FROM items',
      );
      const { result: item } = await client.query<{ state: { owner: string; status: string } }>({
        module: 'items',
        name: 'item',
        params: { code: items[0]!.code },
      });
      assert.equal(items[0]!.owner, item.state.owner);
      assert.equal(items[0]!.status, 'sold');
      const { rows: uses } = await created.db.query<{ implementation: string; uses: number }>(
        "SELECT implementation, uses FROM implementation_uses WHERE kind = 'order' ORDER BY implementation",
      );
      assert.ok(uses.some((u) => u.implementation === 'paybank-a.payment' && u.uses === 1));
      const { rows: txOrgs } = await created.db.query<{ n: number }>(
        'SELECT count(*) AS n FROM txs WHERE org IS NULL',
      );
      assert.equal(txOrgs[0]!.n, 0, 'every submitter has its organisation');
    });

    it('serves search to anyone and reports to members only', async () => {
      const app = createIndexApi({
        db: created.db,
        node: createClient({ url: chain.api }),
        chainId: chain.genesis.chainId,
      });
      try {
        const found = await app.inject({
          method: 'GET',
          url: `/v1/index/catalog/search?q=${encodeURIComponent('红楼')}`,
        });
        assert.equal(found.statusCode, 200);
        assert.equal(found.json().listings[0].id, 'bookstore/hlm-2026');
        const reportUrl = '/v1/index/orgs/bookstore/report?role=merchant&interval=month';
        const unsigned = await app.inject({ method: 'GET', url: reportUrl });
        assert.equal(unsigned.statusCode, 401);
        assert.equal(unsigned.json().code, 'INDEX_READ_AUTH_REQUIRED');
        const sign = async (signer: typeof chain.reader, url: string) => {
          const time = Date.now();
          const message = readRequestSignBytes({
            chainId: chain.genesis.chainId,
            method: 'GET',
            path: url,
            time,
            body: new Uint8Array(0),
          });
          return formatReaderHeader({
            publicKey: signer.publicKey,
            time,
            signature: await signer.sign(message),
          });
        };
        const signed = await app.inject({
          method: 'GET',
          url: reportUrl,
          headers: { [READ_REQUEST_HEADER]: await sign(chain.reader, reportUrl) },
        });
        assert.equal(signed.statusCode, 200);
        const periods = signed.json().periods as Array<{ orders: number; sales: number; earnings: number }>;
        assert.equal(
          periods.reduce((n, p) => n + p.orders, 0),
          1,
        );
        assert.ok(periods[0]!.earnings > 0);
        // A signature moved to another request does not verify.
        const moved = await app.inject({
          method: 'GET',
          url: '/v1/index/txs',
          headers: { [READ_REQUEST_HEADER]: await sign(chain.reader, reportUrl) },
        });
        assert.equal(moved.json().code, 'INDEX_READ_AUTH_INVALID');
        // A key that is no member identity is refused.
        const stranger = memberSigner(ed25519Sha256.generateSigningKey());
        const refused = await app.inject({
          method: 'GET',
          url: reportUrl,
          headers: { [READ_REQUEST_HEADER]: await sign(stranger, reportUrl) },
        });
        assert.equal(refused.statusCode, 403);
        assert.equal(refused.json().code, 'INDEX_READ_NOT_MEMBER');
        const openapi = await app.inject({ method: 'GET', url: '/v1/index/openapi.json' });
        assert.ok(Object.keys(openapi.json().paths).includes('/v1/index/orgs/{org}/report'));
      } finally {
        await app.close();
      }
    });
  });
}

describe('both back-ends', () => {
  it('hold the same rows after following the same chain', {
    skip: backends.some((b) => b.skip) ? 'one back-end is not configured' : undefined,
  }, () => {
    assert.ok(dumps.embedded !== undefined && dumps.server !== undefined);
    assert.deepEqual(dumps.server, dumps.embedded);
  });
});

describe('a node that lies', () => {
  it('is refused when a block does not match its commit certificate', async () => {
    const { db, dispose } = await backends[0]!.create();
    try {
      // Rewrites block 5's time in what the node sends: the header no longer hashes to what was signed.
      const lying = async (input: string, init?: RequestInit) => {
        const response = await fetch(input, init);
        if (!/\/v1\/blocks\/5$/.test(new URL(input).pathname)) return response;
        const body = (await response.json()) as { header: { time: number } };
        body.header.time += 1;
        return new Response(JSON.stringify(body), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      };
      const indexer = new Indexer({
        db,
        api: chain.api,
        reader: chain.reader,
        genesis: chain.genesis,
        fetch: lying,
      });
      await assert.rejects(indexer.catchUp(10), (e: { code?: string }) => e.code === 'INDEX_VERIFY_FAILED');
      assert.equal((await readCursor(db))?.height, 4, 'the blocks before the lie are kept, nothing after');
    } finally {
      await dispose();
    }
  });
});
