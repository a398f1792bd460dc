/**
 * The index's database, whichever PostgreSQL runs it: the embedded one (PGlite, PostgreSQL compiled to
 * WebAssembly, in a local directory) or a server (node-postgres). Both speak the same SQL; bigint and
 * numeric columns come back as JavaScript numbers (heights, unix ms and minor units stay below 2^53).
 */

/** Runs statements: the database itself, or one open transaction of it. */
export interface SqlClient {
  /** One statement with `$1…` parameters. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[] }>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type IndexDbKind = 'embedded' | 'server';

export interface IndexDb extends SqlClient {
  readonly kind: IndexDbKind;
  /** Where it is: the embedded directory, or the server URL without its password. */
  readonly location: string;
  /** Runs `fn` in one SQL transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Types parsed to numbers on both back-ends: int8 (20), numeric (1700). */
export const NUMBER_TYPE_OIDS = [20, 1700] as const;
