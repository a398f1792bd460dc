/**
 * @hanglian/indexer: follows a node into PostgreSQL tables (embedded PGlite by default, or a server) for
 * explorers, company reports and catalogue search, and serves them over `/v1/index/...`.
 */

export * from './api/routes.js';
export * from './api/server.js';
export * from './bench.js';
export * from './db/interface.js';
export * from './db/migrate.js';
export * from './db/open.js';
export * from './db/pglite.js';
export * from './db/postgres.js';
export * from './errors.js';
export * from './follow/source.js';
export * from './indexer.js';
export * from './project/project.js';
