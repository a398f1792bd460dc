/**
 * A company's report over time from the index: its orders in one role (merchant, carrier, payment
 * provider, platform, host) per month or day — placed, completed, returned, disputed, refunded — with
 * sales and its own earnings, read members-only with the organisation's key. Drawn as columns and a
 * table.
 */
import { type ReactNode, useState } from 'react';
import { useApp } from '../appContext.js';
import { money } from '../lib/format.js';
import { findIndex, indexApi, indexUrl, type PeriodRow } from '../lib/indexApi.js';
import { useAsync } from '../lib/useAsync.js';
import { ErrorBox, Loading } from './status.js';

function Columns({ rows, interval }: { rows: readonly PeriodRow[]; interval: 'month' | 'day' }): ReactNode {
  const max = Math.max(1, ...rows.map((r) => r.orders));
  const w = Math.max(18, Math.min(60, 600 / Math.max(1, rows.length)));
  return (
    <svg
      viewBox={`0 0 ${rows.length * w + 20} 150`}
      width="100%"
      role="img"
      className="report-chart"
      data-testid="report-chart"
    >
      <title>{rows.map((r) => `${r.period}: ${r.orders} / ${r.completed}`).join('; ')}</title>
      {rows.map((r, i) => {
        const h = (r.orders / max) * 110;
        const hc = (r.completed / max) * 110;
        return (
          <g key={r.period}>
            <rect x={10 + i * w} y={120 - h} width={w - 6} height={h} fill="#9db8d9" />
            <rect x={10 + i * w} y={120 - hc} width={w - 6} height={hc} fill="#184f8c" />
            <text x={10 + i * w + (w - 6) / 2} y={135} fontSize="9" textAnchor="middle">
              {r.period.slice(interval === 'month' ? 2 : 5)}
            </text>
            <text x={10 + i * w + (w - 6) / 2} y={116 - h} fontSize="9" textAnchor="middle">
              {r.orders}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function IndexReport({ org, role }: { org: string; role: string }): ReactNode {
  const { t } = useApp();
  const [interval, setInterval] = useState<'month' | 'day'>('month');
  const index = useAsync(() => findIndex(), []);
  const named = useAsync(() => indexUrl(), []);
  const report = useAsync(
    async () => (index.data === undefined ? undefined : indexApi.report(org, role, interval)),
    [index.data, org, role, interval],
  );
  if (index.loading || named.loading) return <Loading />;
  if (index.data === undefined) {
    return (
      <p className="muted" data-testid="report-no-index">
        {named.data === undefined ? t('ix.report.noIndexNamed') : t('ix.report.noIndex', { url: named.data })}
      </p>
    );
  }
  const rows = report.data?.periods ?? [];
  return (
    <section className="panel" data-testid="index-report">
      <h2>{t('ix.report.title')}</h2>
      <p className="muted">
        {t('ix.report.lead', {
          org,
          role,
          interval: t(interval === 'month' ? 'ix.report.month' : 'ix.report.day'),
        })}{' '}
        <select
          data-testid="report-interval"
          value={interval}
          onChange={(e) => setInterval(e.target.value as 'month' | 'day')}
        >
          <option value="day">{t('ix.report.day')}</option>
          <option value="month">{t('ix.report.month')}</option>
        </select>
      </p>
      <ErrorBox error={report.error} onRetry={report.reload} />
      {report.loading && report.data === undefined && <Loading />}
      {report.data !== undefined && rows.length === 0 && <p>{t('ix.report.none')}</p>}
      {rows.length > 0 && (
        <>
          <Columns rows={rows} interval={interval} />
          <table className="table" data-testid="report-table">
            <thead>
              <tr>
                <th>{t('ix.report.period')}</th>
                <th>{t('ix.report.orders')}</th>
                <th>{t('ix.report.completed')}</th>
                <th>{t('ix.report.returns')}</th>
                <th>{t('ix.report.disputes')}</th>
                <th>{t('ix.report.refunded')}</th>
                <th>{t('ix.report.sales')}</th>
                <th>{t('ix.report.earnings')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.period} data-testid="report-row">
                  <td>{r.period}</td>
                  <td>{r.orders}</td>
                  <td>{r.completed}</td>
                  <td>{r.returns}</td>
                  <td>{r.disputes}</td>
                  <td>{r.refundedOrCancelled}</td>
                  <td>{money(r.sales)}</td>
                  <td data-testid="report-earnings">{money(r.earnings)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
