// Shared set-up for the two README commands: install dependencies when they are missing or stale,
// then compile the workspace. Uses only Node built-ins, because it runs before `npm install`.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(cmd, args, label) {
  process.stderr.write(`[setup] ${label}\n`);
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`[setup] ${label} failed (exit ${result.status})\n`);
    process.exit(result.status ?? 1);
  }
}

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

export function ensureInstalled() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const manifest = join(root, 'package.json');
  const stale = !existsSync(marker) || mtime(lock) > mtime(marker) || mtime(manifest) > mtime(marker);
  if (stale) {
    // `npm install` honours the committed lock; `npm ci` refuses npm 11's own platform-trimmed locks.
    run('npm', ['install', '--no-audit', '--no-fund'], 'npm install');
  }
}

/** Compiles the workspace; `web: false` skips the console's web build (tests that never open a browser). */
export function build({ web = true } = {}) {
  run(join(root, 'node_modules', '.bin', 'tsc'), ['-b'], 'compiling TypeScript (tsc -b)');
  if (web)
    run(
      'npm',
      ['run', 'build:web', '--silent', '-w', '@hanglian/console'],
      'building the web console (vite)',
    );
}
