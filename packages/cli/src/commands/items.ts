import { createClient, query } from '@hanglian/sdk';
import type { Command } from 'commander';

interface VerificationAnswer {
  code: string;
  verdict: 'genuine' | 'suspect' | 'unknown';
  flags: string[];
  item: null | {
    product: { sku: string; name: string; producer: string };
    state: { owner: string; custodian: string; status: string };
    history: Array<{ bizStep: string; time: number; where: string; why: string; by: string; height: number }>;
  };
}

export function registerItems(program: Command): void {
  const item = program.command('item').description('one code per item: verify a scanned code');
  item
    .command('verify')
    .description(
      'verify an item code: genuine, or flagged (unknown, recalled, sold to someone else, outside its channel)',
    )
    .argument('<code>', 'the code printed on the item, <sku>:<batch>:<serial>')
    .requiredOption('--api <url>', 'a node API, e.g. http://127.0.0.1:26650')
    .option(
      '--owner <party>',
      'who you believe owns it (acct:hl… or org:…): a code sold to another owner is a clone',
    )
    .option('--json', 'print the answer as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  hanglian item verify isbn-9787020002207:b1:42 --api http://127.0.0.1:26650\n',
    )
    .action(async (code: string, opts: { api: string; owner?: string; json?: boolean }) => {
      const client = createClient({ url: opts.api });
      const { result } = await query<VerificationAnswer>(client, {
        module: 'items',
        name: 'verify',
        params: opts.owner === undefined ? { code } : { code, claimedOwner: opts.owner },
      });
      const { result: provenance } = await query<{ channel: string; org: string | null }>(client, {
        module: 'distribution',
        name: 'provenance',
        params: { code },
      });
      const flags = [
        ...result.flags,
        ...(provenance.channel === 'outside-channel' ? ['outside-channel'] : []),
      ];
      const verdict = result.verdict === 'unknown' ? 'unknown' : flags.length === 0 ? 'genuine' : 'suspect';
      if (opts.json)
        process.stdout.write(`${JSON.stringify({ ...result, verdict, flags, channel: provenance })}\n`);
      else {
        process.stdout.write(
          `${code}: ${verdict.toUpperCase()}${flags.length > 0 ? ` (${flags.join(', ')})` : ''}\n`,
        );
        if (result.item !== null) {
          const { product, state } = result.item;
          process.stdout.write(
            `  ${product.name} (${product.sku}) by ${product.producer}; ${state.status}, owner ${state.owner}\n`,
          );
          for (const e of result.item.history) {
            process.stdout.write(
              `  ${new Date(e.time).toISOString()}  ${e.bizStep.padEnd(13)} ${e.by.padEnd(22)} ${e.where} ${e.why}\n`,
            );
          }
        }
      }
      if (verdict !== 'genuine') process.exitCode = 8;
    });
}
