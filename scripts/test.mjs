// `npm test`: installs, compiles, then runs every compiled test file with Node's own test runner.
// Usage: npm test [-- [--tier=<fast|multi-process|browser|soak>] [<filter>…]]
//   --tier  runs one tier only (scripts/testTiers.mjs lists the heavy files; everything else is fast);
//   filter  a substring of the test file paths to run.
// `npm run test:fast` is `npm test -- --tier=fast`, and so on for every tier.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build, ensureInstalled, root } from './setup.mjs';
import { assignTiers, compiledPath, TIERS, testSources } from './testTiers.mjs';

const args = process.argv.slice(2);
const tierArg = args.find((a) => a.startsWith('--tier='))?.slice('--tier='.length);
if (tierArg !== undefined && !TIERS.includes(tierArg)) {
  console.error(`unknown tier '${tierArg}': one of ${TIERS.join(', ')}`);
  process.exit(2);
}
const filters = args.filter((a) => !a.startsWith('-'));

// The tier lists are checked before anything is built, so a stale entry is reported at once.
const { byTier, problems } = assignTiers(testSources(root));
if (problems.length > 0) {
  console.error(`[test] scripts/testTiers.mjs does not match the test files:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

ensureInstalled();
// The web console is built only for the tiers that load it in a browser (the fast tier never does).
build({ web: tierArg === undefined || tierArg === 'browser' });

const sources = tierArg === undefined ? TIERS.flatMap((t) => byTier[t]) : byTier[tierArg];
const selected = sources
  .filter((f) => filters.length === 0 || filters.some((flt) => f.includes(flt)))
  .map(compiledPath)
  .sort();
const missing = selected.filter((f) => !existsSync(join(root, f)));
if (missing.length > 0) {
  console.error(`[test] not compiled (is it in its package's tsconfig?):\n  ${missing.join('\n  ')}`);
  process.exit(1);
}
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
console.error(
  `[test] running ${selected.length} test files${tierArg === undefined ? '' : ` (tier ${tierArg})`}`,
);
const started = Date.now();
const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-reporter=spec', ...selected],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, HANGLIAN_LOG_LEVEL: process.env.HANGLIAN_LOG_LEVEL ?? 'error' },
  },
);
console.error(
  `[test] ${selected.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s (after the build)`,
);
process.exit(result.status ?? 1);
