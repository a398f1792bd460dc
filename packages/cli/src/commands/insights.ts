/**
 * `hanglian insights`: a producer reads its 带数 aggregates (sales and demand by SKU, region and day) for
 * a closed month, with groups under the month's minimum size suppressed (the insights module's README).
 * Aggregates are members-only reads: the producer's key signs the request.
 */
import { getInsights, type InsightsMeasure, type InsightsValue } from '@hanglian/sdk';
import type { Command } from 'commander';
import { type ReaderOptions, readerClient, withReaderOptions } from '../signing.js';

const MEASURES: readonly InsightsMeasure[] = ['demand', 'sales', 'returns', 'cancellations', 'disputes'];

function show(value: InsightsValue): string {
  if (value.suppressed) return 'suppressed (fewer orders than the group size)';
  return `${value.orders} orders, ${value.units} units, ${(value.amount / 100).toFixed(2)}`;
}

export function registerInsights(program: Command): void {
  withReaderOptions(
    program
      .command('insights')
      .description(
        "a producer's sales and demand aggregates over its products for a closed month (带数), small groups suppressed",
      )
      .requiredOption('--producer <org>', 'the producer organisation')
      .requiredOption('--month <YYYY-MM>', "a closed month of the chain's calendar")
      .option('--measure <measure>', `one of ${MEASURES.join(', ')}`, 'sales')
      .option('--sku <sku>', 'only this product')
      .option('--region <region>', 'only this region, e.g. CN-11')
      .option('--days', 'list the days of each released region')
      .option('--json', 'print the answer as JSON'),
  )
    .addHelpText(
      'after',
      '\nExample:\n  hanglian insights --producer bookpress --month 2026-11 --measure sales --network .hanglian/devnet --org bookpress\n',
    )
    .action(
      async (
        opts: ReaderOptions & {
          producer: string;
          month: string;
          measure: string;
          sku?: string;
          region?: string;
          days?: boolean;
          json?: boolean;
        },
      ) => {
        if (!MEASURES.includes(opts.measure as InsightsMeasure)) {
          process.stderr.write(`BAD_REQUEST: --measure must be one of ${MEASURES.join(', ')}\n`);
          process.exitCode = 2;
          return;
        }
        const { result } = await getInsights(readerClient(opts), {
          producer: opts.producer,
          month: opts.month,
          measure: opts.measure as InsightsMeasure,
          ...(opts.sku === undefined ? {} : { sku: opts.sku }),
          ...(opts.region === undefined ? {} : { region: opts.region }),
          ...(opts.days ? { days: true } : {}),
        });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(result)}\n`);
          return;
        }
        const out = (line: string) => process.stdout.write(`${line}\n`);
        out(
          `${result.producer} ${result.measure} in ${result.month} (groups under ${result.minGroupSize} orders suppressed)`,
        );
        out(`  total: ${show(result.total)}${result.withheld ? ' (breakdown withheld)' : ''}`);
        for (const sku of result.skus ?? []) {
          out(`  ${sku.sku}: ${show(sku.value)}${sku.withheld ? ' (regions withheld)' : ''}`);
          for (const region of sku.regions ?? []) {
            out(
              `    ${region.region.padEnd(6)} ${show(region.value)}${region.withheld ? ' (days withheld)' : ''}`,
            );
            for (const day of region.days ?? []) out(`      ${day.day} ${show(day.value)}`);
          }
        }
      },
    );
}
