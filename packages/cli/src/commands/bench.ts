import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';

interface BenchOptions {
  seconds?: string;
  quick?: boolean;
  json?: boolean;
  /** `--commerce`: true (only that part); `--no-commerce`: false; neither: undefined (every part). */
  commerce?: boolean;
  /** `--api`: true (only that part); `--no-api`: false; neither: undefined (every part). */
  api?: boolean;
  /** `--gas`: only the gas part (ms per million gas of every worst-case contract). */
  gas?: boolean;
  /** With `--gas`: only the cases whose name matches; how many slowest cases to print. */
  filter?: string;
  top?: string;
  /** `--index`: only the index's figures (catch-up, search and reports at scale). */
  index?: boolean;
  /** With `--index`: `--no-chain` skips the devnet part, `--no-scale` the 100k/1M part. */
  chain?: boolean;
  scale?: boolean;
  /** `--search`: only the personalised search run in the wallet (Node and Chromium). */
  search?: boolean;
  runs?: string;
  /** `--growth`: only the state's cost as the ledger grows (pre-filled to 10 million keys). */
  growth?: boolean;
  sizes?: string;
  parts?: string;
  blocks?: string;
  history?: string;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description(
      'measure this machine: primitives, state store, chain throughput and latency, order lifecycles and the HTTP API under open-loop load on a 4-validator network (as npm run bench)',
    )
    .option('--seconds <n>', 'load duration per run')
    .option('--quick', 'short runs')
    .option('--json', 'one JSON object per part')
    .option('--commerce', 'only the commerce part: order lifecycles per second on 4 validators')
    .option('--no-commerce', 'skip the commerce part')
    .option('--api', 'only the API part: queries and submissions over HTTP, open loop, on 4 validators')
    .option('--no-api', 'skip the API part')
    .option(
      '--gas',
      'only the gas part: ms per million gas of every worst-case contract, beside the schedule’s bound',
    )
    .option('--filter <regex>', 'with --gas: only the cases whose name matches')
    .option('--top <n>', 'with --gas: how many of the slowest cases to print (default 25)')
    .option(
      '--index',
      "only the index's part: catch-up blocks/s and rows/s, the node's catalogue query beside the index's search, search and report latency at 100k listings and 1M orders",
    )
    .option('--no-chain', 'with --index: skip the devnet (catch-up, node query) part')
    .option('--no-scale', 'with --index: skip the 100k listings / 1M orders part')
    .option(
      '--search',
      'only the personalised search: a platform’s commerce.search/2 code ranking 1,000 listings with a 500-purchase history in the wallet, in Node and Chromium, beside the 200 ms target',
    )
    .option('--runs <n>', 'with --search: rankings measured per platform (default 20)')
    .option(
      '--growth',
      'only the state growth: ledgers pre-filled to 1,000 … 10,000,000 keys, the same blocks of changes on each, the cost per key beside the smallest; then a signed transfer’s and an order lifecycle’s whole cost to a node on the smallest and the largest',
    )
    .option(
      '--sizes <list>',
      'with --growth: the ledger sizes in keys (default 1000,100000,1000000,10000000)',
    )
    .option(
      '--parts <list>',
      'with --growth: some of tree,transfers,orders (default all: the tree alone, then a transfer and an order lifecycle on the smallest and the largest ledger)',
    )
    .option('--blocks <n>', 'with --growth: blocks measured in the transfer and order parts (default 30)')
    .option(
      '--history <blocks>',
      'with --growth: blocks of synthetic history written below the largest ledger of the transfer and order parts (default 0; the issue: 1000000)',
    )
    // The chain part's own flags (--profile <dir>, --step-seconds <n>, --rates <list>, --network-only…)
    // pass through to it with their values: unknown options, and their values as excess arguments.
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      'after',
      '\nExamples:\n  hanglian bench --quick\n  hanglian bench --gas\n  hanglian bench --search\n  hanglian bench --index --no-scale\n  hanglian bench --growth --sizes 1000,1000000 --profile ./profiles\n  hanglian bench --growth --parts transfers,orders --sizes 1000,10000000 --history 1000000\n  hanglian bench --commerce --seconds 10\n  hanglian bench --api --quick\n  hanglian bench --no-network --no-commerce --json\n',
    )
    .action((opts: BenchOptions, command: Command) => {
      const common = [
        ...(opts.seconds === undefined ? [] : ['--seconds', opts.seconds]),
        ...(opts.quick ? ['--quick'] : []),
        ...(opts.json ? ['--json'] : []),
      ];
      // Each part runs as its own process so its figures are its own.
      const run = (script: string, extra: readonly string[]) =>
        spawnSync(process.execPath, [script, ...common, ...extra], { stdio: 'inherit' }).status ?? 1;
      if (opts.gas === true) {
        const gasBench = fileURLToPath(
          new URL('./gas-bench-cli.js', import.meta.resolve('@hanglian/contract-runtime')),
        );
        process.exitCode = run(gasBench, [
          ...(opts.filter === undefined ? [] : ['--filter', opts.filter]),
          ...(opts.top === undefined ? [] : ['--top', opts.top]),
        ]);
        return;
      }
      let status = 0;
      if (opts.search === true) {
        process.exitCode = run(fileURLToPath(new URL('../bench/searchCli.js', import.meta.url)), [
          ...(opts.runs === undefined ? [] : ['--runs', opts.runs]),
        ]);
        return;
      }
      if (opts.growth === true) {
        process.exitCode = run(fileURLToPath(new URL('../bench/growthCli.js', import.meta.url)), [
          ...(opts.sizes === undefined ? [] : ['--sizes', opts.sizes]),
          ...(opts.parts === undefined ? [] : ['--parts', opts.parts]),
          ...(opts.blocks === undefined ? [] : ['--blocks', opts.blocks]),
          ...(opts.history === undefined ? [] : ['--history', opts.history]),
          // --profile <dir> is the chain part's flag too: passed through as an unknown option.
          ...(command.args.includes('--profile')
            ? ['--profile', command.args[command.args.indexOf('--profile') + 1] ?? '']
            : []),
        ]);
        return;
      }
      if (opts.index === true) {
        process.exitCode = run(fileURLToPath(new URL('../bench/indexCli.js', import.meta.url)), [
          ...(opts.chain === false ? ['--no-chain'] : []),
          ...(opts.scale === false ? ['--no-scale'] : []),
        ]);
        return;
      }
      // `--api` alone runs only that part; with `--commerce` too, both.
      const only = opts.api === true || opts.commerce === true;
      if (!only) {
        status = run(fileURLToPath(new URL('../bench/chainCli.js', import.meta.url)), command.args);
      }
      if (status === 0 && (only ? opts.commerce === true : opts.commerce !== false)) {
        status = run(fileURLToPath(new URL('../bench/commerceCli.js', import.meta.url)), []);
      }
      if (status === 0 && (only ? opts.api === true : opts.api !== false)) {
        status = run(fileURLToPath(new URL('../bench/apiLoadCli.js', import.meta.url)), []);
      }
      process.exitCode = status;
    });
}
