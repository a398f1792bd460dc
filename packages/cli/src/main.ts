/**
 * `hanglian`: the command line of operators and developers. Each command lives in its own file under
 * commands/; this file only assembles them. Errors print their stable code and message, and exit with
 * a code that says what kind of failure it was.
 */
import { HanglianError } from '@hanglian/core';
import { Command, CommanderError } from 'commander';
import { registerBench } from './commands/bench.js';
import { registerContract } from './commands/contract.js';
import { registerDevnet } from './commands/devnet.js';
import { registerEvidence } from './commands/evidence.js';
import { registerGenesis } from './commands/genesis.js';
import { registerIndex } from './commands/index.js';
import { registerInit } from './commands/init.js';
import { registerInsights } from './commands/insights.js';
import { registerItems } from './commands/items.js';
import { registerKeys } from './commands/keys.js';
import { registerLink } from './commands/link.js';
import { type CliBuild, NODE_UPGRADE_EXIT_CODE, registerNode } from './commands/node.js';
import { registerOrder } from './commands/order.js';
import { registerOrg } from './commands/org.js';
import { registerTransactions } from './commands/transactions.js';
import { registerWallet } from './commands/wallet.js';

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

/**
 * The whole command line. `build` says what this release is (the software upgrades its node carries): a
 * later release passes its own (see bin/hanglian.js).
 */
export function buildProgram(build: CliBuild = {}): Command {
  const program = new Command('hanglian')
    .description('Hanglian (行链): the e-commerce industry chain')
    .version('0.1.0')
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nExamples:\n  hanglian devnet --dir ./devnet        a local 4-validator network\n  hanglian init --dir ./net\n  hanglian node start --dir ./net --node node0\n',
    );
  registerInit(program);
  registerNode(program, build);
  registerDevnet(program);
  registerIndex(program);
  registerEvidence(program);
  registerKeys(program);
  registerOrg(program);
  registerGenesis(program);
  registerLink(program);
  registerTransactions(program);
  registerItems(program);
  registerWallet(program);
  registerOrder(program);
  registerInsights(program);
  registerBench(program);
  registerContract(program);
  return program;
}

export async function main(
  argv: readonly string[],
  build: CliBuild = {},
  extend?: (program: Command) => void,
): Promise<number> {
  const program = buildProgram(build);
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
