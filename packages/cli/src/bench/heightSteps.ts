/**
 * Where a height's time goes, from the outside: each node's `hanglian_height_step_seconds` histogram (the
 * consensus driver's HEIGHT_STEPS) read before and after a benchmark step, and the mean of each step over
 * the heights decided between the two readings.
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

/** Mean milliseconds of each step between two readings of several nodes (pooled: heights, not nodes). */
export function heightStepMeans(
  before: readonly HeightStepTotals[],
  after: readonly HeightStepTotals[],
): Partial<Record<HeightStep, number>> {
  const means: Partial<Record<HeightStep, number>> = {};
  for (const step of HEIGHT_STEPS) {
    let sum = 0;
    let count = 0;
    after.forEach((reading, i) => {
      sum += (reading[step]?.sum ?? 0) - (before[i]?.[step]?.sum ?? 0);
      count += (reading[step]?.count ?? 0) - (before[i]?.[step]?.count ?? 0);
    });
    if (count > 0) means[step] = Math.round((10_000 * sum) / count) / 10;
  }
  return means;
}

/** A node's height-step totals from its `/metrics`; empty when it does not answer in time. */
export async function readHeightSteps(url: string): Promise<HeightStepTotals> {
  try {
    return heightStepTotals(
      await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text(),
    );
  } catch {
    return {};
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
