// `npm test`: installs, compiles, then runs every compiled test file with Node's own test runner.
// Usage: npm test [-- <filter>]   where <filter> is a substring of the test file paths to run.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, ensureInstalled, root } from './setup.mjs';

ensureInstalled();
build();

function findTests(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = [];
for (const pkg of readdirSync(join(root, 'packages'))) {
  const testDir = join(root, 'packages', pkg, 'dist', 'test');
  try {
    statSync(testDir);
  } catch {
    continue;
  }
  findTests(testDir, files);
}
const selected = files
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((flt) => f.includes(flt)))
  .sort();
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
console.error(`[test] running ${selected.length} test files`);
const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-reporter=spec', ...selected],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, HANGLIAN_LOG_LEVEL: process.env.HANGLIAN_LOG_LEVEL ?? 'error' },
  },
);
process.exit(result.status ?? 1);
