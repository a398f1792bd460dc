/**
 * The index's read API, defined once: each route's path, who may read it (the node's rule: the
 * catalogue, items, reviews, implementations and block headers are public; transactions, an
 * organisation's orders, shipments and earnings are for members), its query schema and the SQL that
 * answers it. The server and the OpenAPI document are both made from this table.
 */

import { DEV_CALENDAR_DAYS, type InsightsParameters, periodsOf } from '@hanglian/state-machine';
import { type Static, type TObject, Type } from '@sinclair/typebox';
import type { SqlClient } from '../db/interface.js';

export type Access = 'public' | 'members';

export interface IndexRoute<Q extends TObject = TObject> {
  readonly id: string;
  readonly path: string;
  readonly summary: string;
  readonly access: Access;
  readonly params?: TObject;
  readonly query: Q;
  readonly run: (db: SqlClient, query: Static<Q>, params: Record<string, string>) => Promise<unknown>;
}

const Limit = Type.Integer({ minimum: 1, maximum: 200, default: 50 });
const Offset = Type.Integer({ minimum: 0, maximum: 100_000, default: 0 });
const Name = Type.String({ pattern: '^[a-z0-9][a-z0-9._:/-]{0,199}$' });
const OrgParam = Type.Object({ org: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' }) });
const Ms = Type.Integer({ minimum: 0, description: 'unix ms' });

/** Which column names an organisation in each role of an order, and which payout share is its own. */
export const ORDER_ROLES = {
  merchant: { column: 'merchant', share: 'merchant' },
  carrier: { column: 'carrier', share: 'carrier' },
  payment: { column: 'payment_provider', share: 'payment' },
  platform: { column: 'platform', share: 'platform' },
  host: { column: 'host', share: 'host' },
} as const;
const Role = Type.Union(
  Object.keys(ORDER_ROLES).map((r) => Type.Literal(r)),
  { default: 'merchant' },
);

function define<Q extends TObject>(route: IndexRoute<Q>): IndexRoute<Q> {
  return route;
}

/** Words of a search: lower case, split on spaces, at most 8. */
export function searchTerms(q: string): string[] {
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .slice(0, 8);
}

/** A LIKE pattern matching `term` anywhere, with LIKE's own characters taken literally. */
function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export const SEARCH_SORTS = ['relevance', 'price-asc', 'price-desc', 'newest'] as const;

export const routes = [
  define({
    id: 'indexStatus',
    path: '/v1/index/status',
    summary: 'Where the index stands: chain, height and block hash it has written, its database',
    access: 'public',
    query: Type.Object({}),
    run: async (db) => {
      const { rows } = await db.query('SELECT chain_id, height, block_hash FROM index_cursor WHERE id = 1');
      const row = rows[0] as { chain_id: string; height: number; block_hash: string } | undefined;
      return { chainId: row?.chain_id ?? null, height: row?.height ?? 0, blockHash: row?.block_hash ?? null };
    },
  }),
  define({
    id: 'searchCatalog',
    path: '/v1/index/catalog/search',
    summary:
      'Full-text catalogue search (Chinese and English: every word must occur in the title, product name, category, SKU or merchant; trigram-indexed), with filters, sorting and paging',
    access: 'public',
    query: Type.Object({
      q: Type.Optional(Type.String({ maxLength: 200 })),
      category: Type.Optional(Type.String({ maxLength: 64 })),
      merchant: Type.Optional(Name),
      sku: Type.Optional(Name),
      minPrice: Type.Optional(Type.Integer({ minimum: 0 })),
      maxPrice: Type.Optional(Type.Integer({ minimum: 0 })),
      sort: Type.Optional(Type.Union(SEARCH_SORTS.map((s) => Type.Literal(s)))),
      limit: Type.Optional(Limit),
      offset: Type.Optional(Offset),
    }),
    run: async (db, q) => {
      const where: string[] = ["l.status = 'active'"];
      const params: unknown[] = [];
      const add = (value: unknown) => {
        params.push(value);
        return `$${params.length}`;
      };
      const terms = searchTerms(q.q ?? '');
      for (const term of terms) where.push(`l.search LIKE ${add(containsPattern(term))}`);
      if (q.category !== undefined) where.push(`l.category = ${add(q.category)}`);
      if (q.merchant !== undefined) where.push(`l.merchant = ${add(q.merchant)}`);
      if (q.sku !== undefined) where.push(`l.sku = ${add(q.sku)}`);
      if (q.minPrice !== undefined) where.push(`l.price >= ${add(q.minPrice)}`);
      if (q.maxPrice !== undefined) where.push(`l.price <= ${add(q.maxPrice)}`);
      const sort = q.sort ?? (terms.length > 0 ? 'relevance' : 'newest');
      const order =
        sort === 'price-asc'
          ? 'l.price ASC, l.id'
          : sort === 'price-desc'
            ? 'l.price DESC, l.id'
            : sort === 'relevance' && terms.length > 0
              ? `similarity(l.search, ${add(terms.join(' '))}) DESC, l.id`
              : 'l.created_height DESC, l.id';
      const limit = q.limit ?? 50;
      const offset = q.offset ?? 0;
      const whereSql = where.join(' AND ');
      const [page, total] = await Promise.all([
        db.query(
          `SELECT l.id, l.merchant, l.sku, l.title, l.price, l.category, l.producer, l.carriers, l.ships_to AS "shipsTo",
             l.ships_from AS "shipsFrom", l.return_days AS "returnDays", l.host_commission_bps AS "hostCommissionBps",
             l.created_height AS "createdHeight",
             (SELECT round(avg(r.rating)::numeric, 2) FROM reviews r WHERE r.listing = l.id) AS rating,
             (SELECT count(*) FROM reviews r WHERE r.listing = l.id) AS reviews
           FROM listings l WHERE ${whereSql} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
          params,
        ),
        db.query(
          `SELECT count(*) AS n FROM listings l WHERE ${where.join(' AND ')}`,
          params.slice(0, countParams(whereSql)),
        ),
      ]);
      return { total: (total.rows[0] as { n: number }).n, offset, limit, sort, listings: page.rows };
    },
  }),
  define({
    id: 'catalogCategories',
    path: '/v1/index/catalog/categories',
    summary: 'Categories of the active catalogue with how many listings each has',
    access: 'public',
    query: Type.Object({}),
    run: async (db) => {
      const { rows } = await db.query(
        `SELECT coalesce(category, 'other') AS category, count(*) AS listings, min(price) AS "minPrice"
         FROM listings WHERE status = 'active' GROUP BY 1 ORDER BY 2 DESC, 1`,
      );
      return { categories: rows };
    },
  }),
  define({
    id: 'listingReviews',
    path: '/v1/index/reviews',
    summary: "Reviews of a listing or a merchant, newest first, with the merchant's replies",
    access: 'public',
    query: Type.Object({
      listing: Type.Optional(Name),
      merchant: Type.Optional(Name),
      limit: Type.Optional(Limit),
      offset: Type.Optional(Offset),
    }),
    run: async (db, q) => {
      const { rows } = await db.query(
        `SELECT order_id AS "order", listing, merchant, sku, rating, text, written_height AS "writtenHeight",
           reply, replied_height AS "repliedHeight"
         FROM reviews WHERE ($1::text IS NULL OR listing = $1) AND ($2::text IS NULL OR merchant = $2)
         ORDER BY written_height DESC, order_id LIMIT $3 OFFSET $4`,
        [q.listing ?? null, q.merchant ?? null, q.limit ?? 50, q.offset ?? 0],
      );
      return { reviews: rows };
    },
  }),
  define({
    id: 'implementations',
    path: '/v1/index/implementations',
    summary: 'Implementations of the commerce standards and how often each was chosen (by orders, by calls)',
    access: 'public',
    query: Type.Object({ standard: Type.Optional(Type.String({ maxLength: 64 })) }),
    run: async (db, q) => {
      const { rows } = await db.query(
        `SELECT i.id, i.standard, i.org, i.display_name AS "displayName", i.registered_height AS "registeredHeight",
           coalesce((SELECT uses FROM implementation_uses u WHERE u.implementation = i.id AND u.kind = 'order'), 0) AS "orderUses",
           coalesce((SELECT uses FROM implementation_uses u WHERE u.implementation = i.id AND u.kind = 'call'), 0) AS "callUses"
         FROM implementations i WHERE ($1::text IS NULL OR i.standard = $1)
         ORDER BY "orderUses" DESC, "callUses" DESC, i.id`,
        [q.standard ?? null],
      );
      return { implementations: rows };
    },
  }),
  define({
    id: 'items',
    path: '/v1/index/items',
    summary: 'Items the index knows the state of, by batch and holder (owner or custodian), in code order',
    access: 'public',
    query: Type.Object({
      sku: Type.Optional(Name),
      batch: Type.Optional(Name),
      holder: Type.Optional(Type.String({ maxLength: 160, description: 'org:<id> or acct:<address>' })),
      limit: Type.Optional(Limit),
      offset: Type.Optional(Offset),
    }),
    run: async (db, q) => {
      const args = [q.sku ?? null, q.batch ?? null, q.holder ?? null];
      const filter = `($1::text IS NULL OR sku = $1) AND ($2::text IS NULL OR batch = $2)
        AND ($3::text IS NULL OR owner = $3 OR custodian = $3)`;
      const [page, summary] = await Promise.all([
        db.query(
          `SELECT code, sku, batch, serial, owner, custodian, status, updated_height AS "updatedHeight" FROM items
           WHERE ${filter} ORDER BY sku, batch, serial LIMIT $4 OFFSET $5`,
          [...args, q.limit ?? 50, q.offset ?? 0],
        ),
        db.query(
          `SELECT owner, status, count(*) AS items FROM items WHERE ${filter} GROUP BY owner, status ORDER BY 3 DESC`,
          args,
        ),
      ]);
      return { items: page.rows, byHolder: summary.rows };
    },
  }),
  define({
    id: 'batchHistory',
    path: '/v1/index/items/events',
    summary:
      'What happened to the items of a batch (or named codes): commissioning, shipping, receiving, recalls',
    access: 'public',
    query: Type.Object({
      sku: Type.Optional(Name),
      batch: Type.Optional(Name),
      code: Type.Optional(Name),
      limit: Type.Optional(Limit),
    }),
    run: async (db, q) => {
      const { rows } = await db.query(
        `SELECT height, tx_idx AS "txIndex", biz_step AS "bizStep", by_org AS "by", sku, batch, serial_from AS "from",
           serial_to AS "to", codes, count, ref, time_ms AS "time"
         FROM item_events WHERE ($1::text IS NULL OR sku = $1) AND ($2::text IS NULL OR batch = $2)
           AND ($3::text IS NULL OR $3 = ANY(codes))
         ORDER BY height DESC, tx_idx DESC, idx DESC LIMIT $4`,
        [q.sku ?? null, q.batch ?? null, q.code ?? null, q.limit ?? 50],
      );
      return { events: rows };
    },
  }),
  define({
    id: 'blocks',
    path: '/v1/index/blocks',
    summary: 'Blocks newest first (header facts, public like headers); `before` pages back',
    access: 'public',
    query: Type.Object({
      before: Type.Optional(Type.Integer({ minimum: 1 })),
      from: Type.Optional(Ms),
      to: Type.Optional(Ms),
      nonEmpty: Type.Optional(Type.Boolean()),
      limit: Type.Optional(Limit),
    }),
    run: async (db, q) => {
      const { rows } = await db.query(
        `SELECT height, hash, time_ms AS time, proposer, tx_count AS "txCount", state_root AS "stateRoot", signatures
         FROM blocks WHERE ($1::bigint IS NULL OR height < $1) AND ($2::bigint IS NULL OR time_ms >= $2)
           AND ($3::bigint IS NULL OR time_ms < $3) AND (NOT $4 OR tx_count > 0)
         ORDER BY height DESC LIMIT $5`,
        [q.before ?? null, q.from ?? null, q.to ?? null, q.nonEmpty ?? false, q.limit ?? 50],
      );
      return { blocks: rows };
    },
  }),
  define({
    id: 'transactions',
    path: '/v1/index/txs',
    summary:
      'Transactions newest first, by organisation, module, command, height and time (members: blocks are members-only)',
    access: 'members',
    query: Type.Object({
      org: Type.Optional(Name),
      module: Type.Optional(Type.String({ pattern: '^[a-z][a-zA-Z0-9]{0,47}$' })),
      command: Type.Optional(Type.String({ pattern: '^[a-z][a-zA-Z0-9]{0,47}$' })),
      height: Type.Optional(Type.Integer({ minimum: 1 })),
      code: Type.Optional(Type.String({ maxLength: 64 })),
      from: Type.Optional(Ms),
      to: Type.Optional(Ms),
      before: Type.Optional(
        Type.String({ pattern: '^[0-9]{1,15}:[0-9]{1,6}$', description: '<height>:<index>' }),
      ),
      limit: Type.Optional(Limit),
    }),
    run: async (db, q) => {
      const [bh, bi] = q.before === undefined ? [null, null] : q.before.split(':').map(Number);
      const { rows } = await db.query(
        `SELECT id, height, idx AS index, time_ms AS time, module, command, submitter, org, code, message,
           gas_used AS "gasUsed", params
         FROM txs WHERE ($1::text IS NULL OR org = $1) AND ($2::text IS NULL OR module = $2)
           AND ($3::text IS NULL OR command = $3) AND ($4::bigint IS NULL OR height = $4)
           AND ($5::text IS NULL OR code = $5) AND ($6::bigint IS NULL OR time_ms >= $6)
           AND ($7::bigint IS NULL OR time_ms < $7)
           AND ($8::bigint IS NULL OR (height, idx) < ($8::bigint, $9::int))
         ORDER BY height DESC, idx DESC LIMIT $10`,
        [
          q.org ?? null,
          q.module ?? null,
          q.command ?? null,
          q.height ?? null,
          q.code ?? null,
          q.from ?? null,
          q.to ?? null,
          bh,
          bi,
          q.limit ?? 50,
        ],
      );
      const last = rows.at(-1) as { height: number; index: number } | undefined;
      return {
        txs: rows,
        next: rows.length === (q.limit ?? 50) && last ? `${last.height}:${last.index}` : null,
      };
    },
  }),
  define({
    id: 'order',
    path: '/v1/index/orders/:id',
    summary: 'One order with its steps (public, like the node’s order query)',
    access: 'public',
    params: Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{32}$' }) }),
    query: Type.Object({}),
    run: async (db, _q, params) => {
      const [order, steps] = await Promise.all([
        db.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [params.id]),
        db.query(
          `SELECT step, status, by, height, time_ms AS time FROM order_steps WHERE order_id = $1
           ORDER BY height, tx_idx, event_idx`,
          [params.id],
        ),
      ]);
      return { order: order.rows[0] ?? null, steps: steps.rows };
    },
  }),
  define({
    id: 'orgOrders',
    path: '/v1/index/orgs/:org/orders',
    summary:
      "An organisation's orders in one role (merchant, carrier, payment, platform, host), newest first",
    access: 'members',
    params: OrgParam,
    query: Type.Object({
      role: Type.Optional(Role),
      status: Type.Optional(Type.String({ maxLength: 32 })),
      from: Type.Optional(Ms),
      to: Type.Optional(Ms),
      limit: Type.Optional(Limit),
      offset: Type.Optional(Offset),
    }),
    run: async (db, q, params) => {
      const role = ORDER_ROLES[(q.role ?? 'merchant') as keyof typeof ORDER_ROLES];
      const args = [params.org, q.status ?? null, q.from ?? null, q.to ?? null];
      const filter = `${role.column} = $1 AND ($2::text IS NULL OR status = $2)
        AND ($3::bigint IS NULL OR created_ms >= $3) AND ($4::bigint IS NULL OR created_ms < $4)`;
      const [page, total] = await Promise.all([
        db.query(
          `SELECT ${ORDER_COLUMNS} FROM orders WHERE ${filter} ORDER BY created_ms DESC, id LIMIT $5 OFFSET $6`,
          [...args, q.limit ?? 50, q.offset ?? 0],
        ),
        db.query(`SELECT count(*) AS n FROM orders WHERE ${filter}`, args),
      ]);
      return { total: (total.rows[0] as { n: number }).n, orders: page.rows };
    },
  }),
  define({
    id: 'orgReport',
    path: '/v1/index/orgs/:org/report',
    summary:
      "An organisation's orders, sales, returns, disputes and earnings per day or month in one role (members)",
    access: 'members',
    params: OrgParam,
    query: Type.Object({
      role: Type.Optional(Role),
      interval: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('month')], { default: 'month' })),
      from: Type.Optional(Ms),
      to: Type.Optional(Ms),
    }),
    run: async (db, q, params) => {
      const role = ORDER_ROLES[(q.role ?? 'merchant') as keyof typeof ORDER_ROLES];
      const interval = q.interval ?? 'month';
      const calendar = await chainCalendar(db);
      // The period of an order's creation in the chain's calendar, as a number to group by.
      const bucket =
        calendar.devCalendar === undefined
          ? interval === 'day'
            ? `floor((created_ms + ${calendar.utcOffsetMinutes * 60_000})::numeric / 86400000)`
            : `date_trunc('month', to_timestamp((created_ms + ${calendar.utcOffsetMinutes * 60_000}) / 1000.0) AT TIME ZONE 'UTC')`
          : `floor((created_ms - ${calendar.devCalendar.epoch})::numeric * ${interval === 'day' ? DEV_CALENDAR_DAYS : 1} / ${calendar.devCalendar.monthMs})`;
      const { rows: grouped } = await db.query<PeriodRow & { bucket: number }>(
        `SELECT ${bucket} AS bucket, min(created_ms) AS first,
           count(*) AS orders,
           count(*) FILTER (WHERE status = 'completed') AS completed,
           count(*) FILTER (WHERE status IN ('returned', 'returning')) AS returns,
           count(*) FILTER (WHERE status IN ('disputed', 'arbitrated')) AS disputes,
           count(*) FILTER (WHERE status IN ('refunded', 'cancelled')) AS "refundedOrCancelled",
           coalesce(sum(goods) FILTER (WHERE status = 'completed'), 0) AS sales,
           coalesce(sum((payouts ->> '${role.share}')::bigint), 0) AS earnings
         FROM orders WHERE ${role.column} = $1 AND ($2::bigint IS NULL OR created_ms >= $2)
           AND ($3::bigint IS NULL OR created_ms < $3)
         GROUP BY 1 ORDER BY 1`,
        [params.org, q.from ?? null, q.to ?? null],
      );
      // Months and days named as the insights module names them (the same calendar code).
      const periods = new Map<string, PeriodRow>();
      for (const { bucket: _bucket, first, ...row } of grouped as Array<
        PeriodRow & { bucket: number; first: number }
      >) {
        const { day, month } = periodsOf(first, calendar);
        const period = interval === 'day' ? day : month;
        const before = periods.get(period);
        periods.set(period, before === undefined ? { ...row, period } : sumRows(before, row, period));
      }
      const rows = [...periods.values()];
      return { org: params.org, role: q.role ?? 'merchant', interval, periods: rows };
    },
  }),
  define({
    id: 'orgShipments',
    path: '/v1/index/orgs/:org/shipments',
    summary: "An organisation's wholesale shipments, sent or received, newest first (members)",
    access: 'members',
    params: OrgParam,
    query: Type.Object({
      direction: Type.Optional(Type.Union([Type.Literal('in'), Type.Literal('out')], { default: 'out' })),
      status: Type.Optional(Type.String({ maxLength: 16 })),
      limit: Type.Optional(Limit),
      offset: Type.Optional(Offset),
    }),
    run: async (db, q, params) => {
      const column = (q.direction ?? 'out') === 'out' ? 'sender' : 'receiver';
      const { rows } = await db.query(
        `SELECT sender AS "from", id, receiver AS "to", items, count, status, sent_height AS "sentHeight",
           settled_height AS "settledHeight", sent_ms AS "sentTime"
         FROM shipments WHERE ${column} = $1 AND ($2::text IS NULL OR status = $2)
         ORDER BY sent_height DESC, id LIMIT $3 OFFSET $4`,
        [params.org, q.status ?? null, q.limit ?? 50, q.offset ?? 0],
      );
      return { shipments: rows };
    },
  }),
] as const;

export const ORDER_COLUMNS = `id, buyer, listing, merchant, sku, quantity, unit_price AS "unitPrice", codes,
  payment_impl AS "payment", logistics_impl AS "logistics", inventory_impl AS "inventory",
  payment_provider AS "paymentProvider", carrier, platform, arbiter, host, session, from_region AS "fromRegion",
  buyer_region AS "buyerRegion", goods, total, composition, status, reason, payouts, created_ms AS "createdAt",
  ended_ms AS "endedAt", created_height AS "createdHeight", updated_height AS "updatedHeight"`;

/** How many `$n` parameters a WHERE clause uses (the count query shares the page query's first ones). */
function countParams(whereSql: string): number {
  let max = 0;
  for (const m of whereSql.matchAll(/\$(\d+)/g)) max = Math.max(max, Number(m[1]));
  return max;
}

interface PeriodRow {
  period: string;
  orders: number;
  completed: number;
  returns: number;
  disputes: number;
  refundedOrCancelled: number;
  sales: number;
  earnings: number;
}

function sumRows(a: PeriodRow, b: Omit<PeriodRow, 'period'>, period: string): PeriodRow {
  return {
    period,
    orders: a.orders + b.orders,
    completed: a.completed + b.completed,
    returns: a.returns + b.returns,
    disputes: a.disputes + b.disputes,
    refundedOrCancelled: a.refundedOrCancelled + b.refundedOrCancelled,
    sales: a.sales + b.sales,
    earnings: a.earnings + b.earnings,
  };
}

/** The chain's calendar as the index recorded it (the insights module's defaults before it is known). */
async function chainCalendar(
  db: SqlClient,
): Promise<Pick<InsightsParameters, 'utcOffsetMinutes' | 'devCalendar'>> {
  const { rows } = await db.query<{
    utc_offset_minutes: number;
    dev_month_ms: number | null;
    dev_epoch: number | null;
  }>('SELECT utc_offset_minutes, dev_month_ms, dev_epoch FROM chain_calendar WHERE id = 1');
  const row = rows[0];
  if (row === undefined) return { utcOffsetMinutes: 480 };
  return {
    utcOffsetMinutes: row.utc_offset_minutes,
    ...(row.dev_month_ms === null || row.dev_epoch === null
      ? {}
      : { devCalendar: { monthMs: row.dev_month_ms, epoch: row.dev_epoch } }),
  };
}
