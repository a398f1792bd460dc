import { HanglianError } from '@hanglian/core';
import { IndexerErrors } from '../errors.js';
import type { IndexDb } from './interface.js';
import { migrate } from './migrate.js';
import { openEmbeddedDb } from './pglite.js';
import { openServerDb, redactUrl } from './postgres.js';

export interface OpenIndexDbOptions {
  /** A PostgreSQL server URL; absent: the embedded database. */
  readonly url?: string;
  /** The embedded database's directory (absent with no `url`: in memory). */
  readonly dir?: string;
}

/**
 * Opens the index database (a server with `url`, else the embedded one in `dir`) and brings its schema
 * up to date.
 *
 * @example
 * ```ts
 * const db = await openIndexDb({ dir: '.hanglian/devnet/index' });
 * ```
 */
export async function openIndexDb(options: OpenIndexDbOptions): Promise<IndexDb> {
  let db: IndexDb;
  try {
    db = options.url !== undefined ? await openServerDb(options.url) : await openEmbeddedDb(options.dir);
  } catch (error) {
    const where = options.url !== undefined ? redactUrl(options.url) : (options.dir ?? 'memory');
    throw new HanglianError(
      IndexerErrors.INDEX_DB_UNAVAILABLE,
      `cannot open the index database at ${where}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}
