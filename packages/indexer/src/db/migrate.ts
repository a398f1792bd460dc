/**
 * The migration runner: every `NNNN_name.sql` of the package's `migrations/` folder runs once, in name
 * order, each in its own transaction with its row in `schema_migrations`, so a crash mid-way leaves a
 * migration applied whole or not at all. A lock keeps two indexers on one server from racing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HanglianError } from '@hanglian/core';
import { IndexerErrors } from '../errors.js';
import type { IndexDb } from './interface.js';

/** The package's migrations folder (beside `dist/`). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

// pg_advisory_xact_lock's key: any constant the index alone uses.
const MIGRATION_LOCK = 7_317_001;

export interface Migration {
  readonly version: string;
  readonly sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name))
    .sort()
    .map((name) => ({ version: name.replace(/\.sql$/, ''), sql: readFileSync(join(dir, name), 'utf8') }));
}

/** Applies the migrations not yet applied; returns their versions. */
export async function migrate(db: IndexDb, migrations = listMigrations()): Promise<string[]> {
  await db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at bigint NOT NULL)',
  );
  const applied: string[] = [];
  for (const migration of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const { rows } = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [
        migration.version,
      ]);
      if (rows.length > 0) return false;
      try {
        await tx.exec(migration.sql);
      } catch (error) {
        throw new HanglianError(
          IndexerErrors.INDEX_MIGRATION_FAILED,
          `migration ${migration.version} failed: ${(error as Error).message}`,
          { cause: error },
        );
      }
      await tx.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
        migration.version,
        Date.now(),
      ]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}
