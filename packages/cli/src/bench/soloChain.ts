/**
 * The solo chain under closed-loop load: a node runs as its own process (as in production), and this
 * process plays many clients. Each client keeps a window of transfers in flight with consecutive nonces
 * and sends the next one when one commits, so the load adapts to what the chain sustains.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addressFromPublicKey, bytesToHex, type SigningKey, signTx, type TxBody } from '@hanglian/core';
import { initNetwork, networkPaths, readKeyFile } from '@hanglian/node';

export interface SoloChainFigures {
  readonly clients: number;
  readonly window: number;
  readonly seconds: number;
  readonly committed: number;
  readonly transfersPerSecond: number;
  readonly commitLatencyMs: { readonly p50: number; readonly p99: number };
  readonly blocks: number;
  readonly averageTxsPerBlock: number;
  readonly rejected: number;
}

// This package's own binary (dist/src/bench → bin).
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'hanglian.js');

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function post(url: string, body: unknown): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json();
}

export async function runSoloChainBench(
  options: { clients?: number; window?: number; seconds?: number; onProgress?: (line: string) => void } = {},
): Promise<SoloChainFigures> {
  const clients = options.clients ?? 16;
  const window = options.window ?? 32;
  const seconds = options.seconds ?? 10;
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-bench-'));
  const net = initNetwork({
    dir,
    chainId: 'hanglian-bench',
    genesisTime: Date.now(),
    scryptN: 1024,
    extraAccounts: clients,
    basePort: 0,
  });
  const org = net.manifest.organisations[0]!.id;
  const keys: SigningKey[] = [];
  for (let i = 0; i < clients; i++)
    keys.push(readKeyFile(networkPaths.orgKey(dir, org, `account-${i}`), net.passphrase));
  const sink = addressFromPublicKey(keys[0]!.publicKey);

  const child = spawn(
    process.execPath,
    [
      ...(process.env.HANGLIAN_PROFILE_NODE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof2'] : []),
      CLI,
      'node',
      'start',
      '--dir',
      dir,
      '--api-port',
      '0',
      '--json',
      '--log-level',
      'error',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line !== undefined) resolve((JSON.parse(line) as { api: string }).api);
      });
      child.on('exit', (code) => reject(new Error(`node exited with ${code}`)));
    });
    const startHeight = ((await (await fetch(`${url}/v1/status`)).json()) as { height: number }).height;
    const latencies: number[] = [];
    let committed = 0;
    let rejected = 0;
    const deadline = performance.now() + seconds * 1000;
    const started = performance.now();
    const progress = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      options.onProgress?.(
        `  ${elapsed.toFixed(0)} s: ${committed} transfers committed (${Math.round(committed / elapsed)}/s)`,
      );
    }, 2000);

    const runClient = async (key: SigningKey, index: number) => {
      let nonce = 0;
      const to = index === 0 ? addressFromPublicKey(keys[1]!.publicKey) : sink;
      const lane = async () => {
        while (performance.now() < deadline) {
          const body: TxBody = {
            v: 1,
            chainId: 'hanglian-bench',
            module: 'settlement',
            command: 'transfer',
            params: { to, amount: 1 },
            submitter: key.publicKey,
            nonce: nonce++,
            expiresAt: 9_000,
            actors: [],
          };
          const sentAt = performance.now();
          const result = await post(`${url}/v1/txs?wait=commit&timeoutMs=60000`, {
            tx: bytesToHex(signTx(body, key)),
          });
          if (result.status === 'committed' && result.result.code === 'OK') {
            committed++;
            latencies.push(performance.now() - sentAt);
          } else {
            rejected++;
          }
        }
      };
      await Promise.all(Array.from({ length: window }, lane));
    };
    await Promise.all(keys.map(runClient));
    clearInterval(progress);
    const elapsed = (performance.now() - started) / 1000;
    const endHeight = ((await (await fetch(`${url}/v1/status`)).json()) as { height: number }).height;
    latencies.sort((a, b) => a - b);
    const blocks = endHeight - startHeight;
    return {
      clients,
      window,
      seconds: Math.round(elapsed * 10) / 10,
      committed,
      transfersPerSecond: Math.round(committed / elapsed),
      commitLatencyMs: {
        p50: Math.round(percentile(latencies, 50)),
        p99: Math.round(percentile(latencies, 99)),
      },
      blocks,
      averageTxsPerBlock: blocks === 0 ? 0 : Math.round(committed / blocks),
      rejected,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}
