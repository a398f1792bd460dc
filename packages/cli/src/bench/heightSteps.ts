/**
 * Where a height's time goes, from the outside: each node's `hanglian_height_step_seconds` histogram (the
 * consensus driver's HEIGHT_STEPS) read before and after a benchmark step, and the mean of each step over
 * the heights decided between the two readings; and the rounds that failed meanwhile
 * (`hanglian_consensus_failed_rounds_total`), each a timeout added to its height.
 */
import { HEIGHT_STEPS, type HeightStep } from '@hanglian/node';

/** Sum (seconds) and count of each height step in a node's metrics text. */
export type HeightStepTotals = Partial<Record<HeightStep, { readonly sum: number; readonly count: number }>>;

export function heightStepTotals(metricsText: string): HeightStepTotals {
  const totals: Record<string, { sum: number; count: number }> = {};
  const pattern = /^hanglian_height_step_seconds_(sum|count)\{([^}]*)\} (\S+)$/gm;
  for (const [, kind, labels, value] of metricsText.matchAll(pattern)) {
    const step = /(?:^|,)step="([^"]+)"/.exec(labels!)?.[1];
    if (step === undefined) continue;
    const entry = (totals[step] ??= { sum: 0, count: 0 });
    entry[kind as 'sum' | 'count'] = Number(value);
  }
  return totals;
}

/** A node's `hanglian_consensus_failed_rounds_total` (0 when it reports none yet). */
export function failedRoundsTotal(metricsText: string): number {
  const match = /^hanglian_consensus_failed_rounds_total(?:\{[^}]*\})? (\S+)$/m.exec(metricsText);
  return match === null ? 0 : Number(match[1]);
}

/** What a node's metrics say of its decided heights at one moment. */
export interface HeightReading {
  readonly steps: HeightStepTotals;
  readonly failedRounds: number;
}

export function heightReading(metricsText: string): HeightReading {
  return { steps: heightStepTotals(metricsText), failedRounds: failedRoundsTotal(metricsText) };
}

/**
 * Rounds that failed on the chain between two readings of several nodes: each node counts every height it
 * decides, so the nodes' mean (rounded), not their sum.
 */
export function failedRoundsBetween(
  before: readonly HeightReading[],
  after: readonly HeightReading[],
): number {
  if (after.length === 0) return 0;
  const total = after.reduce(
    (sum, reading, i) => sum + reading.failedRounds - (before[i]?.failedRounds ?? 0),
    0,
  );
  return Math.round(total / after.length);
}

/** Mean milliseconds of each step between two readings of several nodes (pooled: heights, not nodes). */
export function heightStepMeans(
  before: readonly HeightReading[],
  after: readonly HeightReading[],
): Partial<Record<HeightStep, number>> {
  const means: Partial<Record<HeightStep, number>> = {};
  for (const step of HEIGHT_STEPS) {
    let sum = 0;
    let count = 0;
    after.forEach(({ steps }, i) => {
      sum += (steps[step]?.sum ?? 0) - (before[i]?.steps[step]?.sum ?? 0);
      count += (steps[step]?.count ?? 0) - (before[i]?.steps[step]?.count ?? 0);
    });
    if (count > 0) means[step] = Math.round((10_000 * sum) / count) / 10;
  }
  return means;
}

/** The reading of a node that did not answer: nothing decided, nothing failed. */
export const EMPTY_HEIGHT_READING: HeightReading = { steps: {}, failedRounds: 0 };

/** A node's height reading from its `/metrics`; empty when it does not answer in time. */
export async function readHeightSteps(url: string): Promise<HeightReading> {
  try {
    return heightReading(
      await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text(),
    );
  } catch {
    return EMPTY_HEIGHT_READING;
  }
}

/** `wait 20.1, proposal 9.3, … = 69.0 ms`. */
export function formatHeightSteps(means: Partial<Record<HeightStep, number>>): string {
  const parts = HEIGHT_STEPS.flatMap((step) =>
    means[step] === undefined ? [] : [`${step} ${means[step]!.toFixed(1)}`],
  );
  const total = HEIGHT_STEPS.reduce((sum, step) => sum + (means[step] ?? 0), 0);
  return `${parts.join(', ')} = ${total.toFixed(1)} ms`;
}
