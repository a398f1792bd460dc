/**
 * The indexer: follows one node from the index's cursor, verifies each block (follow/source.ts), and
 * writes its rows and the cursor's move in ONE SQL transaction. A crash at any moment leaves the tables
 * of some height H with the cursor at H; a restart goes on from H + 1, so the tables always equal an
 * uninterrupted run's. Blocks are fetched ahead (a small pipeline) but written strictly in order.
 */
import { endpoints } from '@hanglian/api';
import { bytesToHex, HanglianError, hexToBytes, type Validator } from '@hanglian/core';
import { type Client, createClient, type Signer, type TrustCheckpoint } from '@hanglian/sdk';
import type { IndexDb } from './db/interface.js';
import { IndexerErrors } from './errors.js';
import { BlockSource, type FetchedBlock, type VerifiedBlock } from './follow/source.js';
import { projectBlock } from './project/project.js';

export interface IndexerOptions {
  readonly db: IndexDb;
  /** The followed node's API. */
  readonly api: string;
  /** A member identity that signs the node's members-only reads (blocks, results, members' state). */
  readonly reader?: Signer;
  /**
   * Where trust starts when the index is empty: the genesis validators (and hash). Without it the index
   * trusts the validators the node names for block 1 (trust on first use).
   */
  readonly genesis?: TrustCheckpoint;
  /** Blocks fetched ahead of the one being written (default 8). */
  readonly prefetch?: number;
  /** State reads in flight at once (default 32). */
  readonly readConcurrency?: number;
  /** How often to ask the node for new blocks when caught up, ms (default 250). */
  readonly pollMs?: number;
  /** Called after each block is written. */
  readonly onBlock?: (info: { height: number; rows: number; txs: number }) => void;
  readonly fetch?: (input: string, init?: RequestInit) => Promise<Response>;
}

export interface IndexCursor {
  readonly chainId: string;
  readonly height: number;
  readonly blockHash: string;
}

export interface CatchUpReport {
  readonly from: number;
  readonly to: number;
  readonly blocks: number;
  readonly rows: number;
  readonly ms: number;
}

export async function readCursor(db: Pick<IndexDb, 'query'>): Promise<IndexCursor | undefined> {
  const { rows } = await db.query<{ chain_id: string; height: number; block_hash: string }>(
    'SELECT chain_id, height, block_hash FROM index_cursor WHERE id = 1',
  );
  const row = rows[0];
  return row === undefined
    ? undefined
    : { chainId: row.chain_id, height: row.height, blockHash: row.block_hash };
}

/** Follows a node into the index database. */
export class Indexer {
  readonly db: IndexDb;
  readonly client: Client;
  readonly #options: IndexerOptions;
  #source: BlockSource | undefined;
  #cursor: IndexCursor | undefined;
  readonly #orgOf = new Map<string, string>();
  #calendarKnown = false;
  #stopped = false;
  #wake: (() => void) | undefined;

