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
import { decodeBytes, type OrderKeyOptions, orderKeyActors, withOrderKeyOptions } from '../walletFile.js';

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
  withOrderKeyOptions(
    withMemberKeyOptions(
      program
        .command('tx')
        .description('sign and submit any command of any module, and wait for its commit')
        .argument('<module>', 'module name, e.g. settlement')
        .argument('<command>', 'command name, e.g. transfer')
        .argument('[params]', 'the command parameters as JSON; bytes are written {"$hex": "…"}'),
    ),
  )
    .option('--no-wait', 'return once the node admitted it')
    .option('--json', 'print the final status as JSON')
    .addHelpText(
      'after',
      `
Bytes in params: an object {"$hex": "<hex digits>"} stands for those bytes, at any depth, e.g. the sealed
delivery of orders create: {"delivery": {"$hex": "01a4…"}} (a bad one is CLI_BAD_BYTES, exit code 2).
A consumer's step: --wallet FILE --order-key I adds that one-time order key as a co-signing actor (the
wallet passphrase from --wallet-passphrase-file or HANGLIAN_WALLET_PASSPHRASE).

Examples:
  hanglian tx settlement transfer '{"to":"hl…","amount":1000}' --network ./net --org bookstore
  hanglian tx orders confirm '{"order":"<id>"}' --network ./net --org platform-a --wallet consumer.wallet --order-key 0
`,
    )
    .action(
      async (
        module: string,
        command: string,
        params: string | undefined,
        opts: MemberKeyOptions & OrderKeyOptions & { wait: boolean; json?: boolean },
      ) => {
        const parsed = decodeBytes(parseJsonArgument(params, 'params'));
        const actors = await orderKeyActors(opts);
        const { signer, api } = loadMemberSigner(opts);
        const outcome = await signAndSubmit(createClient({ url: api }), {
          signer,
          actors,
          module,
          command,
          params: parsed,
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
