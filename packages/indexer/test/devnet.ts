/**
 * A real chain for the index tests: `hanglian devnet --validators 1 --demo` as a child process (the
 * book story on chain: a product, a batch, a channel, a shipment, a listing, a session, implementations,
 * an order through every step, a review), and the regulator's member key that signs the index's reads.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { networkPaths, readKeyFile, readManifest, resolvePassphrase } from '@hanglian/node/offline';
import {
  genesisHashOf,
  memberSigner,
  type Signer,
  type TrustCheckpoint,
  validatorSetFromGenesis,
} from '@hanglian/sdk';
import { copySeededDevnet, freePortRange } from '@hanglian/testkit';

/** The CLI of this workspace (the index tests need a node; the CLI runs one). */
export const CLI = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'cli',
  'bin',
  'hanglian.js',
);

export interface TestChain {
  readonly dir: string;
  readonly api: string;
  readonly reader: Signer;
  readonly genesis: TrustCheckpoint;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export async function startTestChain(extraArgs: readonly string[] = []): Promise<TestChain> {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-index-chain-'));
  const basePort = await freePortRange(2);
  // In `npm test` the book story is seeded once per run and each test file resumes its own copy of it
  // (see @hanglian/testkit's devnetFixture); run alone, the devnet below seeds it.
  await copySeededDevnet({ cli: CLI, args: ['--validators', '1', '--demo', ...extraArgs], dir, basePort });
  const child = spawn(
    process.execPath,
    [
      CLI,
      'devnet',
      '--dir',
      dir,
      '--validators',
      '1',
      '--demo',
      '--json',
      '--base-port',
      String(basePort),
      '--log-level',
      'error',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const api = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    let first: string | undefined;
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const event = JSON.parse(line) as { event: string; api?: string };
        if (event.event === 'node') first ??= event.api;
        if (event.event === 'ready' && first !== undefined) resolve(first);
      }
    });
    child.once('exit', (code) => reject(new Error(`the devnet exited (${code}) before it was ready`)));
  });
  const manifest = readManifest(dir);
  const passphrase = resolvePassphrase({ dir, manifest, envPassphrase: undefined });
  const reader = memberSigner(readKeyFile(networkPaths.key(dir, 'regulator/ops'), passphrase));
  const doc = JSON.parse(readFileSync(join(dir, 'genesis.json'), 'utf8'));
  const genesis = {
    chainId: doc.chainId,
    height: 0,
    blockHash: genesisHashOf(doc),
    validators: validatorSetFromGenesis(doc),
  };
  return {
    dir,
    api,
    reader,
    genesis,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
