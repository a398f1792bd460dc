/**
 * `hanglian bench --index`: the index's figures. (1) Catch-up: a one-validator devnet with the book
 * story and the market, indexed from genesis into the embedded database: blocks/s and rows/s. (2) The
 * same catalogue read both ways over HTTP: the node's `catalog listings` query and the index's search.
 * (3) Scale: 100,000 listings and 1,000,000 orders written directly in SQL, then search and report
 * latencies through the API's route functions, on the embedded database and, with HANGLIAN_BENCH_PG_URL
 * (a server URL whose user may create databases), on a PostgreSQL server. `--quick`: a tenth of each.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIndexApi, Indexer, openIndexDb, runScaleBench } from '@hanglian/indexer';
import { createClient, genesisHashOf, validatorSetFromGenesis } from '@hanglian/sdk';
import pg from 'pg';
import { CLI, freePortBase } from '../demo/devnetProcess.js';
import { openNetworkMembers } from '../demo/members.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const json = args.includes('--json');
const print = (title: string, value: unknown) =>
  process.stdout.write(
    json
      ? `${JSON.stringify({ part: title, ...(value as object) })}\n`
      : `\n${title}\n${JSON.stringify(value, null, 2)}\n`,
  );

async function p50(runs: number, fn: () => Promise<unknown>): Promise<{ p50Ms: number; p95Ms: number }> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.floor(q * (times.length - 1))]! * 100) / 100;
  return { p50Ms: at(0.5), p95Ms: at(0.95) };
}

async function chainPart(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-bench-index-'));
  const base = await freePortBase(2);
  const child: ChildProcess = spawn(
    process.execPath,
    [
      CLI,
      'devnet',
      '--dir',
      dir,
      '--validators',
      '1',
      '--demo',
      '--market',
      '--market-orders',
      quick ? '120' : '480',
      '--json',
      '--base-port',
      String(base),
      '--log-level',
      'error',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const api = `http://127.0.0.1:${base}`;
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        if (buffer.includes('"event":"market-done"')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the devnet exited (${code})`)));
    });
    const genesis = (await import('@hanglian/node/offline')).readGenesis(dir);
    const reader = openNetworkMembers(dir).signer('regulator');
    const db = await openIndexDb({});
    const indexer = new Indexer({
      db,
      api,
      reader,
      genesis: {
        chainId: genesis.chainId,
        height: 0,
        blockHash: genesisHashOf(genesis),
        validators: validatorSetFromGenesis(genesis),
      },
    });
    const report = await indexer.catchUp();
    print('index catch-up (embedded, 1 validator, book story + market)', {
      blocks: report.blocks,
      rows: report.rows,
      seconds: Math.round(report.ms / 100) / 10,
      blocksPerSecond: Math.round((report.blocks / report.ms) * 1000),
      rowsPerSecond: Math.round((report.rows / report.ms) * 1000),
    });
    const port = (await freePortBase(1)) + 0;
    const app = createIndexApi({ db, node: createClient({ url: api }), chainId: genesis.chainId });
    await app.listen({ host: '127.0.0.1', port });
    const runs = quick ? 10 : 30;
    const node = await p50(runs, () =>
      fetch(`${api}/v1/query/catalog/listings?params=%7B%7D`).then((r) => r.json()),
    );
    const nodeOne = await p50(runs, () =>
      fetch(`${api}/v1/query/catalog/listings?params=${encodeURIComponent('{"merchant":"shop-tea"}')}`).then(
        (r) => r.json(),
      ),
    );
    const search = await p50(runs, () =>
      fetch(`http://127.0.0.1:${port}/v1/index/catalog/search?q=${encodeURIComponent('龙井')}&limit=24`).then(
        (r) => r.json(),
      ),
    );
    const page = await p50(runs, () =>
      fetch(`http://127.0.0.1:${port}/v1/index/catalog/search?category=tea&sort=price-asc&limit=24`).then(
        (r) => r.json(),
      ),
    );
    print('the same catalogue (481 listings) over HTTP: node query vs index', {
      nodeAllListings: node,
      nodeOneMerchant: nodeOne,
      indexSearchLongjing: search,
      indexCategoryPage: page,
    });
    await app.close();
    await db.close();
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function scalePart(): Promise<void> {
  const listings = quick ? 10_000 : 100_000;
  const orders = quick ? 100_000 : 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-bench-scale-'));
  try {
    const db = await openIndexDb({ dir });
    print(
      'index at scale (embedded PGlite)',
      await runScaleBench(db, { listings, orders, runs: quick ? 5 : 20 }),
    );
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const server = process.env.HANGLIAN_BENCH_PG_URL;
  if (server === undefined || server === '') return;
  const database = `hl_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  try {
    const url = new URL(server);
    url.pathname = `/${database}`;
    const db = await openIndexDb({ url: url.toString() });
    print(
      'index at scale (PostgreSQL server)',
      await runScaleBench(db, { listings, orders, runs: quick ? 5 : 20 }),
    );
    await db.close();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

if (!args.includes('--no-chain')) await chainPart();
if (!args.includes('--no-scale')) await scalePart();
