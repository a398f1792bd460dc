/** The embedded back-end: PGlite (PostgreSQL compiled to WebAssembly) in a local directory, with pg_trgm. */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { IndexDb, SqlClient } from './interface.js';
import { NUMBER_TYPE_OIDS } from './interface.js';

const parsers = Object.fromEntries(NUMBER_TYPE_OIDS.map((oid) => [oid, (text: string) => Number(text)]));

type PGliteLike = Pick<PGlite, 'query' | 'exec'>;

function clientOf(db: PGliteLike): SqlClient {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []) {
      const result = await db.query<R>(sql, params as unknown[]);
      return { rows: result.rows };
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
  };
}

/**
 * Opens (creating when absent) the embedded database in `dir`; `dir` undefined keeps it in memory.
 *
 * @example
 * ```ts
 * const db = await openEmbeddedDb('.hanglian/index');
 * ```
 */
export async function openEmbeddedDb(dir: string | undefined): Promise<IndexDb> {
  if (dir !== undefined) mkdirSync(dir, { recursive: true });
  const pg = await PGlite.create({
    ...(dir === undefined ? {} : { dataDir: dir }),
    extensions: { pg_trgm },
    parsers,
  });
  const base = clientOf(pg);
  return {
    kind: 'embedded',
    location: dir ?? 'memory://',
    ...base,
    transaction: (fn) => pg.transaction((tx) => fn(clientOf(tx))),
    close: () => pg.close(),
  };
}