  constructor(options: IndexerOptions) {
    this.#options = options;
    this.db = options.db;
    this.client = createClient({
      url: options.api,
      ...(options.reader === undefined ? {} : { reader: options.reader }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
  }

  get height(): number {
    return this.#cursor?.height ?? 0;
  }

  /** Reads the cursor and sets up verification from it. */
  async open(): Promise<IndexCursor | undefined> {
    let status: Awaited<ReturnType<Client['getStatus']>>;
    try {
      status = await this.client.getStatus();
    } catch (error) {
      throw new HanglianError(
        IndexerErrors.INDEX_NODE_UNAVAILABLE,
        `cannot reach the node at ${this.#options.api}`,
        { cause: error },
      );
    }
    this.#cursor = await readCursor(this.db);
    if (this.#cursor !== undefined && this.#cursor.chainId !== status.chainId) {
      throw new HanglianError(
        IndexerErrors.INDEX_OTHER_CHAIN,
        `the index holds chain ${this.#cursor.chainId}, the node runs ${status.chainId}`,
      );
    }
    const { rows } = await this.db.query<{ address: string; org: string }>(
      'SELECT address, org FROM identities',
    );
    for (const row of rows) this.#orgOf.set(row.address, row.org);
    this.#calendarKnown = (await this.db.query('SELECT 1 FROM chain_calendar')).rows.length > 0;
    this.#source = new BlockSource({ client: this.client, trust: await this.#trust(status) });
    return this.#cursor;
  }

  /** Where verification starts: the genesis (empty index) or the set that signed the cursor's block. */
  async #trust(status: { chainId: string; genesisHash: string }): Promise<TrustCheckpoint> {
    const cursor = this.#cursor;
    if (cursor === undefined || cursor.height === 0) {
      if (this.#options.genesis !== undefined) {
        if (this.#options.genesis.chainId !== status.chainId) {
          throw new HanglianError(
            IndexerErrors.INDEX_OTHER_CHAIN,
            `the genesis given is of chain ${this.#options.genesis.chainId}, the node runs ${status.chainId}`,
          );
        }
        return this.#options.genesis;
      }
      const { validators } = await this.client.request(endpoints.getBlockValidators, {
        params: { height: '1' },
      });
      return {
        chainId: status.chainId,
        height: 0,
        blockHash: status.genesisHash,
        validators: validators.map((v) => ({
          publicKey: hexToBytes(v.publicKey),
          power: v.power,
          org: v.org,
        })),
      };
    }
    const { rows } = await this.db.query<{
      validators: Array<{ publicKey: string; power: number; org: string }>;
    }>('SELECT validators FROM validator_sets WHERE from_height <= $1 ORDER BY from_height DESC LIMIT 1', [
      cursor.height + 1,
    ]);
    const set = rows[0]?.validators ?? [];
    return {
      chainId: cursor.chainId,
      height: cursor.height,
      blockHash: cursor.blockHash,
      validators: set.map((v) => ({ publicKey: hexToBytes(v.publicKey), power: v.power, org: v.org })),
    };
  }

  /** Writes one verified block and moves the cursor to it, atomically. Returns the rows written. */
  async #write(block: VerifiedBlock, next: readonly Validator[]) {
    const context = {
      source: this.#source!,
      orgOf: this.#orgOf,
      readConcurrency: this.#options.readConcurrency ?? 32,
      calendarKnown: this.#calendarKnown,
    };
    const statements = await projectBlock(block, context);
    const chainId = this.#source!.chainId;
    await this.db.transaction(async (tx) => {
      for (const s of statements) await tx.query(s.sql, s.params);
      const nextJson = JSON.stringify(
        next.map((v) => ({ publicKey: bytesToHex(v.publicKey), power: v.power, org: v.org })),
      );
      // The set that signs the next block, recorded when it differs from the one in force.
      await tx.query(
        `INSERT INTO validator_sets (from_height, validators)
         SELECT $1, $2::jsonb WHERE NOT EXISTS (
           SELECT 1 FROM (SELECT validators FROM validator_sets WHERE from_height <= $1
             ORDER BY from_height DESC LIMIT 1) cur WHERE cur.validators = $2::jsonb)`,
        [block.height + 1, nextJson],
      );
      const moved = await tx.query(
        `INSERT INTO index_cursor (id, chain_id, height, block_hash) VALUES (1, $1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET height = $2, block_hash = $3 WHERE index_cursor.height = $2 - 1
         RETURNING height`,
        [chainId, block.height, block.hash],
      );
      // Another writer moved the cursor: roll back rather than write a height twice.
      if (moved.rows.length !== 1) {
        throw new HanglianError(
          IndexerErrors.INDEX_VERIFY_FAILED,
          `the cursor is not at ${block.height - 1}`,
        );
      }
    });
    this.#cursor = { chainId, height: block.height, blockHash: block.hash };
    this.#calendarKnown = context.calendarKnown;
    return statements.length + 1;
  }

  /**
   * Indexes every block up to `target` (default: the node's height now). Blocks are fetched and
   * verified `prefetch` ahead, written one by one in order.
   */
  async catchUp(target?: number): Promise<CatchUpReport> {
    if (this.#source === undefined) await this.open();
    const source = this.#source!;
    const to = target ?? (await source.status()).height;
    const from = this.height;
    const started = performance.now();
    let rows = 0;
    source.aheadTo(to);
    const prefetch = Math.max(1, this.#options.prefetch ?? 16);
    // Fetches run ahead in parallel; verification and writing go strictly in order.
    const pending: Array<Promise<FetchedBlock>> = [];
    let nextFetch = from + 1;
    const schedule = () => {
      while (nextFetch <= to && pending.length < prefetch) {
        const p = source.fetch(nextFetch++);
        p.catch(() => undefined);
        pending.push(p);
      }
    };
    schedule();
    try {
      while (pending.length > 0 && !this.#stopped) {
        const fetched = await pending.shift()!;
        schedule();
        const block = await source.verify(fetched);
        const next = await source.validatorsAtNext(block.height);
        rows += await this.#write(block, next);
        this.#options.onBlock?.({ height: block.height, rows, txs: block.txs.length });
      }
    } finally {
      // Let fetches in flight settle, so nothing runs after a stop.
      await Promise.allSettled(pending);
    }
    return { from, to: this.height, blocks: this.height - from, rows, ms: performance.now() - started };
  }

  /** Catches up, then follows new blocks until `stop()`. */
  async run(): Promise<void> {
    this.#stopped = false;
    while (!this.#stopped) {
      const before = this.height;
      try {
        await this.catchUp();
      } catch (error) {
        const e = error as HanglianError;
        if (e.code === IndexerErrors.INDEX_VERIFY_FAILED || e.code === IndexerErrors.INDEX_OTHER_CHAIN)
          throw error;
        // The node is restarting or busy: wait and try again from the cursor.
        this.#source = undefined;
      }
      if (this.height === before && !this.#stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.#options.pollMs ?? 250);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#wake = undefined;
      }
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#wake?.();
  }
}
