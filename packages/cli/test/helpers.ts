// Shared helpers of the CLI tests: running the CLI, and a real node process of a test network.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'hanglian.js');
const run = promisify(execFile);

/** Runs the CLI; resolves with its output and exit code (never rejects on a non-zero exit). */
export async function hanglian(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * `hanglian org init` of a test organisation (`<id> Co.`, its key passphrase in a file), its node reachable
 * at `p2p` and its API at `api` (host:port).
 */
export function initOrg(
  org: { readonly id: string; readonly dir: string; readonly pass: string; readonly p2p: string },
  roles: string,
  api: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return hanglian(
    'org',
    'init',
    '--dir',
    org.dir,
    '--id',
    org.id,
    '--name',
    `${org.id} Co.`,
    '--roles',
    roles,
    '--passphrase-file',
    org.pass,
    '--p2p',
    org.p2p,
    '--api',
    api,
  );
}

export interface RunningNode {
  readonly process: ChildProcess;
  readonly api: string;
  stop(): Promise<void>;
}

/** Starts `hanglian node start` for node0 of a network directory and waits until its API listens. */
export async function startNodeProcess(networkDir: string): Promise<RunningNode> {
  const child = spawn(
    process.execPath,
    [CLI, 'node', 'start', '--dir', networkDir, '--json', '--log-level', 'error'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const api = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line !== undefined) resolve((JSON.parse(line) as { api: string }).api);
    });
    child.once('exit', (code) => reject(new Error(`node exited ${code}`)));
  });
  return {
    process: child,
    api,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
