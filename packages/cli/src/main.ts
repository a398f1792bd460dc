/**
 * `hanglian`: the command line of operators and developers. Each command lives in its own file under
 * commands/; this file only assembles them. Errors print their stable code and message, and exit with
 * a code that says what kind of failure it was.
 */
import { HanglianError } from '@hanglian/core';
import { Command, CommanderError } from 'commander';
import { type CliBuild, NODE_UPGRADE_EXIT_CODE } from './commands/node.js';

const EXIT_CODE_OF_KIND: Record<string, number> = {
  invalid: 2,
  unauthorized: 3,
  forbidden: 3,
  not_found: 4,
  conflict: 5,
  too_large: 2,
  rate_limited: 6,
  unavailable: 6,
  internal: 1,
};

export type { CliBuild } from './commands/node.js';

type Register = (program: Command, build: CliBuild) => void;

/**
 * Each command file, the top-level commands it registers, in the order help lists them. A command's file is
 * imported only when it runs (or for the whole help): a CLI call used to load all ~625 modules, the state
 * machine's included, ~1 s of CPU before it did anything; `hanglian order …` now loads the ~370 it needs.
 */
export const COMMAND_FILES: ReadonlyArray<{ names: readonly string[]; load: () => Promise<Register> }> = [
  { names: ['init'], load: async () => (await import('./commands/init.js')).registerInit },
  { names: ['node'], load: async () => (await import('./commands/node.js')).registerNode },
  { names: ['devnet'], load: async () => (await import('./commands/devnet.js')).registerDevnet },
  { names: ['index'], load: async () => (await import('./commands/index.js')).registerIndex },
  { names: ['evidence'], load: async () => (await import('./commands/evidence.js')).registerEvidence },
  { names: ['keys'], load: async () => (await import('./commands/keys.js')).registerKeys },
  { names: ['org'], load: async () => (await import('./commands/org.js')).registerOrg },
  { names: ['genesis'], load: async () => (await import('./commands/genesis.js')).registerGenesis },
  { names: ['link', 'relay'], load: async () => (await import('./commands/link.js')).registerLink },
  {
    names: ['tx', 'query'],
    load: async () => (await import('./commands/transactions.js')).registerTransactions,
  },
  { names: ['item'], load: async () => (await import('./commands/items.js')).registerItems },
  { names: ['wallet', 'share'], load: async () => (await import('./commands/wallet.js')).registerWallet },
  { names: ['order'], load: async () => (await import('./commands/order.js')).registerOrder },
  { names: ['insights'], load: async () => (await import('./commands/insights.js')).registerInsights },
  { names: ['bench'], load: async () => (await import('./commands/bench.js')).registerBench },
  { names: ['contract'], load: async () => (await import('./commands/contract.js')).registerContract },
];

/**
 * The command line. `build` says what this release is (the software upgrades its node carries): a later
 * release passes its own (see bin/hanglian.js). With `only`, the name of a top-level command, just the file
 * that registers it is loaded; otherwise (help, an unknown command) all of them.
 */
export async function buildProgram(build: CliBuild = {}, only?: string): Promise<Command> {
  const program = new Command('hanglian')
    .description('Hanglian (行链): the e-commerce industry chain')
    .version('0.1.0')
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nExamples:\n  hanglian devnet --dir ./devnet        a local 4-validator network\n  hanglian init --dir ./net\n  hanglian node start --dir ./net --node node0\n',
    );
  const chosen = COMMAND_FILES.filter((f) => f.names.includes(only ?? ''));
  for (const file of chosen.length > 0 ? chosen : COMMAND_FILES) (await file.load())(program, build);
  return program;
}

export async function main(
  argv: readonly string[],
  build: CliBuild = {},
  extend?: (program: Command) => void,
): Promise<number> {
  // A later release may add commands (`extend`): then every file is loaded, so names cannot collide unseen.
  const program = await buildProgram(build, extend === undefined ? argv[0] : undefined);
  extend?.(program);
  program.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof HanglianError) {
      process.stderr.write(`error ${error.code}: ${error.message}\n`);
      if (error.code === 'UPGRADE_REQUIRED') return NODE_UPGRADE_EXIT_CODE;
      return EXIT_CODE_OF_KIND[error.kind] ?? 1;
    }
    process.stderr.write(`error: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}
