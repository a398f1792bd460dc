/**
 * The two back-ends every index test runs against: the embedded database (always) and a PostgreSQL
 * server when HANGLIAN_TEST_PG_URL names one (CI's .ci/run starts Debian's and exports it). Each test
 * gets a fresh database of its own. In CI (CI=true) a missing server fails the run instead of skipping.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_CACHE_ENV } from '@hanglian/testkit';
import pg from 'pg';
import { type IndexDb, listMigrations, openIndexDb } from '../src/index.js';

export interface Backend {
  readonly name: 'embedded' | 'server';
  /** Skips the tests of this back-end, with the reason; undefined when it runs. */
  readonly skip: string | undefined;
  /** A new, empty, migrated database; `dispose` drops it. */
  create(): Promise<{ db: IndexDb; url?: string; dir?: string; dispose(): Promise<void> }>;
  /**
   * Where a new database may be made, not opened (so not migrated): for a test whose child process opens
   * it first. Opening an embedded database costs seconds, paid once fewer this way. `dispose` drops it.
   */
  place(): Promise<{ url?: string; dir?: string; dispose(): Promise<void> }>;
}

const serverUrl = process.env.HANGLIAN_TEST_PG_URL;
if (process.env.CI === 'true' && (serverUrl === undefined || serverUrl === '')) {
  throw new Error('CI=true but HANGLIAN_TEST_PG_URL is not set: .ci/run must start a PostgreSQL server');
}

let template: Promise<string> | undefined;

/**
 * A new embedded database costs seconds of CPU (PostgreSQL's initdb in WebAssembly, then every migration:
 * 9-18 s each in a CI run). The first `create` makes one, closes it and keeps it (in the run's fixture
 * cache under `npm test`, so that every index test file of the run shares it; otherwise in this process's
 * temporary directory); every `create` opens a copy of it, empty and already migrated. Making it is the
 * same `openIndexDb` on an empty directory as before, so a broken initdb or migration still fails the
 * first test that creates a database, and the migration test still reads what the migrations wrote.
 */
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const cache = process.env[FIXTURE_CACHE_ENV];
    let root: string;
    if (cache !== undefined && cache !== '') root = cache;
    else {
      const own = mkdtempSync(join(tmpdir(), 'hanglian-index-template-'));
      process.once('exit', () => rmSync(own, { recursive: true, force: true }));
      root = own;
    }
    const key = createHash('sha256').update(JSON.stringify(listMigrations())).digest('hex').slice(0, 16);
    const path = join(root, `index-db-${key}`);
    if (existsSync(path)) return path;
    const scratch = mkdtempSync(join(root, 'making-index-db-'));
    try {
      const db = await openIndexDb({ dir: join(scratch, 'db') });
      await db.close();
      try {
        // Atomic: a test file running beside this one that made it first keeps its own.
        renameSync(join(scratch, 'db'), path);
      } catch (error) {
        if (!existsSync(path)) throw error;
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    return path;
  })();
  return template;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export const backends: Backend[] = [
  {
    name: 'embedded',
    skip: undefined,
    async create() {
      const dir = mkdtempSync(join(tmpdir(), 'hanglian-index-'));
      cpSync(await migratedTemplate(), dir, { recursive: true });
      const db = await openIndexDb({ dir });
      return {
        db,
        dir,
        async dispose() {
          await db.close().catch(() => undefined);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
    async place() {
      const dir = mkdtempSync(join(tmpdir(), 'hanglian-index-'));
      return {
        dir,
        async dispose() {
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'server',
    skip: serverUrl === undefined || serverUrl === '' ? 'no HANGLIAN_TEST_PG_URL' : undefined,
    async create() {
      const placed = await this.place();
      const db = await openIndexDb({ url: placed.url! });
      return {
        db,
        url: placed.url!,
        async dispose() {
          await db.close().catch(() => undefined);
          await placed.dispose();
        },
      };
    },
    async place() {
      const database = `hl_test_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${database}`);
      await admin.end();
      return {
        url: withDatabase(serverUrl!, database),
        async dispose() {
          const drop = new pg.Client({ connectionString: serverUrl });
          await drop.connect();
          await drop.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
          await drop.end();
        },
      };
    },
  },
];

/** Every table the index writes, with the columns that order its rows. */
export const INDEX_TABLES: Record<string, string> = {
  index_cursor: 'id',
  chain_calendar: 'id',
  validator_sets: 'from_height',
  blocks: 'height',
  txs: 'height, idx',
  events: 'height, tx_idx, idx',
  identities: 'address',
  products: 'sku',
  batches: 'sku, batch',
  items: 'code',
  item_events: 'height, tx_idx, idx',
  channels: 'producer, org',
  shipments: 'sender, id',
  listings: 'id',
  sessions: 'id',
  orders: 'id',
  order_steps: 'order_id, height, tx_idx, event_idx',
  reviews: 'order_id',
  implementations: 'id',
  implementation_uses: 'implementation, kind',
};

/** Every row of every table up to `height` (rows of later blocks left out), as comparable JSON text. */
export async function dumpTables(db: IndexDb, height?: number): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [table, order] of Object.entries(INDEX_TABLES)) {
    const filter =
      height !== undefined && ['blocks', 'txs', 'events', 'item_events'].includes(table)
        ? `WHERE height <= ${height}`
        : '';
    const { rows } = await db.query(`SELECT * FROM ${table} ${filter} ORDER BY ${order}`);
    out[table] = rows.map((r) => JSON.stringify(r));
  }
  return out;
}
