import { createClient, query, signAndSubmit } from '@hanglian/sdk';
import type { Command } from 'commander';
import {
  loadMemberSigner,
  type MemberKeyOptions,
  parseJsonArgument,
  type ReaderOptions,
  readerClient,
  withMemberKeyOptions,
  withReaderOptions,
} from '../signing.js';

/** Prints a committed transaction's outcome; a failed command exits non-zero with its code. */
function printOutcome(outcome: Awaited<ReturnType<typeof signAndSubmit>>, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(outcome.status)}\n`);
    return;
  }
  const status = outcome.status;
  if (status.status === 'committed') {
    process.stdout.write(`committed ${status.txId} at height ${status.height}: ${status.result.code}\n`);
    for (const e of status.result.events)
      process.stdout.write(`  event ${e.module}.${e.name} ${JSON.stringify(e.data)}\n`);
  } else process.stdout.write(`${status.status} ${status.txId}\n`);
}

export function registerTransactions(program: Command): void {
  withMemberKeyOptions(
    program
      .command('tx')
      .description('sign and submit any command of any module, and wait for its commit')
      .argument('<module>', 'module name, e.g. settlement')
      .argument('<command>', 'command name, e.g. transfer')
      .argument('[params]', 'the command parameters as JSON'),
  )
    .option('--no-wait', 'return once the node admitted it')
    .option('--json', 'print the final status as JSON')
    .addHelpText(
      'after',
      `\nExample:\n  hanglian tx settlement transfer '{"to":"hl…","amount":1000}' --network ./net --org bookstore\n`,
    )
    .action(
      async (
        module: string,
        command: string,
        params: string | undefined,
        opts: MemberKeyOptions & { wait: boolean; json?: boolean },
      ) => {
        const { signer, api } = loadMemberSigner(opts);
        const outcome = await signAndSubmit(createClient({ url: api }), {
          signer,
          module,
          command,
          params: parseJsonArgument(params, 'params'),
          waitForCommit: opts.wait,
        });
        printOutcome(outcome, opts.json);
      },
    );

  withReaderOptions(
    program
      .command('query')
      .description(
        "run a module's read-only query on a node (members-only queries are signed with --network/--org)",
      )
      .argument('<module>', 'module name, e.g. items')
      .argument('<name>', 'query name, e.g. verify'),
  )
    .argument('[params]', 'the query parameters as JSON')
    .addHelpText(
      'after',
      `\nExamples:\n  hanglian query settlement supply --api http://127.0.0.1:26650\n  hanglian query orders orders '{"merchant":"bookstore"}' --network .hanglian/devnet --org bookstore\n`,
    )
    .action(async (module: string, name: string, params: string | undefined, opts: ReaderOptions) => {
      const answer = await query(readerClient(opts), {
        module,
        name,
        params: parseJsonArgument(params, 'params'),
      });
      process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    });
}
