/**
 * State of the insights module (key layouts in the README). Counters are plain integers keyed by SKU,
 * period and region; nothing here names a buyer, an order or an order key.
 */
import { createCodec, IdentifierSchema, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { StateReader } from '../../framework/state.js';
import { Store } from '../../framework/store.js';

export const INSIGHTS_MODULE = 'insights';

/**
 * What is counted, each in the period its event happened:
 *   demand         orders placed (`orders.create`)
 *   sales          orders completed (the escrow released the composition)
 *   returns        orders returned (the items came back, the buyer was refunded less the restocking fee)
 *   cancellations  orders cancelled before funding or refunded in full (no sale: not paid, not shipped,
 *                  cancelled by the buyer, a silent arbiter, a recall)
 *   disputes       orders ended by an arbiter's split
 * Every order counts once in `demand` and, when it ends, once in exactly one of the other four.
 */
export const MEASURES = ['demand', 'sales', 'returns', 'cancellations', 'disputes'] as const;
export type Measure = (typeof MEASURES)[number];
export const MeasureSchema = Type.Union(MEASURES.map((m) => Type.Literal(m)));

/** The order statuses that end an order, and the measure each one counts in. */
export const MEASURE_OF_ENDING = {
  completed: 'sales',
  returned: 'returns',
  cancelled: 'cancellations',
  refunded: 'cancellations',
  arbitrated: 'disputes',
} as const satisfies Record<string, Measure>;
export type Ending = keyof typeof MEASURE_OF_ENDING;

/** One measure of one cell: how many orders, how many units, and their goods amount (price × quantity). */
export const TallySchema = Type.Object(
  { orders: UintSchema, units: UintSchema, amount: UintSchema },
  { additionalProperties: false },
);
export type Tally = Static<typeof TallySchema>;

/** A cell: the tallies of its measures (an absent measure is zero). */
export const CellSchema = Type.Object(
  {
    demand: Type.Optional(TallySchema),
    sales: Type.Optional(TallySchema),
    returns: Type.Optional(TallySchema),
    cancellations: Type.Optional(TallySchema),
    disputes: Type.Optional(TallySchema),
  },
  { additionalProperties: false },
);
export type Cell = Static<typeof CellSchema>;

export const MonthSchema = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$' });

/** The month a closed month was closed with: answers about it are computed with this group size, forever. */
export const ClosedMonthSchema = Type.Object(
  { minGroupSize: Type.Integer({ minimum: 2, maximum: 1_000 }), closedAt: UintSchema },
  { additionalProperties: false },
);
export type ClosedMonth = Static<typeof ClosedMonthSchema>;

export const InsightsParametersSchema = Type.Object(
  {
    /**
     * The smallest number of orders a released group may hold; a smaller group is reported as
     * suppressed. Set by governance (`setInsightsParameters`); a month keeps the value it closed with.
     */
    minGroupSize: Type.Integer({ minimum: 2, maximum: 1_000 }),
    /**
     * Where days and months begin, in minutes east of UTC (480: China Standard Time). Fixed at genesis:
     * changing it later would mix two calendars in one counter.
     */
    utcOffsetMinutes: Type.Integer({ minimum: -720, maximum: 840 }),
    /**
     * Development networks only (genesis `dev: true`): a calendar in which a month lasts `monthMs` of
     * block time from `epoch` (the genesis time), so months close in minutes and 带数 shows data on a
     * fresh devnet. Month m after the epoch is the epoch's month plus m; each month has 28 days.
     */
    devCalendar: Type.Optional(
      Type.Object(
        { monthMs: Type.Integer({ minimum: 28_000, maximum: 31 * 86_400_000 }), epoch: UintSchema },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type InsightsParameters = Static<typeof InsightsParametersSchema>;

export const DEFAULT_INSIGHTS_PARAMETERS: InsightsParameters = { minGroupSize: 5, utcOffsetMinutes: 480 };

const empty = createCodec('Empty', Type.Object({}, { additionalProperties: false }), { maxBytes: 8 });

/** `insights/cells/<sku>/<YYYY-MM>/<region>` and `insights/cells/<sku>/<YYYY-MM-DD>/<region>`. */
export const cellStore = new Store(
  INSIGHTS_MODULE,
  'cells',
  createCodec('Cell', CellSchema, { maxBytes: 512 }),
);
/** `insights/skus/<producer>/<sku>`: the producer's SKUs that have counters. */
export const skusStore = new Store(INSIGHTS_MODULE, 'skus', empty);
/** `insights/clock/month`: the month of the last block (the months before it are closed). */
export const clockStore = new Store(
  INSIGHTS_MODULE,
  'clock',
  createCodec('InsightsClock', Type.Object({ month: MonthSchema }, { additionalProperties: false }), {
    maxBytes: 64,
  }),
);
/** `insights/closed/<YYYY-MM>`: a closed month and the group size it closed with. */
export const closedStore = new Store(
  INSIGHTS_MODULE,
  'closed',
  createCodec('ClosedMonth', ClosedMonthSchema, { maxBytes: 64 }),
);
export const insightsParamsStore = new Store(
  INSIGHTS_MODULE,
  'params',
  createCodec('InsightsParameters', InsightsParametersSchema, { maxBytes: 128 }),
);

export const ProducerSchema = IdentifierSchema;

export function insightsParameters(state: StateReader): InsightsParameters {
  return insightsParamsStore.get(state, 'current') ?? DEFAULT_INSIGHTS_PARAMETERS;
}

const pad = (n: number, width: number) => n.toString().padStart(width, '0');

/** Days of a month in the development calendar. */
export const DEV_CALENDAR_DAYS = 28;

/**
 * The day (`YYYY-MM-DD`) and month (`YYYY-MM`) of a block time, in the chain's calendar (UTC shifted by
 * `utcOffsetMinutes`, or a development network's fast calendar). Pure arithmetic on the given
 * milliseconds: no clock is read.
 */
export function periodsOf(
  time: number,
  calendarOrOffset: number | Pick<InsightsParameters, 'utcOffsetMinutes' | 'devCalendar'>,
): { day: string; month: string } {
  const calendar =
    typeof calendarOrOffset === 'number' ? { utcOffsetMinutes: calendarOrOffset } : calendarOrOffset;
  const dev = calendar.devCalendar;
  if (dev !== undefined) {
    const elapsed = Math.max(0, time - dev.epoch);
    const start = new Date(dev.epoch + calendar.utcOffsetMinutes * 60_000);
    const index = start.getUTCFullYear() * 12 + start.getUTCMonth() + Math.floor(elapsed / dev.monthMs);
    const month = `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1, 2)}`;
    const day = 1 + Math.floor(((elapsed % dev.monthMs) * DEV_CALENDAR_DAYS) / dev.monthMs);
    return { day: `${month}-${pad(day, 2)}`, month };
  }
  const local = new Date(time + calendar.utcOffsetMinutes * 60_000);
  const month = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1, 2)}`;
  return { day: `${month}-${pad(local.getUTCDate(), 2)}`, month };
}

/** Key of a cell: the period right after the SKU, so one prefix reads a month and its days. */
export function cellKey(sku: string, period: string, region: string): string {
  return `${sku}/${period}/${region}`;
}
