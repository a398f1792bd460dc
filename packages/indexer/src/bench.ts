/**
 * How the index answers at scale: catalogue search and company reports over tables filled directly in
 * SQL (100,000 listings and 1,000,000 orders by default, the same schema the indexer writes), timed
 * through the read API's own route functions, so the figures are what `/v1/index/...` costs minus HTTP.
 */

import { routes } from './api/routes.js';
import type { IndexDb } from './db/interface.js';

export interface LatencyFigure {
  readonly name: string;
  readonly runs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  /** What the answer held (results, rows), so a reader sees it did work. */
  readonly answered: number;
}

export interface ScaleBenchResult {
  readonly db: string;
  readonly listings: number;
  readonly orders: number;
  readonly fillSeconds: number;
  readonly queries: LatencyFigure[];
}

const TITLES = [
  '西湖龙井',
  '碧螺春',
  '普洱熟茶',
  '铁观音',
  '白茶',
  '红茶',
  '茉莉花茶',
  '大红袍',
  '真丝围巾',
  '旗袍',
  '丝绸睡衣',
  '青花瓷碗',
  '茶具套装',
  '花瓶',
  '坚果礼盒',
  '牛肉干',
  '月饼',
  '蓝牙耳机',
  '机械键盘',
  '三国演义',
];
const ENGLISH = [
  'longjing green tea',
  'biluochun',
  'puer',
  'oolong',
  'white tea',
  'black tea',
  'jasmine tea',
  'rock tea',
  'silk scarf',
  'qipao',
  'silk pyjamas',
  'porcelain bowl',
  'tea set',
  'vase',
  'nuts gift box',
  'beef jerky',
  'mooncakes',
  'wireless earbuds',
  'mechanical keyboard',
  'three kingdoms',
];
const VARIANTS = ['特级', '一级', '礼盒装', '家庭装', '旅行装', '黑色', '白色', 'Pro', '精装版', '平装版'];
const CATEGORIES = ['tea', 'apparel', 'home', 'food', 'electronics', 'books'];

function sqlArray(values: readonly string[]): string {
  return `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]`;
}

/** Fills `listings` and `orders` with generated rows (500 merchants; merchant m0 has a tenth of the orders). */
export async function fillAtScale(db: IndexDb, listings: number, orders: number): Promise<void> {
  await db.exec(`
    INSERT INTO listings (id, merchant, sku, title, price, carriers, ships_to, return_days, restocking_fee_bps,
      host_commission_bps, status, created_height, updated_height, category, producer, search)
    SELECT 'm' || (i % 500) || '/s' || i, 'm' || (i % 500), 's' || i, t, 1000 + (i::bigint * 7919) % 100000,
      ARRAY['carrier-a'], ARRAY['CN'], 7, 0, 0, 'active', i, i, c, 'p' || (i % 50),
      lower(t || ' ' || c || ' s' || i || ' m' || (i % 500))
    FROM (
      SELECT i, (${sqlArray(TITLES)})[1 + i % 20] || ' ' || (${sqlArray(VARIANTS)})[1 + (i / 20) % 10] || ' '
          || (${sqlArray(ENGLISH)})[1 + i % 20] || ' #' || i AS t,
        (${sqlArray(CATEGORIES)})[1 + (i % 20) / 4 % 6] AS c
      FROM generate_series(1, ${listings}) i
    ) generated;
  `);
  await db.exec(`
    INSERT INTO orders (id, buyer, gateway, listing, merchant, sku, quantity, unit_price, codes, payment_impl,
      logistics_impl, payment_provider, carrier, platform, arbiter, from_region, buyer_region, goods, total,
      composition, status, reason, payouts, created_ms, ended_ms, created_height, updated_height)
    SELECT md5(i::text), 'hl' || substr(md5('b' || i), 1, 40), 'hl' || substr(md5('g' || i), 1, 40),
      'm' || m || '/s' || (1 + i % ${listings}), 'm' || m, 's' || (1 + i % ${listings}), 1, price,
      ARRAY['s' || (1 + i % ${listings}) || ':b1:' || i], 'paybank-a.payment', 'carrier-a.express', 'paybank-a',
      'carrier-a', 'platform-a', 'regulator', 'CN-31', (ARRAY['CN-11','CN-31','CN-44','CN-33'])[1 + i % 4],
      price, price + 800, '{}'::jsonb, st, NULL,
      CASE WHEN st = 'completed' THEN jsonb_build_object('merchant', price * 9 / 10, 'carrier', 800,
        'platform', price / 50, 'payment', 0, 'host', 0, 'refund', 0) END,
      1790000000000 + i::bigint * 8000, NULL, i / 50, i / 50
    FROM (
      SELECT i, CASE WHEN i % 10 = 0 THEN 0 ELSE i % 500 END AS m, 1000 + (i::bigint * 7919) % 100000 AS price,
        (ARRAY['completed','completed','completed','completed','completed','completed','returned','refunded',
          'paid','disputed'])[1 + i % 10] AS st
      FROM generate_series(1, ${orders}) i
    ) generated;
  `);
  await db.exec('ANALYZE listings; ANALYZE orders;');
}

