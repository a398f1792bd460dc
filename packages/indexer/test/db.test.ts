// The index database on both back-ends: migrations once and only once, one SQL transaction per write,
// and catalogue search in Chinese and English through the same SQL.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { listMigrations, migrate, routes } from '../src/index.js';
import { backends } from './backends.js';

const search = routes.find((r) => r.id === 'searchCatalog')!;

for (const backend of backends) {
  describe(`index database (${backend.name})`, { skip: backend.skip }, () => {
    const disposers: Array<() => Promise<void>> = [];
    after(async () => {
      for (const d of disposers) await d();
    });

    it('applies every migration once: a second run applies none', async () => {
      const { db, dispose } = await backend.create();
      disposers.push(dispose);
      const { rows } = await db.query<{ version: string }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      assert.deepEqual(
        rows.map((r) => r.version),
        listMigrations().map((m) => m.version),
      );
      assert.deepEqual(await migrate(db), []);
    });

    it('rolls a failed transaction back whole', async () => {
      const { db, dispose } = await backend.create();
      disposers.push(dispose);
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query(
            `INSERT INTO blocks (height, hash, time_ms, proposer, tx_count, state_root, signatures)
             VALUES (1, 'a', 1, 'p', 0, 's', 1)`,
          );
          await tx.query('INSERT INTO no_such_table VALUES (1)');
        }),
      );
      const { rows } = await db.query<{ n: number }>('SELECT count(*) AS n FROM blocks');
      assert.equal(rows[0]!.n, 0);
    });

    it('finds listings by Chinese and English words, every word required, and sorts by price', async () => {
      const { db, dispose } = await backend.create();
      disposers.push(dispose);
      const listings = [
        ['shop-a/hlm', '红楼梦 精装版', 'isbn-1', 5980, 'books', '红楼梦 Dream of the Red Chamber'],
        ['shop-a/xyj', '西游记 插图本', 'isbn-2', 4280, 'books', '西游记 Journey to the West'],
        ['shop-b/tea', '西湖龙井 明前 250g', 'tea-1', 12800, 'tea', '西湖龙井 Longjing green tea'],
        ['shop-b/mug', 'Ceramic mug 陶瓷杯', 'mug-1', 3900, 'home', 'Ceramic mug'],
      ] as const;
      for (const [id, title, sku, price, category, name] of listings) {
        await db.query(
          `INSERT INTO listings (id, merchant, sku, title, price, carriers, ships_to, return_days, restocking_fee_bps,
             host_commission_bps, status, created_height, updated_height, category, search)
           VALUES ($1, $2, $3, $4, $5, ARRAY['carrier-a'], ARRAY['CN'], 7, 0, 0, 'active', 1, 1, $6, lower($4 || ' ' || $7 || ' ' || $6))`,
          [id, id.split('/')[0], sku, title, price, category, name],
        );
      }
      const ids = async (query: Record<string, unknown>) =>
        ((await search.run(db, query as never, {})) as { listings: Array<{ id: string }> }).listings.map(
          (l) => l.id,
        );
      assert.deepEqual(await ids({ q: '红楼' }), ['shop-a/hlm']);
      assert.deepEqual((await ids({ q: '西' })).sort(), ['shop-a/xyj', 'shop-b/tea']);
      assert.deepEqual(await ids({ q: 'green TEA' }), ['shop-b/tea']);
      assert.deepEqual(await ids({ q: '西 journey' }), ['shop-a/xyj']);
      assert.deepEqual(await ids({ q: 'nothing-like-this' }), []);
      assert.deepEqual(await ids({ sort: 'price-asc' }), [
        'shop-b/mug',
        'shop-a/xyj',
        'shop-a/hlm',
        'shop-b/tea',
      ]);
      assert.deepEqual(await ids({ category: 'books', sort: 'price-desc' }), ['shop-a/hlm', 'shop-a/xyj']);
      assert.deepEqual(await ids({ sort: 'price-asc', limit: 2, offset: 2 }), ['shop-a/hlm', 'shop-b/tea']);
      // LIKE's own characters are matched literally.
      assert.deepEqual(await ids({ q: '%' }), []);
      const page = (await search.run(db, { q: '西' } as never, {})) as { total: number };
      assert.equal(page.total, 2);
    });
  });
}
