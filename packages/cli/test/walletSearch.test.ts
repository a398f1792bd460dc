/**
 * `hanglian wallet search` on a real devnet with the market's catalogue (480 listings) and the reference
 * search implementations deployed by the demo: two shoppers with different histories get different
 * rankings from the same platform's code, run on their machine; every request the CLI makes goes through
 * a recording proxy, and the two searches send the same requests as an anonymous one (heights aside),
 * none carrying anything of the history. `wallet purchases --save-history` writes the history file.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClient } from '@hanglian/sdk';
import { type SearchContext, searchCandidates } from '@hanglian/sdk/local';
import { freePortRange } from '@hanglian/testkit';
import { CLI } from './helpers.js';

/**
 * Runs the CLI like the helpers' `hanglian`, with more time: each search prepares the sandbox's engine and
 * follows the headers from the genesis, which takes a while on a loaded machine.
 */
function hanglian(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { timeout: 400_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code =
          error === null
            ? 0
            : typeof (error as { code?: unknown }).code === 'number'
              ? (error as { code: number }).code
              : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

interface SearchAnswer {
  platform: string;
  codeHash: string;
  height: number;
  gasUsed: number;
  candidates: number;
  history: { purchases: number; reviews: number; grants: number };
  results: Array<{ id: string; merchant: string; category: string }>;
}

/** Forwards every request to `target` and records method, URL and body. */
async function recordingProxy(target: string): Promise<{ url: string; log: string[]; server: Server }> {
  const log: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      log.push(`${request.method} ${request.url} ${body}`);
      try {
        const answer = await fetch(`${target}${request.url}`, {
          method: request.method ?? 'GET',
          headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
          ...(body.length > 0 ? { body } : {}),
        });
        response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' });
        response.end(Buffer.from(await answer.arrayBuffer()));
      } catch (error) {
        response.writeHead(502);
        response.end(String(error));
      }
    });
  });
  const port = await freePortRange(1);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { url: `http://127.0.0.1:${port}`, log, server };
}

/** The requests, as a multiset, with numbers blanked: runs moments apart differ only in heights and order. */
const shape = (log: readonly string[]) => log.map((line) => line.replace(/\d+/g, '#')).sort();

