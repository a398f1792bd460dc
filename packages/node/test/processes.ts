// Running `hanglian node start` as a real child process, the way operators run it.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'cli',
  'bin',
  'hanglian.js',
);

export interface NodeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Resolves with the exit code (or null) and signal once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly stderr: () => string;
}

export function startNodeProcess(
  dir: string,
  nodeName = 'node0',
  extraArgs: string[] = [],
): Promise<NodeProcess> {
  const child = spawn(
    process.execPath,
    [
      CLI_PATH,
      'node',
      'start',
      '--dir',
      dir,
      '--node',
      nodeName,
      '--api-port',
      '0',
      '--json',
      '--log-level',
      'error',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return new Promise((resolve, reject) => {
    let stdout = '';
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line === undefined) return;
      child.stdout!.off('data', onData);
      const info = JSON.parse(line) as { api: string };
      resolve({ child, url: info.api, exited, stderr: () => stderr });
    };
    child.stdout!.on('data', onData);
    void exited.then(({ code, signal }) =>
      reject(new Error(`node exited before listening (code ${code}, signal ${signal}): ${stderr}`)),
    );
  });
}

/** A small seeded PRNG (mulberry32): test schedules must replay from their printed seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
