/**
 * The wallet's local runner as a browser loads it. `@hanglian/sdk/local` is bundled for the browser (esbuild:
 * the `browser` conditions, no Node built-ins), evaluated in a worker whose Node globals are removed, and
 * ranks exactly as it does in Node, gas included.
 *
 * Why a fast test: the contract runtime's engine and metering code also runs in the console's page, and a
 * Node global there (`Buffer`, `process`) breaks the page while every Node test still passes. Before this
 * test only the browser tier (Chromium on a devnet, late in CI) found it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  commerceGenesisSection,
  PERSONAL_SEARCH_STANDARD,
  referenceImplementation,
  searchWorkload,
} from '@hanglian/commerce-standards';
import { DEFAULT_REGISTRY_PARAMETERS } from '@hanglian/state-machine';
import { build } from 'esbuild';
import {
  LocalRunner,
  type PersonalSearchInput,
  rankLocally,
  type VerifiedImplementation,
} from '../src/local/index.js';

/** What a browser does not have: each is deleted from the worker's global object before the bundle loads. */
const NODE_GLOBALS = ['Buffer', 'process', 'global', 'setImmediate', 'clearImmediate'] as const;

const WORKER_SOURCE = `
import { parentPort, workerData } from 'node:worker_threads';
for (const name of ${JSON.stringify(NODE_GLOBALS)}) delete globalThis[name];
try {
  const { LocalRunner, rankLocally } = await import(workerData.bundleUrl);
  const runner = await LocalRunner.create({ engineWasm: workerData.engineWasm });
  const ranking = rankLocally(runner, workerData.verified, workerData.input);
  parentPort.postMessage({ ids: ranking.ids, gasUsed: ranking.gasUsed, stillThere: ${JSON.stringify(NODE_GLOBALS)}.filter((n) => n in globalThis) });
} catch (error) {
  parentPort.postMessage({ error: String(error && error.stack || error) });
}
`;

/** The read-only search the wallet runs, as `fetchImplementation` would give it after verifying the proofs. */
function verifiedDiscover(): VerifiedImplementation {
  const reference = referenceImplementation('platform-b.discover');
  // The chain's limits for read-only calls: the defaults with the commerce genesis's overrides.
  const parameters = { ...DEFAULT_REGISTRY_PARAMETERS, ...commerceGenesisSection().parameters };
  const owner = 'hl1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq';
  return {
    implementation: {
      id: reference.id,
      standard: reference.standard,
      codeHash: reference.codeHash,
      org: reference.org,
      displayName: reference.displayName,
      registrant: owner,
      registeredAt: 1,
      account: owner,
      conformance: { vectors: 0, gasUsed: 0 },
    },
    standard: { ...PERSONAL_SEARCH_STANDARD, registeredAt: 0 },
    code: {
      hash: reference.codeHash,
      source: reference.source,
      bytes: new TextEncoder().encode(reference.source).length,
      deployer: owner,
      org: reference.org,
      deployedAt: 1,
    },
    parameters,
    height: 7,
    blockHash: '00'.repeat(32),
  };
}

describe('@hanglian/sdk/local bundled for a browser', () => {
  let dir: string;
  let bundleUrl: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hanglian-browser-bundle-'));
    const entry = fileURLToPath(new URL('../src/local/index.js', import.meta.url));
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      outfile: join(dir, 'local.mjs'),
      logLevel: 'silent',
    });
    assert.deepEqual(result.errors, []);
    bundleUrl = pathToFileURL(join(dir, 'local.mjs')).href;
    writeFileSync(join(dir, 'run.mjs'), WORKER_SOURCE);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads and ranks without Node globals, exactly as in Node', async () => {
    const verified = verifiedDiscover();
    const input: PersonalSearchInput = {
      ...searchWorkload({ listings: 60, purchases: 0, seed: 3 }),
      query: '',
      context: searchWorkload({ listings: 0, purchases: 20, seed: 4 }).context,
    };
    const engineWasm = new Uint8Array(
      readFileSync(
        // The runtime's own dependency, resolved from the runtime (this package does not depend on it).
        createRequire(import.meta.resolve('@hanglian/contract-runtime')).resolve(
          '@jitl/quickjs-wasmfile-release-sync/wasm',
        ),
      ),
    );

    const inNode = rankLocally(await LocalRunner.create(), verified, input);
    assert.ok(inNode.ids.length > 0, 'the Node run ranks something');

    const worker = new Worker(new URL(pathToFileURL(join(dir, 'run.mjs'))), {
      workerData: { bundleUrl, engineWasm, verified, input },
    });
    const answer = await new Promise<{
      ids?: string[];
      gasUsed?: number;
      stillThere?: string[];
      error?: string;
    }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    assert.equal(answer.error, undefined, answer.error);
    assert.deepEqual(answer.stillThere, [], 'the worker ran with the Node globals removed');
    assert.deepEqual(answer.ids, inNode.ids);
    assert.equal(answer.gasUsed, inNode.gasUsed);
  });
});
