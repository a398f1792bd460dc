/**
 * The 带数 charts, drawn as SVG by React (no chart library): bars by SKU and by region, columns by day.
 * A suppressed group (fewer orders than the month's group size) is drawn as a hatched "suppressed" bar of
 * no length meaning, never as zero; a withheld breakdown says so. Pure components (the strings come in as
 * props), so a unit test renders them with the SDK's answer shape.
 */
import type { InsightsAggregates, InsightsValue } from '@hanglian/sdk';
import { type ReactNode, useId } from 'react';

export type Metric = 'orders' | 'units' | 'amount';

export interface ChartLabels {
  /** "suppressed" (with the group size). */
  readonly suppressed: string;
  /** The breakdown of a group is withheld. */
  readonly withheld: string;
  readonly bySku: string;
  readonly byRegion: string;
  readonly byDay: string;
  readonly total: string;
  readonly metric: Record<Metric, string>;
  /** Formats a value of the metric (money for amounts). */
  readonly format: (metric: Metric, value: number) => string;
}

export interface ChartRow {
  readonly label: string;
  readonly value: InsightsValue;
}

const BAR_H = 26;

/** The hatching of suppressed groups (one per SVG: ids must be unique in the page). */
function Hatch({ id }: { id: string }): ReactNode {
  return (
    <defs>
      <pattern id={id} width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="8" height="8" fill="#f4f2ee" />
        <line x1="0" y1="0" x2="0" y2="8" stroke="#77736b" strokeWidth="3" />
      </pattern>
    </defs>
  );
}
const LABEL_W = 170;
const VALUE_W = 190;
const WIDTH = 640;

function amountOf(value: InsightsValue, metric: Metric): number | undefined {
  return value.suppressed ? undefined : value[metric];
}

