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
import { registerIndex } from './commands/index.js';
import { registerInit } from './commands/init.js';
import { registerInsights } from './commands/insights.js';
import { registerItems } from './commands/items.js';
import { registerKeys } from './commands/keys.js';
import { registerNode } from './commands/node.js';
import { registerOrder } from './commands/order.js';
import { registerOrg } from './commands/org.js';
import { registerTransactions } from './commands/transactions.js';
import { registerWallet } from './commands/wallet.js';
import { installSafeOutput } from './safeOutput.js';

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

export function buildProgram(): Command {
  const program = new Command('hanglian')
    .description('Hanglian (行链): the e-commerce industry chain')
    .version('0.1.0')
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nExamples:\n  hanglian devnet --dir ./devnet        a local 4-validator network\n  hanglian init --dir ./net\n  hanglian node start --dir ./net --node node0\n',
    );
  registerInit(program);
  registerNode(program);
  registerDevnet(program);
  registerIndex(program);
  registerEvidence(program);
  registerKeys(program);
  registerOrg(program);
  registerTransactions(program);
  registerItems(program);
  registerWallet(program);
  registerOrder(program);
  registerInsights(program);
  registerBench(program);
  registerContract(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof HanglianError) {
      process.stderr.write(`error ${error.code}: ${error.message}\n`);
      return EXIT_CODE_OF_KIND[error.kind] ?? 1;
    }
    process.stderr.write(`error: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

installSafeOutput(process.stdout);
installSafeOutput(process.stderr);
const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
