/**
 * `hanglian bench --search` (also `npm run bench -- --search`): a personalised search as a wallet runs it,
 * 1,000 candidates with a 500-purchase history, in Node and in headless Chromium, beside the 200 ms target
 * and the machine's limits. `--runs N` (default 20), `--json`; `HANGLIAN_CHROMIUM` names the browser
 * (default /usr/bin/chromium; without one the browser part is skipped and says so).
 */
import { existsSync } from 'node:fs';
import { benchmarkSearch, SEARCH_TARGET_MS } from './search.js';

const args = process.argv.slice(2);
const runsFlag = args.indexOf('--runs');
const runs = runsFlag >= 0 ? Number(args[runsFlag + 1]) : args.includes('--quick') ? 5 : 20;
const chromiumPath = process.env.HANGLIAN_CHROMIUM ?? '/usr/bin/chromium';
const chromium = existsSync(chromiumPath) ? chromiumPath : undefined;
const report = await benchmarkSearch({ runs, chromium });
if (args.includes('--json')) {
  console.log(JSON.stringify({ part: 'search', targetMs: SEARCH_TARGET_MS, ...report }));
} else {
  const r = report.request;
  console.log(`search: commerce.search/2 run in the wallet on ${report.machine}`);
  console.log(
    `load average ${report.loadAverage.join(' / ')} (1/5/15 min) on ${report.machine.split(' ')[0]} cores: figures under load are slower`,
  );
  console.log(
    `request: ${r.listings} candidates, ${r.purchases} purchases, ${r.reviews} reviews (${(r.bytes / 1024).toFixed(0)} KiB of JSON); target ${SEARCH_TARGET_MS} ms in the browser`,
  );
  console.log(
    `engine preparation (once per process or page): Node ${report.engineMs.node.toFixed(0)} ms` +
      (report.engineMs.chromium === undefined ? '' : `, Chromium ${report.engineMs.chromium.toFixed(0)} ms`),
  );
  console.log(
    `${'where'.padEnd(9)} ${'platform'.padEnd(22)} ${'median'.padStart(8)} ${'p95'.padStart(8)} ${'max'.padStart(8)} ${'gas'.padStart(12)} matches`,
  );
  for (const t of report.timings) {
    console.log(
      `${t.where.padEnd(9)} ${t.platform.padEnd(22)} ${`${t.medianMs.toFixed(1)} ms`.padStart(8)} ${`${t.p95Ms.toFixed(1)} ms`.padStart(8)} ${`${t.maxMs.toFixed(1)} ms`.padStart(8)} ${t.gasUsed.toLocaleString('en').padStart(12)} ${t.matches}`,
    );
  }
  if (chromium === undefined) console.log(`no Chromium at ${chromiumPath}: the browser part was skipped`);
  else if (report.chromium !== undefined) console.log(`browser: Chromium ${report.chromium} (headless)`);
  const browser = report.timings.filter((t) => t.where === 'chromium');
  if (browser.length > 0) {
    const worst = Math.max(...browser.map((t) => t.p95Ms));
    console.log(
      worst <= SEARCH_TARGET_MS
        ? `within the target: p95 ${worst.toFixed(1)} ms ≤ ${SEARCH_TARGET_MS} ms in the browser`
        : `OVER the target: p95 ${worst.toFixed(1)} ms > ${SEARCH_TARGET_MS} ms in the browser`,
    );
  }
}