/** Horizontal bars, one per row; suppressed rows hatched and labelled, never drawn as zero. */
export function BarChart({
  title,
  rows,
  metric,
  labels,
  testId,
}: {
  title: string;
  rows: readonly ChartRow[];
  metric: Metric;
  labels: ChartLabels;
  testId?: string;
}): ReactNode {
  const hatch = `hatch${useId().replace(/[^a-zA-Z0-9]/g, '')}`;
  const max = Math.max(1, ...rows.map((r) => amountOf(r.value, metric) ?? 0));
  const plot = WIDTH - LABEL_W - VALUE_W;
  const height = rows.length * BAR_H + 8;
  const description = rows
    .map(
      (r) => `${r.label}: ${r.value.suppressed ? labels.suppressed : labels.format(metric, r.value[metric])}`,
    )
    .join('; ');
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>
        {title} · {labels.metric[metric]}
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        role="img"
        aria-label={`${title}: ${description}`}
        preserveAspectRatio="xMinYMin meet"
      >
        <Hatch id={hatch} />
        {rows.map((row, i) => {
          const y = 4 + i * BAR_H;
          const amount = amountOf(row.value, metric);
          const w = amount === undefined ? plot * 0.18 : Math.max(1, (amount / max) * plot);
          return (
            <g
              key={row.label}
              data-suppressed={row.value.suppressed ? 'true' : 'false'}
              data-testid="chart-row"
            >
              <text x={LABEL_W - 8} y={y + BAR_H / 2 + 4} textAnchor="end" fontSize="12" fill="#1b1b1f">
                {row.label.length > 24 ? `${row.label.slice(0, 23)}…` : row.label}
              </text>
              <rect
                x={LABEL_W}
                y={y + 3}
                width={w}
                height={BAR_H - 8}
                rx="3"
                fill={amount === undefined ? `url(#${hatch})` : '#184f8c'}
                stroke={amount === undefined ? '#4a4a55' : 'none'}
                strokeDasharray={amount === undefined ? '4 3' : undefined}
              />
              <text x={LABEL_W + w + 6} y={y + BAR_H / 2 + 4} fontSize="12" fill="#1b1b1f">
                {amount === undefined ? labels.suppressed : labels.format(metric, amount)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** Columns by day with a line over them; suppressed days are hatched stubs labelled as suppressed. */
export function DayChart({
  title,
  days,
  metric,
  labels,
}: {
  title: string;
  days: ReadonlyArray<{ day: string; value: InsightsValue }>;
  metric: Metric;
  labels: ChartLabels;
}): ReactNode {
  const hatch = `hatch${useId().replace(/[^a-zA-Z0-9]/g, '')}`;
  const height = 180;
  const base = height - 28;
  const top = 16;
  const step = (WIDTH - 40) / Math.max(days.length, 1);
  const max = Math.max(1, ...days.map((d) => amountOf(d.value, metric) ?? 0));
  const points: string[] = [];
  const description = days
    .map(
      (d) => `${d.day}: ${d.value.suppressed ? labels.suppressed : labels.format(metric, d.value[metric])}`,
    )
    .join('; ');
  return (
    <figure className="chart" data-testid="day-chart">
      <figcaption>
        {title} · {labels.metric[metric]}
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-label={`${title}: ${description}`}>
        <Hatch id={hatch} />
        <line x1="30" y1={base} x2={WIDTH - 6} y2={base} stroke="#77736b" />
        {days.map((d, i) => {
          const x = 34 + i * step;
          const amount = amountOf(d.value, metric);
          const h = amount === undefined ? 10 : Math.max(1, (amount / max) * (base - top));
          if (amount !== undefined) points.push(`${x + step / 2},${base - h}`);
          return (
            <g key={d.day} data-suppressed={d.value.suppressed ? 'true' : 'false'} data-testid="chart-day">
              <rect
                x={x + step * 0.15}
                y={base - h}
                width={step * 0.7}
                height={h}
                fill={amount === undefined ? `url(#${hatch})` : '#9fbce0'}
                stroke={amount === undefined ? '#4a4a55' : 'none'}
              />
              <text x={x + step / 2} y={base + 14} fontSize="10" textAnchor="middle" fill="#1b1b1f">
                {d.day.slice(8)}
              </text>
              {amount !== undefined && (
                <text x={x + step / 2} y={base - h - 4} fontSize="10" textAnchor="middle" fill="#1b1b1f">
                  {labels.format(metric, amount)}
                </text>
              )}
              {amount === undefined && (
                <title>
                  {d.day}: {labels.suppressed}
                </title>
              )}
            </g>
          );
        })}
        {points.length > 1 && (
          <polyline points={points.join(' ')} fill="none" stroke="#184f8c" strokeWidth="2" />
        )}
      </svg>
    </figure>
  );
}

/** The whole release of a month: total, bars by SKU, by region of the chosen SKU, days of a region. */
export function InsightsCharts({
  answer,
  metric,
  sku,
  region,
  labels,
}: {
  answer: InsightsAggregates;
  metric: Metric;
  sku?: string;
  region?: string;
  labels: ChartLabels;
}): ReactNode {
  const total = answer.total;
  const chosenSku = answer.skus?.find((s) => s.sku === sku) ?? answer.skus?.find((s) => !s.value.suppressed);
  const chosenRegion =
    chosenSku?.regions?.find((r) => r.region === region) ??
    chosenSku?.regions?.find((r) => r.days !== undefined);
  return (
    <div data-testid="insights-charts">
      <p className="total" data-testid="insights-total">
        <strong>{labels.total}:</strong>{' '}
        {total.suppressed ? (
          <span className="badge warn">{labels.suppressed}</span>
        ) : (
          labels.format(metric, total[metric])
        )}
      </p>
      {answer.withheld && <p className="muted">{labels.withheld}</p>}
      {answer.skus !== undefined && answer.skus.length > 0 && (
        <BarChart
          title={labels.bySku}
          rows={answer.skus.map((s) => ({ label: s.sku, value: s.value }))}
          metric={metric}
          labels={labels}
          testId="chart-sku"
        />
      )}
      {chosenSku?.withheld && (
        <p className="muted">
          {chosenSku.sku}: {labels.withheld}
        </p>
      )}
      {chosenSku?.regions !== undefined && (
        <BarChart
          title={`${labels.byRegion} (${chosenSku.sku})`}
          rows={chosenSku.regions.map((r) => ({ label: r.region, value: r.value }))}
          metric={metric}
          labels={labels}
          testId="chart-region"
        />
      )}
      {chosenRegion?.withheld && (
        <p className="muted">
          {chosenRegion.region}: {labels.withheld}
        </p>
      )}
      {chosenRegion?.days !== undefined && (
        <DayChart
          title={`${labels.byDay} (${chosenSku!.sku}, ${chosenRegion.region})`}
          days={chosenRegion.days}
          metric={metric}
          labels={labels}
        />
      )}
    </div>
  );
}
