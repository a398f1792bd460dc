// Shared helpers of the node tests: scratch networks, keys, transactions and HTTP calls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bytesToHex,
  formatReaderHeader,
  READ_REQUEST_HEADER,
  readRequestSignBytes,
  type SigningKey,
  signTx,
  type TxBody,
  utf8,
} from '@hanglian/core';
import { listenBelowEphemeral } from '@hanglian/testkit';
import {
  HanglianNode,
  type InitNetworkResult,
  initNetwork,
  type NodeOptions,
  networkPaths,
  readKeyFile,
} from '../src/index.js';

/** A cheap scrypt cost for test keys only: real key files use 2^15. */
export const TEST_SCRYPT_N = 1024;

export interface TestNetwork extends InitNetworkResult {
  readonly dir: string;
  /** The decrypted key of `<org>/admin`, `<org>/ops` or a node (`node0`). */
  key(label: string): SigningKey;
  remove(): void;
}

export function createTestNetwork(
  options: {
    validators?: number;
    fullNodes?: number;
    basePort?: number;
    genesisTime?: number;
    registry?: unknown;
  } = {},
): TestNetwork {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-node-'));
  const result = initNetwork({
    dir,
    chainId: 'hanglian-test',
    validators: options.validators ?? 1,
    fullNodes: options.fullNodes ?? 0,
    genesisTime: options.genesisTime ?? 1_700_000_000_000,
    scryptN: TEST_SCRYPT_N,
    basePort: options.basePort ?? 0,
    ...(options.registry === undefined ? {} : { registry: options.registry }),
  });
  const cache = new Map<string, SigningKey>();
  return {
    ...result,
    dir,
    key(label: string) {
      let key = cache.get(label);
      if (key === undefined) {
        key = readKeyFile(networkPaths.key(dir, label), result.passphrase);
        cache.set(label, key);
      }
      return key;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function makeTx(
  key: SigningKey,
  args: {
    module: string;
    command: string;
    params: unknown;
    nonce: number;
    expiresAt?: number;
    chainId?: string;
    actors?: SigningKey[];
  },
): Uint8Array {
  const body: TxBody = {
    v: 1,
    chainId: args.chainId ?? 'hanglian-test',
    module: args.module,
    command: args.command,
    params: args.params,
    submitter: key.publicKey,
    nonce: args.nonce,
    expiresAt: args.expiresAt ?? 5_000,
    actors: (args.actors ?? []).map((a) => a.publicKey),
  };
  return signTx(body, key, args.actors ?? []);
}

/** A signed settlement transfer of `amount` from `key` to `to`: the transaction most tests send. */
export function transferTx(
  key: SigningKey,
  to: string,
  amount: number,
  nonce: number,
  extra: { memo?: string; expiresAt?: number } = {},
): Uint8Array {
  return makeTx(key, {
    module: 'settlement',
    command: 'transfer',
    params: { to, amount, ...(extra.memo === undefined ? {} : { memo: extra.memo }) },
    nonce,
    ...(extra.expiresAt === undefined ? {} : { expiresAt: extra.expiresAt }),
  });
}

export interface HttpResult {
  readonly status: number;
  readonly body: any;
}

export async function http(
  base: string,
  path: string,
  init: {
    method?: string;
    json?: unknown;
    raw?: Uint8Array;
    /** A member key that signs the read (members-only data), for the chain given. */
    reader?: { key: SigningKey; chainId: string; time?: number };
  } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = {};
  let body: string | Uint8Array | undefined;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.raw !== undefined) {
    headers['content-type'] = 'application/octet-stream';
    body = init.raw;
  }
  const method = init.method ?? (body === undefined ? 'GET' : 'POST');
  if (init.reader !== undefined) headers[READ_REQUEST_HEADER] = readerHeader(init.reader, method, path, body);
  const response = await fetch(base + path, {
    method,
    headers,
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text.length > 0 ? JSON.parse(text) : undefined };
}

/** The `x-hanglian-reader` header of a member's signed read (core's readRequest.ts). */
export function readerHeader(
  reader: { key: SigningKey; chainId: string; time?: number },
  method: string,
  path: string,
  body?: string | Uint8Array,
): string {
  const time = reader.time ?? Date.now();
  const bytes = body === undefined ? new Uint8Array(0) : typeof body === 'string' ? utf8(body) : body;
  const signature = reader.key.sign(
    readRequestSignBytes({ chainId: reader.chainId, method, path, time, body: bytes }),
  );
  return formatReaderHeader({ publicKey: reader.key.publicKey, time, signature });
}

export function submitHex(base: string, tx: Uint8Array, wait = true): Promise<HttpResult> {
  return http(base, `/v1/txs${wait ? '?wait=commit&timeoutMs=20000' : ''}`, { json: { tx: bytesToHex(tx) } });
}

/** Node options whose API port is left to `startNodeBelowEphemeral` (the host defaults to 127.0.0.1). */
export type NodeOptionsWithoutApiPort = Omit<NodeOptions, 'api'> & {
  readonly api?: Omit<Partial<NodeOptions['api']>, 'port'>;
};

/**
 * `HanglianNode.start` with the API on a random port below the ephemeral range (testkit's
 * `listenBelowEphemeral`). A start that finds the port taken closes its ledger and signer state before it
 * fails, and the next start takes over the transport's handlers, so it can be started again on another port.
 */
export function startNodeBelowEphemeral(options: NodeOptionsWithoutApiPort): Promise<HanglianNode> {
  return listenBelowEphemeral((port) =>
    HanglianNode.start({ ...options, api: { host: '127.0.0.1', ...options.api, port } }),
  );
}

/**
 * Starts node0 of a test network in this process, API below the ephemeral range, quick blocks; `options`
 * override any field but the API port (a second node of the same network needs its own `name`, `dataDir`
 * and `walPath`).
 */
export function startTestNode(
  net: TestNetwork,
  options: Partial<NodeOptionsWithoutApiPort> = {},
): Promise<HanglianNode> {
  return startNodeBelowEphemeral({
    name: 'node0',
    dataDir: networkPaths.nodeData(net.dir, 'node0'),
    genesis: net.genesis,
    validatorKey: net.key('node0'),
    logLevel: 'silent',
    blockTiming: { minBlockIntervalMs: 5, emptyBlockIntervalMs: 200 },
    ...options,
  });
}
