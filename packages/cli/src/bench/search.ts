/**
 * The personalised search benchmark (issue 19): a platform's `commerce.search/2` code ranking 1,000
 * candidates with a 500-purchase history, run as a wallet runs it (`@hanglian/sdk/local`: the chain's
 * sandbox, the registry's call path, the commerce query gas limit), in this Node process and in headless
 * Chromium (the same bundle a browser wallet loads). The target: within 200 ms in the browser on this
 * machine. Preparing the engine (metering QuickJS, once per page) is measured apart.
 */
import { createServer } from 'node:http';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildReferenceImplementations,
  COMMERCE_QUERY_GAS_LIMIT,
  COMMERCE_STANDARDS,
  type PersonalSearchRequest,
  searchWorkload,
} from '@hanglian/commerce-standards';
import type { VerifiedImplementation } from '@hanglian/sdk/local';
import { CONFORMANCE_CALLER, contractAccount, DEFAULT_REGISTRY_PARAMETERS } from '@hanglian/state-machine';

export const SEARCH_TARGET_MS = 200;
export const PLATFORMS = ['platform-a.merchants', 'platform-b.discover'] as const;

export interface SearchTimings {
  readonly platform: string;
  readonly where: 'node' | 'chromium';
  readonly runs: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly gasUsed: number;
  readonly matches: number;
}

export interface SearchBenchReport {
  readonly machine: string;
  readonly loadAverage: readonly number[];
  readonly request: { listings: number; purchases: number; reviews: number; bytes: number };
  readonly engineMs: { node: number; chromium?: number };
  readonly timings: SearchTimings[];
  readonly chromium?: string;
}

/** The reference implementation as `fetchImplementation` would return it from a chain, built locally. */
export function verifiedReference(id: string): VerifiedImplementation {
  const reference = buildReferenceImplementations().find((i) => i.id === id)!;
  const standard = COMMERCE_STANDARDS.find((s) => s.id === reference.standard)!;
  return {
    implementation: {
      id,
      standard: reference.standard,
      codeHash: reference.codeHash,
      org: reference.org,
      displayName: reference.displayName,
      registrant: CONFORMANCE_CALLER,
      registeredAt: 0,
      account: contractAccount(id),
      conformance: { vectors: standard.vectors.length, gasUsed: 0 },
    },
    standard: { ...standard, registeredAt: 0 },
    code: {
      hash: reference.codeHash,
      source: reference.source,
      bytes: Buffer.byteLength(reference.source),
      deployer: CONFORMANCE_CALLER,
      org: reference.org,
      deployedAt: 0,
    },
    parameters: { ...DEFAULT_REGISTRY_PARAMETERS, queryGasLimit: COMMERCE_QUERY_GAS_LIMIT },
    height: 1,
    blockHash: '00'.repeat(32),
  };
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

function summarise(
  platform: string,
  where: 'node' | 'chromium',
  ms: number[],
  gasUsed: number,
  matches: number,
): SearchTimings {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    platform,
    where,
    runs: ms.length,
    medianMs: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    maxMs: sorted[sorted.length - 1]!,
    gasUsed,
    matches,
  };
}

/** The request of the target: 1,000 candidates, 500 purchases (and 250 reviews), an empty query. */
export function benchRequest(): PersonalSearchRequest {
  return searchWorkload({ listings: 1_000, purchases: 500, seed: 19 });
}

async function inNode(
  request: PersonalSearchRequest,
  runs: number,
): Promise<{ engineMs: number; timings: SearchTimings[] }> {
  const { LocalRunner, rankLocally } = await import('@hanglian/sdk/local');
  const started = performance.now();
  const runner = await LocalRunner.create();
  const engineMs = performance.now() - started;
  const timings: SearchTimings[] = [];
  for (const platform of PLATFORMS) {
    const verified = verifiedReference(platform);
    for (let i = 0; i < 2; i++) rankLocally(runner, verified, request); // warm-up
    const ms: number[] = [];
    let last = rankLocally(runner, verified, request);
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      last = rankLocally(runner, verified, request);
      ms.push(performance.now() - t);
    }
    timings.push(summarise(platform, 'node', ms, last.gasUsed, last.ids.length));
  }
  return { engineMs, timings };
}

