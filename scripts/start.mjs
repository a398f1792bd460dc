// `npm start`: installs and compiles if needed, creates a local development network on first run
// (in .hanglian/local), then runs its node until Ctrl-C. Run again to resume from disk;
// `npm start -- --fresh` starts over from a new genesis.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build, ensureInstalled, root } from './setup.mjs';

const args = process.argv.slice(2);
const fresh = args.includes('--fresh');
const dir = join(root, '.hanglian', 'local');
const cli = join(root, 'packages', 'cli', 'bin', 'hanglian.js');

ensureInstalled();
build();

if (fresh && existsSync(dir)) {
  process.stderr.write(`[start] --fresh: removing ${dir}\n`);
  rmSync(dir, { recursive: true, force: true });
}
if (!existsSync(join(dir, 'network.json'))) {
  const init = spawnSync(process.execPath, [cli, 'init', '--dir', dir], { stdio: 'inherit' });
  if (init.status !== 0) process.exit(init.status ?? 1);
}
const node = spawn(process.execPath, [cli, 'node', 'start', '--dir', dir, '--log-level', 'warn'], {
  stdio: 'inherit',
});
const forward = (signal) => node.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
node.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
