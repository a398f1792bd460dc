/**
 * What other modules may call: the orders module tells insights when an order is placed and when it ends
 * (through `InsightsForOrders` in its expected.ts), with the figures of the order and never its buyer.
 */
import { HanglianError } from '@hanglian/core';
import type { StateReader, StateWriter } from '../../framework/state.js';
import { InsightsErrors } from './errors.js';
import type { ItemsForInsights } from './expected.js';
import {
  type Cell,
  cellKey,
  cellStore,
  type Ending,
  type InsightsParameters,
  insightsParameters,
  insightsParamsStore,
  MEASURE_OF_ENDING,
  type Measure,
  periodsOf,
  skusStore,
} from './stores.js';

/** The figures of an order that insights counts: what was sold, how much, and the buyer's coarse region. */
export interface CountedOrder {
  readonly sku: string;
  /** The buyer's region as the order states it (`CN` or `CN-11`): coarse by design. */
  readonly region: string;
  readonly quantity: number;
  /** The goods amount: unit price × quantity, in minor units (no shipping, no fees). */
  readonly amount: number;
}

export class InsightsMethod {
  readonly #items: ItemsForInsights;

  constructor(items: ItemsForInsights) {
    this.#items = items;
  }

  /** Counts an order placed at block time `time` in `demand`. */
  recordPlaced(state: StateWriter, order: CountedOrder, time: number): void {
    this.#add(state, order, 'demand', time);
  }

  /**
   * Counts an order that ended with status `ending` at block time `time`: `completed` in sales,
   * `returned` in returns, `cancelled`/`refunded` in cancellations, `arbitrated` in disputes.
   */
  recordEnded(state: StateWriter, order: CountedOrder, ending: string, time: number): void {
    const measure = (MEASURE_OF_ENDING as Record<string, Measure | undefined>)[ending as Ending];
    if (measure === undefined) throw new Error(`insights: ${ending} does not end an order`);
    this.#add(state, order, measure, time);
  }

  parameters(state: StateReader): InsightsParameters {
    return insightsParameters(state);
  }

  #add(state: StateWriter, order: CountedOrder, measure: Measure, time: number): void {
    const { day, month } = periodsOf(time, insightsParameters(state));
    for (const period of [month, day]) {
      const key = cellKey(order.sku, period, order.region);
      const cell: Cell = cellStore.get(state, key) ?? {};
      const tally = cell[measure] ?? { orders: 0, units: 0, amount: 0 };
      cellStore.set(state, key, {
        ...cell,
        [measure]: {
          orders: tally.orders + 1,
          units: tally.units + order.quantity,
          amount: tally.amount + order.amount,
        },
      });
    }
    const producer = this.#items.getProduct(state, order.sku)?.producer;
    if (producer !== undefined && !skusStore.has(state, `${producer}/${order.sku}`)) {
      skusStore.set(state, `${producer}/${order.sku}`, {});
    }
  }
}

/**
 * Merges changes into the insights parameters (governance action `setInsightsParameters`). Only the
 * minimum group size may change; months already closed keep the size they closed with.
 */
export function setInsightsParameters(
  state: StateWriter,
  changes: { readonly minGroupSize?: number },
): InsightsParameters {
  const merged: InsightsParameters = { ...insightsParameters(state), ...changes };
  if (!insightsParamsStore.codec.is(merged)) {
    throw new HanglianError(
      InsightsErrors.INSIGHTS_BAD_PARAMETERS,
      `minimum group size ${String(changes.minGroupSize)} is not an integer from 2 to 1,000`,
    );
  }
  insightsParamsStore.set(state, 'current', merged);
  return merged;
}
