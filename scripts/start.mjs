// `npm start`: installs and compiles if needed, then runs a local industry chain: 4 validator nodes of
// 4 member organisations, each its own process, on embedded storage (created in .hanglian/devnet on the
// first run), filled with the book story and a market (producers, distributors, a dozen merchants,
// 240 products, orders over a fast calendar), and the index beside node0 (embedded PostgreSQL in
// .hanglian/devnet/index, API on :26700) that the console searches and reports from.
// Ctrl-C stops everything; running it again resumes from disk; `npm start -- --fresh` starts a new
// chain; `--no-market` plays the book story alone; `--no-index` runs no index.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build, ensureInstalled, root } from './setup.mjs';

const args = process.argv.slice(2);
const fresh = args.includes('--fresh');
const market = !args.includes('--no-market');
const withIndex = !args.includes('--no-index');
const dir = join(root, '.hanglian', 'devnet');
const cli = join(root, 'packages', 'cli', 'bin', 'hanglian.js');
const INDEX_PORT = 26700;

ensureInstalled();
build();
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

const devnet = spawn(
  process.execPath,
  [
    cli,
    'devnet',
    '--dir',
    dir,
    '--validators',
    '4',
    '--demo',
    ...(market ? ['--market'] : []),
    ...(fresh ? ['--fresh'] : []),
    // The consoles are told where the index is (`/console/config.json`); without it they read the chain.
    ...(withIndex ? ['--index-url', `http://127.0.0.1:${INDEX_PORT}`] : []),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);

let index;
function startIndex() {
  if (!withIndex || index !== undefined) return;
  // Beside node0, as its regulator (a member: blocks are members-only), verifying from the genesis.
  index = spawn(
    process.execPath,
    [cli, 'index', '--network', dir, '--org', 'regulator', '--port', String(INDEX_PORT)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  index.stdout.on('data', (chunk) => {
    for (const line of chunk.toString().split('\n')) if (line.trim() !== '') console.log(`[index] ${line}`);
  });
  index.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) console.error(`[index] exited with code ${code}`);
  });
}

let buffer = '';
devnet.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  buffer += chunk.toString();
  for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
    const line = buffer.slice(0, nl);
    buffer = buffer.slice(nl + 1);
    // node0 listens: the index follows it while the demo and the market are being written.
    if (/^\s+node0\s/.test(line)) startIndex();
    if (/is running; Ctrl-C stops every node/.test(line)) {
      console.log(`ready in ${elapsed()} (from this command's start, after the build)`);
      if (withIndex) {
        console.log(
          `  index: http://127.0.0.1:${INDEX_PORT}/v1/index/status   OpenAPI: http://127.0.0.1:${INDEX_PORT}/v1/index/openapi.json`,
        );
        console.log('  the console searches and reports from it: http://127.0.0.1:26650/#/shop');
      }
    }
  }
});

// Ctrl-C reaches the whole process group; the devnet stops its nodes itself, the index its follower.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {
  devnet.kill('SIGTERM');
  index?.kill('SIGTERM');
});
devnet.on('exit', (code, signal) => {
  index?.kill('SIGTERM');
  process.exit(code ?? (signal ? 0 : 1));
});
