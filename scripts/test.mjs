// `npm test`: installs, compiles, then runs every compiled test file with Node's own test runner.
// Usage: npm test [-- [--tier=<fast|multi-process|browser|soak>] [<filter>…]]
//   --tier  runs one tier only (scripts/testTiers.mjs lists the heavy files; everything else is fast);
//   filter  a substring of the test file paths to run.
// `npm run test:fast` is `npm test -- --tier=fast`, and so on for every tier.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
// Every file runs in its own `node --test` process under a watchdog: a file that outlives its time is
// killed with everything it started, reported as timed out with what it printed so far, and the run goes
// on. (One hung file in a shared `node --test` run held the whole CI run to its limit with nothing printed
// after the last file that finished: its results were queued behind the hung one's.) A run that exceeds
// its budget stops starting files and reports those it never ran, so a slow machine fails with a list
// instead of being cut off.
const FILE_TIMEOUT_S = Number(process.env.HANGLIAN_TEST_FILE_TIMEOUT_S ?? 900);
// A file of the light tiers takes seconds, two minutes at most (the slowest, on a loaded CI machine): one
// that hangs is stopped sooner, so that it costs the run 7 minutes, not 15 (a CI run whose fast-tier file
// hung passed the 30-minute limit). Each of its tests also times out on its own, so node:test names the
// one that hung in the file's output.
const LIGHT_FILE_TIMEOUT_S = Number(process.env.HANGLIAN_TEST_LIGHT_FILE_TIMEOUT_S ?? 420);
const LIGHT_TEST_TIMEOUT_MS = 300_000;
const RUN_BUDGET_S = Number(process.env.HANGLIAN_TEST_BUDGET_S ?? 4500);
let status = 0;
/** Seconds per file, printed at the end (what makes a run long is visible). */
const timings = [];
const notRun = [];

/** Every process below `pid` (Linux /proc), deepest last; empty where /proc cannot be read. */
function descendants(pid) {
  const children = new Map();
  let entries = [];
  try {
    entries = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return [];
  }
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields after the last ')' are fixed.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  const out = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift();
    for (const child of children.get(next) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function killTree(pid) {
  // The tree first (devnets a test started may have left its process group), then the group.
  for (const p of [pid, ...descendants(pid)]) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {}
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {}
}

function runFile(file, live, timeoutS, testTimeoutMs) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(
      process.execPath,
      // --test-force-exit: a file whose tests are done (or timed out) ends even if something it started
      // still holds a handle.
      [
        '--test',
        '--test-force-exit',
        '--test-reporter=spec',
        ...(testTimeoutMs === undefined ? [] : [`--test-timeout=${testTimeoutMs}`]),
        file,
      ],
      {
        cwd: root,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          HANGLIAN_LOG_LEVEL: process.env.HANGLIAN_LOG_LEVEL ?? 'error',
          HANGLIAN_TEST_FIXTURE_CACHE: fixtureCache,
        },
      },
    );
    const chunks = [];
    const take = (stream, sink) => child[stream].on('data', (d) => (live ? sink.write(d) : chunks.push(d)));
    take('stdout', process.stdout);
    take('stderr', process.stderr);
    let timedOut = false;
    const watchdog = setTimeout(() => {
      timedOut = true;
      killTree(child.pid);
    }, timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      // Whatever the file started and left behind in its process group goes with it.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
      const seconds = (Date.now() - t0) / 1000;
      if (!live) process.stdout.write(Buffer.concat(chunks));
      const failed = timedOut || code !== 0;
      const why = timedOut
        ? ` (TIMED OUT after ${timeoutS} s: killed with what it started)`
        : failed
          ? ` (failed: ${signal ?? `exit ${code}`})`
          : '';
      console.error(`[test] ${file}: ${seconds.toFixed(1)} s${why}`);
      if (failed) status = 1;
      timings.push({ file, seconds, failed, timedOut });
      resolve();
    });
  });
}

async function runGroup(files, concurrency) {
  const queue = [...files];
  // The heavy tiers run one file at a time, live; the light ones two at a time, with shorter limits.
  const live = concurrency === 1;
  const timeoutS = live ? FILE_TIMEOUT_S : LIGHT_FILE_TIMEOUT_S;
  const testTimeoutMs = live ? undefined : LIGHT_TEST_TIMEOUT_MS;
  const worker = async () => {
    for (;;) {
      const file = queue.shift();
      if (file === undefined) return;
      if ((Date.now() - started) / 1000 > RUN_BUDGET_S) {
        notRun.push(file);
        continue;
      }
      await runFile(file, live, timeoutS, testTimeoutMs);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

for (const group of groups) {
  const t0 = Date.now();
  console.error(`[test] ${group.files.length} files, ${group.concurrency} at a time`);
  await runGroup(group.files, group.concurrency);
  console.error(`[test] ${group.files.length} files in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
console.error('[test] every file, slowest first:');
for (const { file, seconds, failed, timedOut } of timings.sort((a, b) => b.seconds - a.seconds))
  console.error(
    `  ${seconds.toFixed(1).padStart(7)} s  ${file}${timedOut ? '  (TIMED OUT)' : failed ? '  (failed)' : ''}`,
  );
const failedFiles = timings.filter((t) => t.failed).map((t) => t.file);
if (failedFiles.length > 0) console.error(`[test] failed:\n  ${failedFiles.join('\n  ')}`);
if (notRun.length > 0) {
  status = 1;
  console.error(
    `[test] NOT RUN: the run passed its budget of ${RUN_BUDGET_S} s (HANGLIAN_TEST_BUDGET_S):\n  ${notRun.join('\n  ')}`,
  );
}
console.error(
  `[test] ${selected.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s (after the build)`,
);
if (ownsFixtureCache) rmSync(fixtureCache, { recursive: true, force: true });
process.exit(status);
