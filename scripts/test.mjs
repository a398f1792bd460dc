// `npm test`: installs, compiles, then runs every compiled test file with Node's own test runner.
// Usage: npm test [-- [--tier=<fast|multi-process|browser|soak>] [<filter>…]]
//   --tier  runs one tier only (scripts/testTiers.mjs lists the heavy files; everything else is fast);
//   filter  a substring of the test file paths to run.
// `npm run test:fast` is `npm test -- --tier=fast`, and so on for every tier.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

// Heavy tiers start processes, devnets and browsers of their own: two at once on two cores starve each
// other (nodes miss 30 s answers, campaigns apply fewer faults), so they run one file at a time after the
// light tiers, which run two at a time.
const CONCURRENCY = { fast: 2, slow: 2, 'multi-process': 1, browser: 1, soak: 1 };
const tiers = tierArg === undefined ? TIERS : [tierArg];
const groups = [];
for (const tier of tiers) {
  const files = byTier[tier]
    .filter((f) => filters.length === 0 || filters.some((flt) => f.includes(flt)))
    .map(compiledPath)
    .sort();
  if (files.length === 0) continue;
  const last = groups.at(-1);
  if (last !== undefined && last.concurrency === CONCURRENCY[tier]) last.files.push(...files);
  else groups.push({ concurrency: CONCURRENCY[tier], files });
}
const selected = groups.flatMap((g) => g.files);
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
// Seeded devnets several files share are made once per run here and copied by each test
// (packages/testkit/src/devnetFixture.ts); the directory goes when the run ends.
const fixtureCache =
  process.env.HANGLIAN_TEST_FIXTURE_CACHE ?? mkdtempSync(join(tmpdir(), 'hanglian-test-fixtures-'));
const ownsFixtureCache = process.env.HANGLIAN_TEST_FIXTURE_CACHE === undefined;
const started = Date.now();
let status = 0;
/** Seconds per file of the one-at-a-time groups (each file is its own run there), printed at the end. */
const timings = [];
function runFiles(files, concurrency) {
  const t0 = Date.now();
  const result = spawnSync(
    process.execPath,
    // --test-force-exit: a file whose tests are done (or timed out) ends even if something it started
    // still holds a handle, so one leak cannot hold the whole run.
    ['--test', `--test-concurrency=${concurrency}`, '--test-force-exit', '--test-reporter=spec', ...files],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        HANGLIAN_LOG_LEVEL: process.env.HANGLIAN_LOG_LEVEL ?? 'error',
        HANGLIAN_TEST_FIXTURE_CACHE: fixtureCache,
      },
    },
  );
  const code = result.status ?? 1;
  if (code !== 0) status = code;
  return { seconds: (Date.now() - t0) / 1000, code };
}
for (const group of groups) {
  console.error(`[test] ${group.files.length} files, ${group.concurrency} at a time`);
  if (group.concurrency > 1) {
    const { seconds } = runFiles(group.files, group.concurrency);
    console.error(`[test] ${group.files.length} files in ${seconds.toFixed(1)} s`);
    continue;
  }
  // One at a time: each file is its own run, so its time is known (what makes a CI run long is visible).
  for (const file of group.files) {
    const { seconds, code } = runFiles([file], 1);
    timings.push({ file, seconds, code });
    console.error(`[test] ${file}: ${seconds.toFixed(1)} s${code === 0 ? '' : ' (failed)'}`);
  }
}
if (timings.length > 0) {
  console.error('[test] the one-at-a-time files, slowest first:');
  for (const { file, seconds, code } of timings.sort((a, b) => b.seconds - a.seconds))
    console.error(`  ${seconds.toFixed(1).padStart(7)} s  ${file}${code === 0 ? '' : '  (failed)'}`);
}
console.error(
  `[test] ${selected.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s (after the build)`,
);
if (ownsFixtureCache) rmSync(fixtureCache, { recursive: true, force: true });
process.exit(status);
