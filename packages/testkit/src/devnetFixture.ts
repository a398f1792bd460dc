/**
 * Seeded devnets, made once per test run and copied for every test that asks for the same one.
 *
 * Several heavy test files start `hanglian devnet --validators 1 --demo` (or 4 validators) and only read
 * what the seeding left on chain; seeding it costs 20–45 s of a loaded CI machine each time. When
 * `HANGLIAN_TEST_FIXTURE_CACHE` names a directory (`npm test` makes a fresh one per run and deletes it at
 * the end), the first such test seeds a network there as before, stops it cleanly, and keeps the stopped
 * network; every test then starts from its own copy, with its own ports written into the copy's manifest.
 * The devnet resumes the copy (the demo marker files say the seeding is done) with the chain exactly as
 * the seeding left it. Without the variable (one test file run by hand) nothing is cached and the caller
 * seeds its own network, so the seeding itself stays tested in every run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePortRange } from './ports.js';

/** The environment variable that names the run's fixture cache (set by `npm test`). */
export const FIXTURE_CACHE_ENV = 'HANGLIAN_TEST_FIXTURE_CACHE';

export interface SeededDevnetCopy {
  /** The CLI entry point (`packages/cli/bin/hanglian.js`). */
  readonly cli: string;
  /** The devnet arguments that make the network and seed it, e.g. `['--validators', '1', '--demo']`. */
  readonly args: readonly string[];
  /** An empty directory to receive the copy. */
  readonly dir: string;
  /** The copy's first port: node i listens on base+2i (API) and base+2i+1 (P2P), as `--base-port`. */
  readonly basePort: number;
}

/**
 * Fills `dir` with a copy of the cached network seeded by `devnet <args>`, making the cached one first
 * if this run has none yet. Returns false, and leaves `dir` alone, when the run has no fixture cache.
 */
export async function copySeededDevnet(options: SeededDevnetCopy): Promise<boolean> {
  const cache = process.env[FIXTURE_CACHE_ENV];
  if (cache === undefined || cache === '') return false;
  const key = createHash('sha256').update(options.args.join('\0')).digest('hex').slice(0, 16);
  const seeded = join(cache, `devnet-${key}`);
  if (!existsSync(seeded)) await seedInto(options.cli, options.args, cache, seeded);
  // Lock files the seeding nodes left come along: a signer lock names its holder by pid and start time,
  // so a pid reused by another process of this run is not taken for the holder (SIGNER_IN_USE "held by
  // process 24074" failed a CI run when locks named the pid only).
  cpSync(seeded, options.dir, { recursive: true });
  const manifestPath = join(options.dir, 'network.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    nodes: Array<{ apiPort: number; p2pPort: number }>;
  };
  manifest.nodes.forEach((node, i) => {
    node.apiPort = options.basePort + 2 * i;
    node.p2pPort = options.basePort + 2 * i + 1;
  });
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return true;
}

/** Runs `devnet <args>` in a scratch directory until it is seeded, stops it, and moves it to `seeded`. */
async function seedInto(cli: string, args: readonly string[], cache: string, seeded: string): Promise<void> {
  const scratch = mkdtempSync(join(cache, 'making-'));
  const dir = join(scratch, 'network');
  const validators = Number(args[args.indexOf('--validators') + 1] ?? 4);
  const child = spawn(
    process.execPath,
    [
      cli,
      'devnet',
      '--dir',
      dir,
      ...args,
      '--json',
      '--base-port',
      String(await freePortRange(2 * validators)),
      '--log-level',
      'error',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // With a market the orders run after "ready": the copy is kept once they are done too.
  const waitFor = args.includes('--market') ? 'market-done' : 'ready';
  try {
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line.startsWith('{') && (JSON.parse(line) as { event: string }).event === waitFor) resolve();
        }
      });
      child.once('exit', (code) =>
        reject(new Error(`devnet ${args.join(' ')} exited (${code}) before it was seeded`)),
      );
    });
  } catch (error) {
    await stopped(child);
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
  // SIGTERM: the devnet stops its nodes, which close their stores; only then is the directory copied.
  await stopped(child);
  try {
    // Atomic: a test running beside this one that made the same network first keeps its own.
    renameSync(dir, seeded);
  } catch (error) {
    if (!existsSync(seeded)) throw error;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
