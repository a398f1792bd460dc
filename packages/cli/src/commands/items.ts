import { createClient, type ItemVerification, verifyItem } from '@hanglian/sdk';
import type { Command } from 'commander';

/**
 * Exit codes of `item verify`, so a script can tell a warning from a fake: 0 genuine, 8 suspect or
 * unknown (a clone, recalled, destroyed, outside its channel or region, never minted), 9 sold (genuine,
 * but already sold to someone: not new).
 */
export const VERIFY_EXIT_CODES: Record<ItemVerification['verdict'], number> = {
  genuine: 0,
  suspect: 8,
  unknown: 8,
  sold: 9,
};

export function registerItems(program: Command): void {
  const item = program.command('item').description('one code per item: verify a scanned code');
  item
    .command('verify')
    .description(
      'verify an item code: genuine, sold (already someone’s), or suspect (unknown, recalled, destroyed, sold to someone else, outside its channel or region)',
    )
    .argument('<code>', 'the code printed on the item, <sku>:<batch>:<serial>')
    .requiredOption('--api <url>', 'a node API, e.g. http://127.0.0.1:26650')
    .option(
      '--owner <party>',
      'who you believe owns it (acct:hl… or org:…): a code sold to another owner is a clone',
    )
    .option('--region <region>', 'where it is offered to you (ISO 3166, e.g. CN-44), if you know')
    .option('--json', 'print the answer as JSON')
    .addHelpText(
      'after',
      `
Exit codes: 0 genuine, 8 suspect or unknown, 9 sold (genuine, but already sold to someone: not new).

Example:
  hanglian item verify isbn-9787020002207:b1:42 --api http://127.0.0.1:26650
`,
    )
    .action(async (code: string, opts: { api: string; owner?: string; region?: string; json?: boolean }) => {
      const result = await verifyItem(createClient({ url: opts.api }), {
        code,
        ...(opts.owner === undefined ? {} : { claimedOwner: opts.owner }),
        ...(opts.region === undefined ? {} : { region: opts.region }),
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        const { verdict, flags } = result;
        process.stdout.write(
          `${code}: ${verdict.toUpperCase()}${flags.length > 0 ? ` (${flags.join(', ')})` : ''}\n`,
        );
        if (result.item !== null) {
          const { product, state } = result.item;
          process.stdout.write(
            `  ${product.name} (${product.sku}) by ${product.producer}; ${state.status}, owner ${state.owner}\n`,
          );
          if (result.channel !== null) {
            const { channel, org, region } = result.channel;
            process.stdout.write(
              `  channel: ${channel}${org === null ? '' : ` (${org}${region === null ? '' : ` in ${region}`})`}\n`,
            );
          }
          for (const e of result.item.history) {
            process.stdout.write(
              `  ${new Date(e.time).toISOString()}  ${e.bizStep.padEnd(13)} ${e.by.padEnd(22)} ${e.where} ${e.why}\n`,
            );
          }
        }
      }
      process.exitCode = VERIFY_EXIT_CODES[result.verdict];
    });
}