async function timeIt(name: string, runs: number, fn: () => Promise<number>): Promise<LatencyFigure> {
  await fn(); // warm the plan and the caches once
  const times: number[] = [];
  let answered = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    answered = await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]! * 100) / 100;
  return { name, runs, p50Ms: at(0.5), p95Ms: at(0.95), answered };
}

/** Fills the tables, then times searches and reports through the API's route functions. */
export async function runScaleBench(
  db: IndexDb,
  options: { listings?: number; orders?: number; runs?: number } = {},
): Promise<ScaleBenchResult> {
  const listings = options.listings ?? 100_000;
  const orders = options.orders ?? 1_000_000;
  const runs = options.runs ?? 20;
  const started = performance.now();
  await fillAtScale(db, listings, orders);
  const fillSeconds = (performance.now() - started) / 1000;
  const route = (id: string) => routes.find((r) => r.id === id)!;
  const search = (query: Record<string, unknown>) => async () =>
    ((await route('searchCatalog').run(db, query as never, {})) as { listings: unknown[] }).listings.length;
  const report = (org: string, interval: 'month' | 'day') => async () =>
    (
      (await route('orgReport').run(db, { role: 'merchant', interval } as never, { org })) as {
        periods: unknown[];
      }
    ).periods.length;
  const orgOrders = (org: string) => async () =>
    (
      (await route('orgOrders').run(db, { role: 'merchant', limit: 50 } as never, { org })) as {
        orders: unknown[];
      }
    ).orders.length;
  const queries = [
    await timeIt('search "龙井" (2 CJK chars), 24 by relevance', runs, search({ q: '龙井', limit: 24 })),
    await timeIt('search "西湖龙井 特级", 24 by relevance', runs, search({ q: '西湖龙井 特级', limit: 24 })),
    await timeIt(
      'search "silk scarf", 24 by price',
      runs,
      search({ q: 'silk scarf', sort: 'price-asc', limit: 24 }),
    ),
    await timeIt('search "keyboard pro", 24', runs, search({ q: 'keyboard pro', limit: 24 })),
    await timeIt(
      'category "tea" by price, page 10 of 24',
      runs,
      search({ category: 'tea', sort: 'price-asc', limit: 24, offset: 216 }),
    ),
    await timeIt('newest 24 of the whole catalogue', runs, search({ limit: 24 })),
    await timeIt(
      `report by month, merchant m1 (${Math.round((orders * 0.9) / 499)} orders)`,
      runs,
      report('m1', 'month'),
    ),
    await timeIt(
      `report by month, merchant m0 (${orders / 10} orders)`,
      Math.max(3, runs / 4),
      report('m0', 'month'),
    ),
    await timeIt('report by day, merchant m1', runs, report('m1', 'day')),
    await timeIt('orders page of merchant m0, newest 50', runs, orgOrders('m0')),
  ];
  return { db: db.kind, listings, orders, fillSeconds: Math.round(fillSeconds * 10) / 10, queries };
}