describe('hanglian wallet search: a platform’s ranking run here, the history never sent', {
  timeout: 1_200_000,
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-search-'));
  let devnet: ChildProcess | undefined;
  let api: string;
  let listings: Awaited<ReturnType<typeof searchCandidates>>;

  before(async () => {
    devnet = spawn(
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
        '0',
        '--json',
        '--base-port',
        String(await freePortRange(2)),
        '--log-level',
        'error',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    api = await new Promise<string>((resolve, reject) => {
      let out = '';
      let node: string | undefined;
      devnet!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        for (const line of out.split('\n')) {
          if (!line.startsWith('{')) continue;
          const event = JSON.parse(line) as { event: string; api?: string };
          if (event.event === 'node' && node === undefined) node = event.api;
          if (event.event === 'ready' && node !== undefined) resolve(node);
        }
      });
      devnet!.once('exit', (code) => reject(new Error(`devnet exited ${code}`)));
    });
    listings = await searchCandidates(createClient({ url: api }));
  });

  after(async () => {
    if (devnet !== undefined && devnet.exitCode === null) {
      devnet.kill('SIGTERM');
      await new Promise((r) => devnet!.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** A history of five purchases in `category` from its first merchant, each reviewed with 5 stars. */
  const historyOf = (category: string): SearchContext => {
    const bought = listings.filter((l) => l.category === category).slice(0, 5);
    assert.ok(bought.length > 0, `the market has ${category}`);
    return {
      purchases: bought.map((l, i) => ({
        sku: l.sku,
        category: l.category,
        merchant: bought[0]!.merchant,
        price: l.price,
        quantity: 1,
        time: 1_760_000_000_000 + i * 1_000,
      })),
      reviews: bought.map((l, i) => ({
        sku: l.sku,
        merchant: bought[0]!.merchant,
        stars: 5,
        time: 1_760_000_000_500 + i * 1_000,
      })),
      grants: [],
    };
  };

  it('two histories rank differently, with the same requests as an anonymous search, none carrying them', async () => {
    assert.ok(listings.length >= 400, `the market's catalogue: ${listings.length} listings`);
    const proxy = await recordingProxy(api);
    // Every search proves the code at one height, so each follows the same headers from the genesis.
    const { height } = await createClient({ url: api }).getStatus();
    try {
      const search = async (extra: string[]): Promise<{ answer: SearchAnswer; log: string[] }> => {
        proxy.log.length = 0;
        const run = await hanglian(
          'wallet',
          'search',
          '',
          '--platform',
          'platform-a.merchants',
          '--api',
          proxy.url,
          '--genesis',
          join(dir, 'genesis.json'),
          '--height',
          String(height),
          '--limit',
          '5',
          '--json',
          ...extra,
        );
        assert.equal(run.code, 0, run.stderr);
        return { answer: JSON.parse(run.stdout) as SearchAnswer, log: [...proxy.log] };
      };
      const files: string[] = [];
      const histories = [historyOf('tea'), historyOf('electronics')];
      for (const [i, history] of histories.entries()) {
        files.push(join(dir, `shopper-${i}.history.json`));
        writeFileSync(files[i]!, JSON.stringify(history));
      }
      const tea = await search(['--history', files[0]!]);
      const electronics = await search(['--history', files[1]!]);
      const anonymous = await search(['--anonymous']);
      assert.equal(tea.answer.platform, 'platform-a.merchants');
      assert.equal(tea.answer.history.purchases, 5);
      assert.equal(tea.answer.results[0]!.merchant, histories[0]!.purchases[0]!.merchant);
      assert.equal(electronics.answer.results[0]!.merchant, histories[1]!.purchases[0]!.merchant);
      assert.notDeepEqual(tea.answer.results, electronics.answer.results);
      assert.equal(tea.answer.codeHash, electronics.answer.codeHash);
      // The same requests as an anonymous shopper's, and nothing of either history in any of them.
      assert.ok(tea.log.length > 0);
      assert.deepEqual(shape(tea.log), shape(anonymous.log));
      assert.deepEqual(shape(electronics.log), shape(anonymous.log));
      const sent = [...tea.log, ...electronics.log].join('\n');
      for (const history of histories) {
        for (const purchase of history.purchases) {
          assert.ok(!sent.includes(String(purchase.time)), 'a purchase time was sent');
          assert.ok(!sent.includes(`"${purchase.sku}"`), `${purchase.sku} was sent`);
        }
      }
      assert.doesNotMatch(sent, /purchases|reviews|callReadOnly|history/);
    } finally {
      proxy.server.close();
    }
  });

  it('prints the ranking in words, and refuses an unknown platform', async () => {
    const run = await hanglian(
      'wallet',
      'search',
      'tea',
      '--platform',
      'platform-b.discover',
      '--anonymous',
      '--network',
      dir,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /ranked by platform-b\.discover \(platform-b\), code [0-9a-f]{16}… proven at height \d+/,
    );
    assert.match(run.stdout, /Anonymous: no history was used/);
    const unknown = await hanglian(
      'wallet',
      'search',
      'tea',
      '--platform',
      'platform-z.none',
      '--anonymous',
      '--network',
      dir,
    );
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /SDK_LOCAL_NOT_FOUND/);
  });

  it('wallet purchases --save-history writes a private history file beside the wallet', async () => {
    const wallet = join(dir, 'consumer.wallet');
    const env = { HANGLIAN_WALLET_PASSPHRASE: 'correct horse battery staple' };
    const made = await hanglianWithEnv(env, 'wallet', 'new', '--out', wallet);
    assert.equal(made.code, 0, made.stderr);
    const saved = await hanglianWithEnv(
      env,
      'wallet',
      'purchases',
      '--wallet',
      wallet,
      '--network',
      dir,
      '--save-history',
    );
    assert.equal(saved.code, 0, saved.stderr);
    assert.match(saved.stdout, /history for wallet search: 0 purchases, 0 reviews/);
    const file = `${wallet}.history.json`;
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { purchases: [], reviews: [], grants: [] });
    assert.equal(statSync(file).mode & 0o777, 0o600, 'readable by its owner only');
    const search = await hanglianWithEnv(
      env,
      'wallet',
      'search',
      'tea',
      '--platform',
      'platform-a.merchants',
      '--wallet',
      wallet,
      '--network',
      dir,
    );
    assert.equal(search.code, 0, search.stderr);
    assert.match(search.stdout, /Your history \(0 purchases, 0 reviews, 0 grants\) stayed on this machine/);
  });
});

/** Runs the CLI with extra environment variables (the wallet passphrase). */
async function hanglianWithEnv(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await hanglian(...args);
  } finally {
    for (const key of Object.keys(env)) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}
