/**
 * The 带数 charts with the SDK's answer shape (a closed month cannot be produced on a fresh devnet: months
 * close by block time). A suppressed group is drawn as "suppressed", never as zero or with a number; a
 * withheld breakdown says so; released groups show their numbers and bar lengths in proportion.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InsightsAggregates } from '@hanglian/sdk';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { BarChart, type ChartLabels, InsightsCharts } from '../src/components/charts.js';
import { monthClosesAt, parseYuan, previousMonth } from '../src/lib/company.js';

const labels: ChartLabels = {
  suppressed: 'SUPPRESSED',
  withheld: 'WITHHELD',
  bySku: 'By SKU',
  byRegion: 'By region',
  byDay: 'By day',
  total: 'Total',
  metric: { orders: 'orders', units: 'units', amount: 'amount' },
  format: (metric, value) => (metric === 'amount' ? `¥${value / 100}` : String(value)),
};

const released = (orders: number, units = orders, amount = orders * 5_980) =>
  ({ suppressed: false, orders, units, amount }) as const;
const suppressed = { suppressed: true } as const;

const answer: InsightsAggregates = {
  producer: 'bookpress',
  month: '2026-10',
  measure: 'sales',
  minGroupSize: 5,
  total: released(31, 40),
  skus: [
    {
      sku: 'isbn-9787020002207',
      value: released(27, 36),
      regions: [
        {
          region: 'CN-11',
          value: released(20, 27),
          days: [
            { day: '2026-10-01', value: released(12, 15) },
            { day: '2026-10-02', value: released(8, 12) },
          ],
        },
        { region: 'CN-31', value: suppressed },
        { region: 'CN-44', value: suppressed },
      ],
    },
    { sku: 'isbn-9787020002214', value: suppressed },
  ],
};

function render(node: Parameters<typeof renderToStaticMarkup>[0]): string {
  return renderToStaticMarkup(node);
}

describe('带数 charts', () => {
  it('draws released groups with their numbers and suppressed ones as suppressed, never zero', () => {
    const html = render(createElement(InsightsCharts, { answer, metric: 'units', labels }));
    // Month total, the two SKUs, the three regions of the first, the two days of CN-11.
    assert.match(html, /Total:<\/strong> 40/);
    assert.equal((html.match(/data-testid="chart-row"/g) ?? []).length, 5);
    assert.equal((html.match(/data-suppressed="true"/g) ?? []).length, 3);
    assert.equal((html.match(/data-testid="chart-day"/g) ?? []).length, 2);
    assert.equal((html.match(/>SUPPRESSED</g) ?? []).length, 3);
    for (const released of ['>36<', '>27<', '>15<']) assert.ok(html.includes(released), released);
    // A suppressed row carries no number: its bar is hatched and its label is the word.
    const rows = html.split('data-testid="chart-row"').slice(1);
    for (const row of rows.filter((r) => r.includes('data-suppressed="true"') || r.startsWith('>'))) {
      if (!row.includes('SUPPRESSED')) continue;
      assert.doesNotMatch(row.split('</g>')[0]!, />0</);
      assert.match(row, /url\(#hatch/);
    }
    // The picture is described for screen readers too.
    assert.match(html, /aria-label="By SKU: isbn-9787020002207: 36; isbn-9787020002214: SUPPRESSED"/);
  });

  it('draws amounts in money and scales bars to the largest', () => {
    const html = render(
      createElement(BarChart, {
        title: 'By region',
        rows: [
          { label: 'CN-11', value: released(10, 10, 100_000) },
          { label: 'CN-31', value: released(5, 5, 50_000) },
        ],
        metric: 'amount',
        labels,
      }),
    );
    assert.ok(html.includes('¥1000'));
    assert.ok(html.includes('¥500'));
    const widths = [...html.matchAll(/<rect x="170" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    assert.equal(widths.length, 2);
    assert.ok(Math.abs(widths[0]! / widths[1]! - 2) < 1e-9, `widths ${widths.join(', ')}`);
  });

  it('says so when the total is suppressed or a breakdown withheld', () => {
    const html = render(
      createElement(InsightsCharts, {
        answer: { ...answer, total: suppressed, skus: undefined },
        metric: 'orders',
        labels,
      }),
    );
    assert.match(html, /SUPPRESSED/);
    assert.doesNotMatch(html, /chart-row/);
    const withheld = render(
      createElement(InsightsCharts, {
        answer: {
          ...answer,
          skus: [{ sku: 'isbn-9787020002207', value: released(9), withheld: true }],
        },
        metric: 'orders',
        labels,
      }),
    );
    assert.match(withheld, /isbn-9787020002207: WITHHELD/);
  });

  it('knows when a month closes in the chain calendar, and the month before', () => {
    // 2026-11 closes at 2026-12-01 00:00 in UTC+8, which is 2026-11-30 16:00 UTC.
    assert.equal(new Date(monthClosesAt('2026-11', 480)).toISOString(), '2026-11-30T16:00:00.000Z');
    assert.equal(new Date(monthClosesAt('2026-12', 0)).toISOString(), '2027-01-01T00:00:00.000Z');
    assert.equal(previousMonth('2026-01'), '2025-12');
    assert.equal(previousMonth('2026-11'), '2026-10');
  });

  it('knows when a month of a dev network’s fast calendar closes (one month per monthMs from the genesis)', () => {
    const epoch = Date.UTC(2026, 10, 20, 4); // 2026-11-20 12:00 in UTC+8: month 2026-11 of the calendar
    const calendar = { monthMs: 60_000, epoch };
    assert.equal(monthClosesAt('2026-11', 480, calendar), epoch + 60_000);
    assert.equal(monthClosesAt('2027-01', 480, calendar), epoch + 3 * 60_000);
  });

  it("parses the arbiter's refund in yuan, refusing anything else", () => {
    assert.equal(parseYuan('20'), 2_000);
    assert.equal(parseYuan(' 20.5 '), 2_050);
    assert.equal(parseYuan('0.07'), 7);
    for (const bad of ['', 'abc', '-1', '1.234', '1e3', '20,5']) assert.equal(parseYuan(bad), undefined, bad);
  });
});
