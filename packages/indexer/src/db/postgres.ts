/** The server back-end: a PostgreSQL server through node-postgres, with a small pool. */
import pg from 'pg';
import type { IndexDb, SqlClient } from './interface.js';
import { NUMBER_TYPE_OIDS } from './interface.js';

const NUMBER_OIDS = new Set<number>(NUMBER_TYPE_OIDS);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    NUMBER_OIDS.has(oid)
      ? (text: string) => Number(text)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function clientOf(client: pg.Pool | pg.PoolClient): SqlClient {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query(sql, params as unknown[]);
      return { rows: result.rows as R[] };
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  };
}

/** The URL with its password masked, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/**
 * Connects to a PostgreSQL server (`postgres://user:password@host:port/database`).
 *
 * @example
 * ```ts
 * const db = await openServerDb('postgres://postgres@127.0.0.1:5432/hanglian_index');
 * ```
 */
export async function openServerDb(url: string, options: { poolSize?: number } = {}): Promise<IndexDb> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 4, types });
  // Fail now, with a clear error, rather than at the first write.
  await pool.query('SELECT 1');
  const base = clientOf(pool);
  return {
    kind: 'server',
    location: redactUrl(url),
    ...base,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(clientOf(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