/** The page's script: the SDK's local runner, bundled for browsers as a wallet app would bundle it. */
const PAGE_ENTRY = `
import { LocalRunner, rankLocally } from '@hanglian/sdk/local';
window.runSearchBench = async (runs) => {
  const [wasm, data] = await Promise.all([
    fetch('/engine.wasm').then((r) => r.arrayBuffer()),
    fetch('/data.json').then((r) => r.json()),
  ]);
  const started = performance.now();
  const runner = await LocalRunner.create({ engineWasm: new Uint8Array(wasm) });
  const engineMs = performance.now() - started;
  const out = [];
  for (const verified of data.platforms) {
    for (let i = 0; i < 2; i++) rankLocally(runner, verified, data.request);
    const ms = [];
    let last;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      last = rankLocally(runner, verified, data.request);
      ms.push(performance.now() - t);
    }
    out.push({ platform: verified.implementation.id, ms, gasUsed: last.gasUsed, matches: last.ids.length });
  }
  return { engineMs, out };
};
`;

async function inChromium(
  request: PersonalSearchRequest,
  runs: number,
  chromiumPath: string,
): Promise<{ engineMs: number; timings: SearchTimings[]; version: string }> {
  const { build } = await import('esbuild');
  const { readFileSync } = await import('node:fs');
  const { createRequire } = await import('node:module');
  const here = dirname(fileURLToPath(import.meta.url));
  const bundle = await build({
    stdin: { contents: PAGE_ENTRY, resolveDir: here, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    // quickjs-emscripten's browser glue names node modules it never loads in a browser.
    external: ['node:*', 'fs', 'path', 'module', 'url', 'crypto', 'worker_threads'],
  });
  const script = bundle.outputFiles[0]!.text;
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'));
  const data = JSON.stringify({ platforms: PLATFORMS.map(verifiedReference), request });
  const pages: Record<string, [string, string | Buffer]> = {
    '/': [
      'text/html',
      '<!doctype html><meta charset="utf-8"><script type="module" src="/bench.js"></script>',
    ],
    '/bench.js': ['text/javascript', script],
    '/engine.wasm': ['application/wasm', wasm],
    '/data.json': ['application/json', data],
  };
  const server = createServer((req, res) => {
    const page = pages[req.url ?? '/'];
    if (page === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': page[0] }).end(page[1]);
  });
  let port = 0;
  for (let attempt = 0; attempt < 8 && port === 0; attempt++) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    port = await new Promise<number>((resolve) => {
      server.once('error', () => resolve(0));
      server.listen(candidate, '127.0.0.1', () => resolve(candidate));
    });
  }
  if (port === 0) throw new Error('no free port for the benchmark page');
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--disable-background-networking', '--no-proxy-server'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => 'runSearchBench' in globalThis);
    const result = (await page.evaluate(
      (n) => (globalThis as unknown as { runSearchBench(n: number): Promise<unknown> }).runSearchBench(n),
      runs,
    )) as {
      engineMs: number;
      out: Array<{ platform: string; ms: number[]; gasUsed: number; matches: number }>;
    };
    return {
      engineMs: result.engineMs,
      timings: result.out.map((o) => summarise(o.platform, 'chromium', o.ms, o.gasUsed, o.matches)),
      version: browser.version(),
    };
  } finally {
    await browser.close();
    server.close();
  }
}

export async function benchmarkSearch(
  options: { runs?: number; chromium?: string | undefined } = {},
): Promise<SearchBenchReport> {
  const runs = options.runs ?? 20;
  const request = benchRequest();
  const node = await inNode(request, runs);
  const browser =
    options.chromium === undefined ? undefined : await inChromium(request, runs, options.chromium);
  return {
    machine: `${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    request: {
      listings: request.listings.length,
      purchases: request.context.purchases.length,
      reviews: request.context.reviews.length,
      bytes: Buffer.byteLength(JSON.stringify(request)),
    },
    engineMs: {
      node: node.engineMs,
      ...(browser === undefined ? {} : { chromium: browser.engineMs }),
    },
    timings: [...node.timings, ...(browser?.timings ?? [])],
    ...(browser === undefined ? {} : { chromium: browser.version }),
  };
}
