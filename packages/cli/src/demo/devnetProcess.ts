/**
 * `hanglian devnet --demo --json` as a child process: what the benchmarks and the multi-node tests run
 * against. Resolves once every node listens and the book story is on chain (the `ready` line).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'hanglian.js');

export interface DevnetProcess {
  readonly child: ChildProcess;
  /** Every node's API address, node0 first. */
  readonly apis: string[];
  /** SIGTERM, then SIGKILL after `graceMs` if the devnet has not stopped its nodes by then. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * A base port whose `count` following ports are free now, in 10000-32000: below Linux's ephemeral range
 * (32768-60999), where outgoing connections take their local ports.
 */
export async function freePortBase(count: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 10_000 + 2 * Math.floor(Math.random() * 11_000);
    // 10080 is one of fetch's "bad ports": an API there is unreachable to the SDK.
    if (base <= 10_080 && 10_080 < base + count) continue;
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await free(base + i);
    if (ok) return base;
  }
  throw new Error('no free port range');
}

export function startDevnetProcess(options: {
  dir: string;
  validators: number;
  basePort: number;
}): Promise<DevnetProcess> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'devnet',
      '--dir',
      options.dir,
      '--validators',
      String(options.validators),
      '--demo',
      '--json',
      '--base-port',
      String(options.basePort),
      '--log-level',
      'error',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const stop = (graceMs = 15_000) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), graceMs).unref();
    });
  return new Promise((resolve, reject) => {
    const apis: string[] = [];
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const event = JSON.parse(line) as { event: string; api?: string };
        if (event.event === 'node' && event.api !== undefined) apis.push(event.api);
        if (event.event === 'ready') resolve({ child, apis, stop });
      }
    });
    child.once('exit', (code) => reject(new Error(`the devnet exited (${code}) before it was ready`)));
  });
}
