import { HanglianError, IdentifierSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Query } from '../../framework/module.js';
import type { StateReader } from '../../framework/state.js';
import { RegionSchema } from '../distribution/stores.js';
import { SkuSchema } from '../items/stores.js';
import { InsightsErrors } from './errors.js';
import type { ItemsForInsights } from './expected.js';
import { type CountNode, type ReleasedNode, type ReleasedTally, releaseTree } from './release.js';
import {
  type ClosedMonth,
  cellStore,
  clockStore,
  closedStore,
  type InsightsParameters,
  insightsParameters,
  type Measure,
  MeasureSchema,
  MonthSchema,
  skusStore,
  type Tally,
} from './stores.js';

export const AggregatesParamsSchema = Type.Object(
  {
    /** The producer organisation whose products are aggregated. */
    producer: IdentifierSchema,
    /** A closed month, `YYYY-MM` in the chain's calendar. */
    month: MonthSchema,
    measure: MeasureSchema,
    /** Only this SKU (one of the producer's products) in the answer. */
    sku: Type.Optional(SkuSchema),
    /** Only this region in the answer. */
    region: Type.Optional(RegionSchema),
    /** List the days of each released region (default false: months only). */
    days: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type AggregatesParams = Static<typeof AggregatesParamsSchema>;

export interface DayView {
  day: string;
  value: ReleasedTally;
}
export interface RegionView {
  region: string;
  value: ReleasedTally;
  /** Present when asked for and listed (see `withheld`). */
  days?: DayView[];
  /** True when the days are not listed because no safe breakdown exists. */
  withheld?: true;
}
export interface SkuView {
  sku: string;
  value: ReleasedTally;
  /** Absent when the SKU's month is suppressed (its breakdown is never listed) or withheld. */
  regions?: RegionView[];
  withheld?: true;
}
export interface AggregatesView {
  producer: string;
  month: string;
  measure: Measure;
  /** The group size this month closed with: a group of fewer orders is suppressed. */
  minGroupSize: number;
  /** The producer's month over all its SKUs and regions. */
  total: ReleasedTally;
  /** Absent when the total is suppressed or its breakdown withheld. */
  skus?: SkuView[];
  withheld?: true;
}

const ZERO: Tally = { orders: 0, units: 0, amount: 0 };

function addTally(a: Tally, b: Tally): Tally {
  return { orders: a.orders + b.orders, units: a.units + b.units, amount: a.amount + b.amount };
}

/**
 * The producer's month as a tree of counts of one measure: producer → SKU → region (the month cell) →
 * day. Only parts with orders appear. Every answer about the month is cut from this one tree's release.
 */
export function producerMonthTree(
  state: StateReader,
  producer: string,
  month: string,
  measure: Measure,
): CountNode {
  const skus: CountNode[] = [];
  for (const [key] of skusStore.entries(state, `${producer}/`)) {
    const sku = key.slice(producer.length + 1);
    const regions = new Map<string, { tally: Tally; days: CountNode[] }>();
    // `<sku>/<YYYY-MM>/<region>` (the month) and `<sku>/<YYYY-MM-DD>/<region>` (its days), in key order.
    for (const [cellId, cell] of cellStore.entries(state, `${sku}/${month}`)) {
      const tally = cell[measure];
      if (tally === undefined || tally.orders === 0) continue;
      const [, period, region] = cellId.split('/') as [string, string, string];
      const entry = regions.get(region) ?? { tally: ZERO, days: [] };
      if (period.length === month.length) entry.tally = tally;
      else entry.days.push({ key: period, tally, parts: [] });
      regions.set(region, entry);
    }
    if (regions.size === 0) continue;
    const parts = [...regions.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([region, { tally, days }]) => ({
        key: region,
        tally,
        parts: days.sort((a, b) => (a.key < b.key ? -1 : 1)),
      }));
    skus.push({ key: sku, tally: parts.reduce((sum, p) => addTally(sum, p.tally), ZERO), parts });
  }
  return { key: producer, tally: skus.reduce((sum, s) => addTally(sum, s.tally), ZERO), parts: skus };
}

/** The month of the last block, and how a month that is over was closed (undefined while it is open). */
export function monthStatus(
  state: StateReader,
  month: string,
): { open: true } | { open: false; closed: ClosedMonth | undefined } {
  const current = clockStore.get(state, 'month')?.month;
  if (current === undefined || month >= current) return { open: true };
  return { open: false, closed: closedStore.get(state, month) };
}

/** The released answer (every number in it obeys the rule of release.ts), cut by the filters asked. */
export function aggregates(
  state: StateReader,
  items: ItemsForInsights,
  params: AggregatesParams,
): AggregatesView {
  const { producer, month, measure } = params;
  if (params.sku !== undefined && items.getProduct(state, params.sku)?.producer !== producer) {
    throw new HanglianError(
      InsightsErrors.INSIGHTS_NOT_PRODUCT,
      `${params.sku} is not a product of ${producer}`,
    );
  }
  const status = monthStatus(state, month);
  if (status.open) {
    throw new HanglianError(InsightsErrors.INSIGHTS_MONTH_OPEN, `${month} is not over yet`);
  }
  // A month before the chain's first block, or one no block fell in, has no counts at all.
  const minGroupSize = status.closed?.minGroupSize ?? insightsParameters(state).minGroupSize;
  const view = releaseTree(producerMonthTree(state, producer, month, measure), minGroupSize);
  const answer: AggregatesView = { producer, month, measure, minGroupSize, total: view.value };
  if (view.withheld) answer.withheld = true;
  if (view.parts !== undefined) {
    answer.skus = view.parts
      .filter((s) => params.sku === undefined || s.key === params.sku)
      .map((s) => skuView(s, params));
  }
  return answer;
}

function skuView(node: ReleasedNode, params: AggregatesParams): SkuView {
  const view: SkuView = { sku: node.key, value: node.value };
  if (node.withheld) view.withheld = true;
  if (node.parts !== undefined) {
    view.regions = node.parts
      .filter((r) => params.region === undefined || r.key === params.region)
      .map((r) => {
        const region: RegionView = { region: r.key, value: r.value };
        if (params.days === true) {
          if (r.withheld) region.withheld = true;
          if (r.parts !== undefined) region.days = r.parts.map((d) => ({ day: d.key, value: d.value }));
        }
        return region;
      });
  }
  return view;
}

export interface InsightsStatusView {
  /** The month of the last block; every earlier month is closed. */
  currentMonth: string | null;
  parameters: InsightsParameters;
}

export function createInsightsQueries(items: ItemsForInsights) {
  return {
    aggregates: {
      name: 'aggregates',
      reads: {
        members: [
          'insights/cells',
          'insights/clock',
          'insights/closed',
          'insights/params',
          'items/byProducer',
          'items/products',
        ],
      },
      summary:
        "Sales and demand of a producer's products in a closed month, by SKU, region and day, with small groups suppressed.",
      paramsSchema: AggregatesParamsSchema,
      execute: (ctx): AggregatesView => aggregates(ctx.state, items, ctx.params as AggregatesParams),
    } satisfies Query<typeof AggregatesParamsSchema, AggregatesView>,
    products: {
      name: 'products',
      reads: { members: ['insights/skus'] },
      summary: "The producer's SKUs that have counts.",
      paramsSchema: Type.Object({ producer: IdentifierSchema }, { additionalProperties: false }),
      execute: (ctx): string[] => {
        const { producer } = ctx.params as { producer: string };
        return [...skusStore.entries(ctx.state, `${producer}/`)].map(([key]) =>
          key.slice(producer.length + 1),
        );
      },
    } satisfies Query<any, string[]>,
    status: {
      name: 'status',
      reads: { members: ['insights/clock', 'insights/params'] },
      summary: 'The current month (earlier months are closed) and the parameters.',
      paramsSchema: Type.Object({}, { additionalProperties: false }),
      execute: (ctx): InsightsStatusView => ({
        currentMonth: clockStore.get(ctx.state, 'month')?.month ?? null,
        parameters: insightsParameters(ctx.state),
      }),
    } satisfies Query<any, InsightsStatusView>,
  };
}
