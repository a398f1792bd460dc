// Helpers of the SDK tests: a real node started in this process on a scratch network (adapted from
// packages/node/test/helpers.ts, which tests may not import across packages).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SigningKey } from '@hanglian/core';
import { HanglianNode, type InitNetworkResult, initNetwork, networkPaths, readKeyFile } from '@hanglian/node';
import { listenBelowEphemeral } from '@hanglian/testkit';

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
 * Starts a one-validator chain with the book story's organisations, API on a free port below the ephemeral
 * range; `registry` is the registry's genesis section (standards and parameters), absent by default.
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
      k = readKeyFile(networkPaths.key(dir, label), result.passphrase);
      cache.set(label, k);
    }
    return k;
  };
  // A start that finds its API port taken fails having closed its ledger, so it can start again elsewhere.
  const node = await listenBelowEphemeral((port) =>
    HanglianNode.start({
      name: 'node0',
      dataDir: networkPaths.nodeData(dir, 'node0'),
      genesis: result.genesis,
      validatorKey: key('node0'),
      api: { host: '127.0.0.1', port },
      logLevel: 'silent',
      blockTiming: { minBlockIntervalMs: 5, emptyBlockIntervalMs: 100 },
    }),
  );
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

/**
 * The largest delivery details a real shopper plausibly writes: a long transliterated name, an extension
 * number, one of the longest administrative paths in China (a Xinjiang autonomous prefecture and county)
 * with estate, building, unit and room and a pickup remark, and a long bilingual note: 513 bytes of
 * the 1,022 an envelope carries (docs/privacy.md, "Envelopes have one size").
 */
export const LARGEST_REALISTIC_DELIVERY = {
  name: '阿依古丽·买买提艾力·阿不都热合曼 Ayguli Mamatali Abdurahman',
  phone: '+86 138 0013 8000 转 1234',
  address:
    '新疆维吾尔自治区伊犁哈萨克自治州察布查尔锡伯自治县孙扎齐牛录镇幸福路与团结街交叉口东北角幸福家园小区 12 号楼 3 单元 1502 室（物业中心对面，快递柜在 2 号门）',
  region: 'CN-65',
  postcode: '835300',
  note: '工作日白天不在家，请放到小区东门菜鸟驿站；周末可送货上门。Please call an hour before delivery.',
} as const;
