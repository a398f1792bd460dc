import { HanglianError } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { ExecutionErrors } from '../../framework/errors.js';
import {
  type BlockHookContext,
  type Command,
  type GenesisContext,
  type Module,
  type Query,
  queryList,
  type StoreDescription,
} from '../../framework/module.js';
import { InsightsEvents, type MonthClosedData } from './events.js';
import type { ItemsForInsights } from './expected.js';
import { InsightsMethod } from './method.js';
import { createInsightsQueries } from './queries.js';
import {
  clockStore,
  closedStore,
  DEFAULT_INSIGHTS_PARAMETERS,
  INSIGHTS_MODULE,
  InsightsParametersSchema,
  insightsParameters,
  insightsParamsStore,
  periodsOf,
} from './stores.js';

export const InsightsGenesisSchema = Type.Object(
  {
    parameters: Type.Optional(
      Type.Partial(Type.Omit(InsightsParametersSchema, ['devCalendar']), { additionalProperties: false }),
    ),
    /** Development networks only: a month lasts this many ms of block time from the genesis time. */
    devCalendarMonthMs: Type.Optional(Type.Integer({ minimum: 28_000, maximum: 31 * 86_400_000 })),
  },
  { additionalProperties: false },
);
export type InsightsGenesis = Static<typeof InsightsGenesisSchema>;

/**
 * From 带货 to 带数 (docs/brief.md §1 item 9): counters of demand, sales, returns, cancellations and disputes by
 * SKU, buyer region and period, kept by the orders module's calls, and a query that gives producers their
 * closed months with groups of fewer than `minGroupSize` orders suppressed. No command: the counters are
 * written only by orders; the parameter is governance's (`setInsightsParameters`). See README.md.
 */
export class InsightsModule implements Module {
  readonly name = INSIGHTS_MODULE;
  readonly method: InsightsMethod;
  readonly commands: readonly Command<any>[] = [];
  readonly queries: readonly Query<any, any>[];
  readonly genesisSchema = InsightsGenesisSchema;
  readonly stores: readonly StoreDescription[] = [
    {
      name: 'cells',
      keyLayout: 'insights/cells/<sku>/<YYYY-MM | YYYY-MM-DD>/<region>',
      summary: 'Counters of each measure by SKU, period (month or day) and buyer region.',
    },
    { name: 'skus', keyLayout: 'insights/skus/<producer>/<sku>', summary: "A producer's SKUs with counts." },
    { name: 'clock', keyLayout: 'insights/clock/month', summary: 'The month of the last block.' },
    {
      name: 'closed',
      keyLayout: 'insights/closed/<YYYY-MM>',
      summary: 'Closed months and the group size each closed with.',
    },
    { name: 'params', keyLayout: 'insights/params/current', summary: 'Minimum group size, calendar offset.' },
  ];

  constructor(items: ItemsForInsights) {
    this.method = new InsightsMethod(items);
    this.queries = queryList(createInsightsQueries(items));
  }

  /** `genesis` passed `genesisSchema` already: the state machine checks every module's section once. */
  initGenesis(ctx: GenesisContext, genesis: InsightsGenesis): void {
    if (genesis.devCalendarMonthMs !== undefined && ctx.dev !== true) {
      throw new HanglianError(
        ExecutionErrors.GENESIS_INVALID,
        'genesis of insights: devCalendarMonthMs is for development networks only (genesis dev: true)',
      );
    }
    if (genesis.parameters !== undefined || genesis.devCalendarMonthMs !== undefined) {
      insightsParamsStore.set(ctx.state, 'current', {
        ...DEFAULT_INSIGHTS_PARAMETERS,
        ...genesis.parameters,
        ...(genesis.devCalendarMonthMs === undefined
          ? {}
          : { devCalendar: { monthMs: genesis.devCalendarMonthMs, epoch: ctx.genesisTime } }),
      });
    }
  }

  /**
   * Closes the previous month at the first block of a new one (block times only move forward, so no
   * later event can fall in it): its counts are final from here on, and it keeps today's group size.
   * One read per block, one write per month.
   */
  beforeTransactions(ctx: BlockHookContext): void {
    const params = insightsParameters(ctx.state);
    const { month } = periodsOf(ctx.block.time, params);
    const previous = clockStore.get(ctx.state, 'month')?.month;
    if (previous === month) return;
    clockStore.set(ctx.state, 'month', { month });
    if (previous === undefined) return;
    closedStore.set(ctx.state, previous, {
      minGroupSize: params.minGroupSize,
      closedAt: ctx.block.time,
    });
    const data: MonthClosedData = { month: previous, minGroupSize: params.minGroupSize };
    ctx.emit(InsightsEvents.monthClosed, data, [previous]);
  }
}
