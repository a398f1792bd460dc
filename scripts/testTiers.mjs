// ─────────────────────────────────────────────────────────────────────────────────────────────────────────
// THE TEST TIERS. Every test file belongs to exactly one tier; a file not listed below is in the FAST tier.
//
// If you add a test file that starts node processes or a devnet, drives a browser, runs a PostgreSQL server,
// or takes more than ~5 s on its own, LIST IT HERE under its tier, or `npm run test:fast` stops being fast
// for everyone. `npm test` (and every tier) refuses to start when a listed file does not exist or is listed
// twice, so a rename or a move must be made here too.
//
//   npm test                      every tier: what CI runs (.ci/run)
//   npm run test:fast             the fast tier: unit, property and single-process tests (< 2 min, 2 cores)
//   npm run test:slow             suites of more than ~5 s each in one process or against one node
//   npm run test:multi-process    tests that start several node processes, kill them, or fix their ports
//   npm run test:browser          the console in Chromium on a devnet (needs the web build)
//   npm run test:soak             timing checks, alone (the gas schedule's worst cases)
// ─────────────────────────────────────────────────────────────────────────────────────────────────────────
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Source test files (`packages/<pkg>/test/….test.ts`) by tier; the fast tier is everything else. */
export const HEAVY_TIERS = {
  // Single-process tests that take more than ~5 s each on this 2-core machine: most run contracts in the
  // QuickJS sandbox many times, or PGlite, or four validators in one process. Correctness suites, not
  // timing ones. The determinism files compare the output of child processes that run a seeded sequence
  // (no node, no timeout that matters) and the SDK's examples talk to a node in the test's own process:
  // another file beside them changes how long they take, never what they print. So does the consensus
  // simulator's 600 seeded scenarios: virtual time in one process, nothing measured. And the files whose
  // chains have one validator each (the CLI's commands, story, contracts, devnet and wallet search, two
  // linked chains and their relayers, the index following a node, and killed while it does, its kill window
  // growing when a run wrote nothing): a lone validator commits its own proposals, so there is no timeout
  // between node processes for a busy neighbour to make them miss, only CLI starts and relays that take
  // longer; every check is on outcomes, with ports from @hanglian/testkit. Networks of several validators,
  // nodes killed or faulted under load, and fixed ports or addresses stay in multi-process.
  slow: [
    'packages/cli/test/cliStory.test.ts',
    'packages/cli/test/commands.test.ts',
    'packages/cli/test/contract.test.ts',
    'packages/cli/test/devnet.test.ts',
    'packages/cli/test/growthHistory.test.ts',
    'packages/cli/test/linkedChains.test.ts',
    'packages/cli/test/openLoop.test.ts',
    'packages/cli/test/orderGrowth.test.ts',
    'packages/cli/test/walletSearch.test.ts',
    'packages/commerce-standards/test/chain.test.ts',
    'packages/commerce-standards/test/local.test.ts',
    'packages/commerce-standards/test/personalSearch.test.ts',
    'packages/consensus/test/simulator.test.ts',
    'packages/contract-runtime/test/bench.test.ts',
    'packages/contract-runtime/test/determinism.test.ts',
    'packages/contract-runtime/test/hostile.test.ts',
    'packages/contract-runtime/test/metering.test.ts',
    'packages/contract-runtime/test/sandbox.test.ts',
    'packages/contract-runtime/test/snapshot.test.ts',
    'packages/contract-sdk/test/runner.test.ts',
    'packages/indexer/test/crash.test.ts',
    'packages/indexer/test/db.test.ts',
    'packages/indexer/test/follow.test.ts',
    'packages/network/test/bench.test.ts',
    'packages/node/test/blockSync.test.ts',
    'packages/node/test/catchUpApi.test.ts',
    'packages/node/test/consensus.test.ts',
    'packages/node/test/doubleSign.test.ts',
    'packages/node/test/driverSimulation.test.ts',
    'packages/node/test/historyPrefill.test.ts',
    'packages/node/test/queries.test.ts',
    'packages/node/test/revocation.test.ts',
    'packages/node/test/stateSync.test.ts',
    'packages/node/test/stateSyncChunks.test.ts',
    'packages/node/test/upgrade.test.ts',
    'packages/sdk/test/commerce.test.ts',
    'packages/sdk/test/examples.test.ts',
    'packages/sdk/test/local.test.ts',
    'packages/state-machine/test/insights.property.test.ts',
    'packages/state-machine/test/orders.linked.test.ts',
    'packages/state-machine/test/orders.market.test.ts',
    'packages/state-machine/test/orders.property.test.ts',
    'packages/state-machine/test/registry.clock.test.ts',
    'packages/state-machine/test/registry.determinism.test.ts',
    'packages/state-machine/test/registry.gasBound.test.ts',
    'packages/state-machine/test/registry.hostile.test.ts',
    'packages/state-machine/test/registry.nested.test.ts',
    'packages/state-machine/test/registry.test.ts',
  ],
  // Tests that start networks of several validators (consortia, 4-validator devnets, fault campaigns),
  // kill or fault nodes under load, kill the storage writer, or hold fixed ports and addresses.
  'multi-process': [
    'packages/chaos/test/campaign.test.ts',
    'packages/chaos/test/lossyDisk.test.ts',
    'packages/cli/test/commerceBench.test.ts',
    'packages/cli/test/consortium.test.ts',
    'packages/cli/test/consortiumReadme.test.ts',
    'packages/cli/test/networkBench.test.ts',
    'packages/cli/test/nodeKeyRotation.test.ts',
    'packages/cli/test/privacy.test.ts',
    'packages/cli/test/scenarios.test.ts',
    'packages/node/test/badPeers.test.ts',
    'packages/node/test/crash.test.ts',
    'packages/node/test/faults.test.ts',
    'packages/storage/test/crash.test.ts',
  ],
  // The console in Chromium (playwright-core) on a devnet; needs the web build, which only this tier and
  // the full run make.
  browser: [
    'packages/console/test/console.test.ts',
    'packages/console/test/devnet.test.ts',
    'packages/console/test/index.test.ts',
    'packages/console/test/personalSearch.test.ts',
    'packages/console/test/story.test.ts',
  ],
  // Timing checks, alone on the machine: the gas schedule's time bound over every generated worst case.
  soak: [
    'packages/contract-runtime/test/gasPrice.test.ts',
    'packages/contract-runtime/test/worstCase.test.ts',
  ],
};

