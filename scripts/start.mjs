// `npm start`: installs and compiles if needed, then runs a local industry chain: 4 validator nodes of
// 4 member organisations, each its own process, on embedded storage (created in .hanglian/devnet on the
// first run). Ctrl-C stops every node; running it again resumes from disk; `npm start -- --fresh`
// starts a new chain.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build, ensureInstalled, root } from './setup.mjs';

const fresh = process.argv.slice(2).includes('--fresh');
const dir = join(root, '.hanglian', 'devnet');
const cli = join(root, 'packages', 'cli', 'bin', 'hanglian.js');

ensureInstalled();
build();

const devnet = spawn(
  process.execPath,
  [cli, 'devnet', '--dir', dir, '--validators', '4', '--demo', ...(fresh ? ['--fresh'] : [])],
  {
    stdio: 'inherit',
  },
);
// Ctrl-C reaches the whole process group; the devnet stops its nodes itself.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => devnet.kill('SIGTERM'));
devnet.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
