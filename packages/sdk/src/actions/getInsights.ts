import type * as Chain from '@hanglian/state-machine/client';
import type { BaseClient } from '../baseClient.js';
import { type QueryReturnType, query } from './query.js';

/** The measures insights counts (packages/state-machine/src/modules/insights/README.md). */
export type InsightsMeasure = 'demand' | 'sales' | 'returns' | 'cancellations' | 'disputes';

export type GetInsightsParameters = Chain.AggregatesParams;

/** A released group, or a suppressed one (fewer orders than the month's group size; never shown as zero). */
export type InsightsValue =
  | { readonly suppressed: false; readonly orders: number; readonly units: number; readonly amount: number }
  | { readonly suppressed: true };

export interface InsightsAggregates {
  readonly producer: string;
  readonly month: string;
  readonly measure: InsightsMeasure;
  /** The group size the month closed with. */
  readonly minGroupSize: number;
  readonly total: InsightsValue;
  /** Absent when the total is suppressed or its breakdown withheld (`withheld`). */
  readonly skus?: ReadonlyArray<{
    readonly sku: string;
    readonly value: InsightsValue;
    readonly regions?: ReadonlyArray<{
      readonly region: string;
      readonly value: InsightsValue;
      readonly days?: ReadonlyArray<{ readonly day: string; readonly value: InsightsValue }>;
      readonly withheld?: true;
    }>;
    readonly withheld?: true;
  }>;
  readonly withheld?: true;
}

/**
 * A producer's sales and demand over its products in a closed month, by SKU, region and (optionally)
 * day, with groups below the month's minimum size suppressed. Fails with `INSIGHTS_MONTH_OPEN` for the
 * current month and `INSIGHTS_NOT_PRODUCT` for a SKU that is not the producer's. Not proven: the node's
 * answer (see the insights README for what suppression does and does not protect).
 *
 * @example
 * ```ts
 * const { result } = await getInsights(client, { producer: 'bookpress', month: '2026-01', measure: 'sales' });
 * if (!result.total.suppressed) console.log(result.total.units, 'copies sold');
 * ```
 */
export async function getInsights(
  client: BaseClient,
  parameters: GetInsightsParameters,
): Promise<QueryReturnType<InsightsAggregates>> {
  const params = Object.fromEntries(Object.entries(parameters).filter(([, v]) => v !== undefined));
  return query<InsightsAggregates>(client, { module: 'insights', name: 'aggregates', params });
}
