// Helpers of the SDK tests: a real node started in this process on a scratch network (adapted from
// packages/node/test/helpers.ts, which tests may not import across packages).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SigningKey } from '@hanglian/core';
import { HanglianNode, type InitNetworkResult, initNetwork, readKeyFile } from '@hanglian/node';

/** A cheap scrypt cost for the scratch network's key files only. */
const TEST_SCRYPT_N = 1024;

export interface TestChain extends InitNetworkResult {
  readonly dir: string;
  readonly node: HanglianNode;
  readonly url: string;
  /** The decrypted key of `<org>/admin`, `<org>/ops` or a node (`node0`). */
  key(label: string): SigningKey;
  stop(): Promise<void>;
}

/**
 * Starts a one-validator chain with the book story's organisations, API on a free port; `registry` is the
 * registry's genesis section (standards and parameters), absent by default.
 */
export async function startTestChain(options: { registry?: unknown } = {}): Promise<TestChain> {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-sdk-'));
  const result = initNetwork({
    dir,
    chainId: 'hanglian-test',
    validators: 1,
    genesisTime: 1_700_000_000_000,
    scryptN: TEST_SCRYPT_N,
    basePort: 0,
    ...(options.registry === undefined ? {} : { registry: options.registry }),
  });
  const cache = new Map<string, SigningKey>();
  const key = (label: string): SigningKey => {
    let k = cache.get(label);
    if (k === undefined) {
      const path = label.startsWith('node')
        ? join(dir, 'nodes', label, 'node-key.json')
        : `${join(dir, 'keys', ...label.split('/'))}.json`;
      k = readKeyFile(path, result.passphrase);
      cache.set(label, k);
    }
    return k;
  };
  const node = await HanglianNode.start({
    name: 'node0',
    dataDir: join(dir, 'nodes', 'node0', 'data'),
    genesis: result.genesis,
    validatorKey: key('node0'),
    api: { host: '127.0.0.1', port: 0 },
    logLevel: 'silent',
    blockTiming: { minBlockIntervalMs: 5, emptyBlockIntervalMs: 100 },
  });
  return {
    ...result,
    dir,
    node,
    url: node.apiUrl,
    key,
    async stop() {
      await node.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until the chain has at least `height` blocks. */
export async function waitForHeight(chain: TestChain, height: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (chain.node.chain.height < height) {
    if (Date.now() > deadline) throw new Error(`chain did not reach height ${height}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Asserts that `promise` rejects with a HanglianSdkError-like error of `code`; returns the error. */
export async function rejectsWithCode(
  promise: Promise<unknown>,
  code: string,
): Promise<Error & { code: string; status?: number; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { code: string };
    if (e.code !== code) throw new Error(`expected code ${code}, got ${e.code}: ${e.message}`, { cause: e });
    return e;
  }
  throw new Error(`expected a rejection with ${code}, but it resolved`);
}