export const TIERS = ['fast', ...Object.keys(HEAVY_TIERS)];

function findSources(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findSources(path, out);
    else if (/\.test\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

/** Every test source file of the workspace, relative to `root`, sorted. */
export function testSources(root) {
  const files = [];
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const testDir = join(root, 'packages', pkg, 'test');
    try {
      if (!statSync(testDir).isDirectory()) continue;
    } catch {
      continue;
    }
    findSources(testDir, files);
  }
  return files.map((f) => relative(root, f).split('\\').join('/')).sort();
}

/** `packages/x/test/a.test.ts` → `packages/x/dist/test/a.test.js` (what `tsc -b` writes). */
export function compiledPath(source) {
  return source.replace(/^(packages\/[^/]+)\/test\//, '$1/dist/test/').replace(/\.tsx?$/, '.js');
}

/**
 * Assigns every test source to its tier. Returns the problems instead of throwing, so the caller can print
 * all of them: a listed file that does not exist, or one listed twice.
 */
export function assignTiers(sources) {
  const problems = [];
  const tierOf = new Map();
  const existing = new Set(sources);
  for (const [tier, files] of Object.entries(HEAVY_TIERS)) {
    for (const file of files) {
      if (!existing.has(file)) problems.push(`${file} is listed in tier '${tier}' but does not exist`);
      else if (tierOf.has(file)) problems.push(`${file} is listed in '${tierOf.get(file)}' and '${tier}'`);
      else tierOf.set(file, tier);
    }
  }
  const byTier = Object.fromEntries(TIERS.map((t) => [t, []]));
  for (const file of sources) byTier[tierOf.get(file) ?? 'fast'].push(file);
  return { byTier, problems };
}
