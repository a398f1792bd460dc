/**
 * The 带数 dashboard: a producer's sales and demand for a closed month (insights `aggregates`, a
 * members-only read signed with its key) drawn as charts by SKU, region and day. Groups below the
 * month's group size are drawn as suppressed, never as zero. The current month is not answered until it
 * closes (insights README), and the page says when that is.
 */
import type { InsightsMeasure } from '@hanglian/sdk';
import { type ReactNode, useState } from 'react';
import { useApp } from '../appContext.js';
import { type ChartLabels, InsightsCharts, type Metric } from '../components/charts.js';
import { ErrorBox, errorText, Loading } from '../components/status.js';
import { monthClosesAt, previousMonth, producerReads } from '../lib/company.js';
import { money, time } from '../lib/format.js';
import { useAsync } from '../lib/useAsync.js';
import type { MessageKey } from '../messages.js';

const MEASURES: InsightsMeasure[] = ['sales', 'demand', 'returns', 'cancellations', 'disputes'];
const METRICS: Metric[] = ['units', 'orders', 'amount'];

/** +480 → "+8", -90 → "-1:30". */
export function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${Math.floor(abs / 60)}${abs % 60 === 0 ? '' : `:${String(abs % 60).padStart(2, '0')}`}`;
}

export function useChartLabels(k: number): ChartLabels {
  const { t } = useApp();
  return {
    suppressed: t('insights.suppressed', { k }),
    withheld: t('insights.withheld'),
    bySku: t('insights.bySku'),
    byRegion: t('insights.byRegion'),
    byDay: t('insights.byDay'),
    total: t('insights.total'),
    metric: { orders: t('insights.orders'), units: t('insights.units'), amount: t('insights.amount') },
    format: (metric, value) => (metric === 'amount' ? money(value) : value.toLocaleString('en-US')),
  };
}

export function InsightsDashboard({ org, skus }: { org: string; skus: readonly string[] }): ReactNode {
  const { t, lang } = useApp();
  const status = useAsync(() => producerReads.insightsStatus(org), [org]);
  const [month, setMonth] = useState<string | undefined>();
  const [measure, setMeasure] = useState<InsightsMeasure>('sales');
  const [metric, setMetric] = useState<Metric>('units');
  const [sku, setSku] = useState('');
  // Null until the chain's first block has a month: nothing is closed yet then.
  const current = status.data?.currentMonth ?? undefined;
  const chosen = month ?? (current === undefined ? undefined : previousMonth(current));
  const answer = useAsync(
    // The current month is not asked for: the node refuses it until it closes (INSIGHTS_MONTH_OPEN).
    async () =>
      chosen === undefined || chosen >= (current ?? '')
        ? undefined
        : producerReads.insights(org, chosen, measure),
    [org, chosen, measure, current],
  );
  const labels = useChartLabels(answer.data?.minGroupSize ?? status.data?.parameters.minGroupSize ?? 5);
  const closedMonths: string[] = [];
  if (current !== undefined) {
    let m = current;
    for (let i = 0; i < 12; i++) {
      m = previousMonth(m);
      closedMonths.push(m);
    }
  }
  const open =
    (chosen !== undefined && current !== undefined && chosen >= current) ||
    (answer.error !== undefined && errorText(answer.error).code === 'INSIGHTS_MONTH_OPEN');

  return (
    <section aria-labelledby="insights" data-testid="insights">
      <h2 id="insights">{t('company.insights')}</h2>
      <p className="lead">{t('insights.lead')}</p>
      {status.loading && <Loading />}
      <ErrorBox error={status.error} onRetry={status.reload} />
      {status.data !== undefined && current !== undefined && (
        <p className="banner warn" data-testid="insights-open-note">
          {t('insights.openNote', {
            month: current,
            when: time(
              monthClosesAt(
                current,
                status.data.parameters.utcOffsetMinutes,
                status.data.parameters.devCalendar,
              ),
              lang,
            ),
            k: status.data.parameters.minGroupSize,
            offset: offsetText(status.data.parameters.utcOffsetMinutes),
          })}
        </p>
      )}
      {status.data !== undefined && current !== undefined && (
        <div className="form-row">
          <label htmlFor="insights-month">
            <span>{t('insights.month')}</span>
            <select
              id="insights-month"
              data-testid="insights-month"
              value={chosen}
              onChange={(e) => setMonth(e.target.value)}
            >
              <option value={current}>
                {current} ({t('insights.openMonth')})
              </option>
              {closedMonths.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
          <label htmlFor="insights-measure">
            <span>{t('insights.measure')}</span>
            <select
              id="insights-measure"
              data-testid="insights-measure"
              value={measure}
              onChange={(e) => setMeasure(e.target.value as InsightsMeasure)}
            >
              {MEASURES.map((m) => (
                <option key={m} value={m}>
                  {t(`insights.measure.${m}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          <label htmlFor="insights-metric">
            <span>{t('insights.metric')}</span>
            <select
              id="insights-metric"
              data-testid="insights-metric"
              value={metric}
              onChange={(e) => setMetric(e.target.value as Metric)}
            >
              {METRICS.map((m) => (
                <option key={m} value={m}>
                  {labels.metric[m]}
                </option>
              ))}
            </select>
          </label>
          <label htmlFor="insights-sku">
            <span>{t('insights.sku')}</span>
            <select
              id="insights-sku"
              data-testid="insights-sku"
              value={sku}
              onChange={(e) => setSku(e.target.value)}
            >
              <option value="">{t('insights.firstSku')}</option>
              {skus.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {answer.loading && <Loading label={t('insights.loading')} />}
      {open && (
        <p className="banner info" data-testid="insights-month-open">
          {t('insights.monthOpen', {
            month: chosen ?? '',
            when: time(
              monthClosesAt(
                chosen ?? '',
                status.data?.parameters.utcOffsetMinutes ?? 480,
                status.data?.parameters.devCalendar,
              ),
              lang,
            ),
          })}
        </p>
      )}
      {!open && <ErrorBox error={answer.error} onRetry={answer.reload} />}
      {answer.data !== undefined && (
        <>
          <p className="muted">
            {t('insights.release', { month: answer.data.month, k: answer.data.minGroupSize })}
          </p>
          <InsightsCharts
            answer={answer.data}
            metric={metric}
            labels={labels}
            {...(sku === '' ? {} : { sku })}
          />
        </>
      )}
    </section>
  );
}
