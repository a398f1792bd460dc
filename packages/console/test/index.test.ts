/**
 * The console on the index, in a browser: a one-validator devnet with the book story and the market
 * (`devnet --demo --market`, a 30-second month), `hanglian index` beside it, and the console told where
 * it is by its node (`devnet --index-url`, served as `/console/config.json`). A shopper searches in Chinese and English, filters, sorts and pages; a merchant reads
 * its report over time; a producer's 带数 dashboard shows a closed month of real, released aggregates.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePortRange } from '@hanglian/testkit';
import type { Browser, Page } from 'playwright-core';
import { CLI, collectPageErrors, launchBrowser, screenshot, skipUnlessReady, text } from './helpers.js';

/** Spawns the CLI and resolves with the first JSON line for which `pick` returns a value. */
function spawnUntil<T>(
  args: string[],
  pick: (event: Record<string, unknown>) => T | undefined,
): { child: ChildProcess; ready: Promise<T>; lines: Array<Record<string, unknown>> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: Array<Record<string, unknown>> = [];
  const ready = new Promise<T>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const event = JSON.parse(line) as Record<string, unknown>;
        lines.push(event);
        const value = pick(event);
        if (value !== undefined) resolve(value);
      }
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited (${code}) too early`)));
  });
  return { child, ready, lines };
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe('console on the index, with the market', { timeout: 600_000, ...skipUnlessReady() }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-console-index-'));
  // The devnet's node (p2p, API) and the index, all held free a moment before they start.
  let ports: number;
  let indexPort: number;
  let devnet: ReturnType<typeof spawnUntil<string>>;
  let indexer: ReturnType<typeof spawnUntil<true>>;
  let api: string;
  let base: string;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  before(async () => {
    ports = await freePortRange(3);
    indexPort = ports + 2;
    devnet = spawnUntil(
      [
        'devnet',
        '--dir',
        dir,
        '--validators',
        '1',
        '--demo',
        '--market',
        '--market-orders',
        '360',
        '--calendar-month-seconds',
        '30',
        '--json',
        '--base-port',
        String(ports),
        '--log-level',
        'error',
        // The node tells its console where the index is (`/console/config.json`): no `?index=` needed.
        '--index-url',
        `http://127.0.0.1:${indexPort}`,
      ],
      (e) => (e.event === 'node' ? (e.api as string) : undefined),
    );
    api = await devnet.ready;
    indexer = spawnUntil(
      ['index', '--network', dir, '--org', 'regulator', '--port', String(indexPort), '--json'],
      (e) => (e.event === 'listening' ? true : undefined),
    );
    await indexer.ready;
    // The market's orders are done (and the index has followed them) before the pages are read.
    const deadline = Date.now() + 420_000;
    while (!devnet.lines.some((e) => e.event === 'market-done')) {
      if (Date.now() > deadline) throw new Error('the market did not finish');
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const { height } = (await (await fetch(`${api}/v1/status`)).json()) as { height: number };
    for (;;) {
      const status = (await (await fetch(`http://127.0.0.1:${indexPort}/v1/index/status`)).json()) as {
        height: number;
      };
      if (status.height >= height) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const config = (await (await fetch(`${api}/console/config.json`)).json()) as { index: string | null };
    assert.equal(config.index, `http://127.0.0.1:${indexPort}`);
    base = `${api}/`;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB' });
    errors = collectPageErrors(page);
  });

  after(async () => {
    await browser?.close();
    await stopChild(indexer?.child);
    await stopChild(devnet?.child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('searches the catalogue as the shopper types, in Chinese and English, with categories, sorting and pages', async () => {
    await page.goto(`${base}#/shop`);
    await page.getByTestId('index-query').waitFor();
    const count = () => text(page.getByTestId('result-count'));
    await page.getByTestId('index-results').waitFor();
    assert.match(await count(), /^48[01] listings · page 1 of 2[01]$/);
    // Waits until the page shows `n` results whose titles all match `pattern` (the search runs as typed).
    const showsOnly = (n: number, pattern: string) =>
      page.waitForFunction(
        ([want, source]) => {
          const titles = [...document.querySelectorAll('[data-testid="listing"] h3')].map(
            (h) => h.textContent ?? '',
          );
          const counted = document.querySelector('[data-testid="result-count"]')?.textContent ?? '';
          return (
            counted.startsWith(`${want} listings`) &&
            titles.length === want &&
            titles.every((title) => new RegExp(source as string, 'i').test(title))
          );
        },
        [n, pattern] as const,
      );
    await page.getByTestId('index-query').fill('龙井');
    await showsOnly(10, '龙井');
    await page.getByTestId('index-query').fill('mechanical KEYBOARD');
    await showsOnly(10, 'mechanical keyboard');
    await page.getByTestId('index-query').fill('');
    await page.getByTestId('category-tea').click();
    await page.waitForFunction(() =>
      /^80 listings · page 1 of 4$/.test(
        document.querySelector('[data-testid="result-count"]')?.textContent ?? '',
      ),
    );
    await page.getByTestId('index-sort').selectOption('price-asc');
    await page.waitForFunction(() => {
      const prices = [...document.querySelectorAll('[data-testid="price"]')].map((p) =>
        Number(p.getAttribute('data-fen')),
      );
      return prices.length === 24 && prices.every((p, i) => i === 0 || prices[i - 1]! <= p);
    });
    const firstPage = await page.getByTestId('price').first().getAttribute('data-fen');
    await page.getByTestId('page-next').click();
    await page.waitForFunction(() =>
      /page 2 of 4$/.test(document.querySelector('[data-testid="result-count"]')?.textContent ?? ''),
    );
    const secondPage = await page.getByTestId('price').first().getAttribute('data-fen');
    assert.ok(Number(secondPage) >= Number(firstPage), 'page 2 starts where page 1 ended');
    assert.equal(await page.getByTestId('cover').count(), 24, 'every card has its drawn cover');
    await screenshot(page, 'index-shop-tea-by-price');
    // The listing opens on its product page, read from the chain.
    await page.getByTestId('listing').first().locator('h3 a').click();
    await page.waitForURL(/#\/product\//);
  });

  it('shows a merchant its report over time, read members-only from the index', async () => {
    await page.goto(`${base}#/shop`);
    await page.getByTestId('role').selectOption('merchant');
    await page.getByTestId('org').selectOption('shop-tea');
    await page.getByTestId('nav-company').click();
    await page.getByTestId('index-report').waitFor({ timeout: 60_000 });
    await page.getByTestId('report-interval').selectOption('month');
    await page.getByTestId('report-row').first().waitFor();
    const rows = await page.getByTestId('report-row').allTextContents();
    assert.ok(rows.length >= 1);
    const orders = await page.getByTestId('report-row').locator('td:nth-child(2)').allTextContents();
    const total = orders.reduce((n, o) => n + Number(o), 0);
    assert.ok(total > 0, `shop-tea's report counts its orders (${total})`);
    assert.match(await text(page.getByTestId('report-earnings').first()), /¥/);
    await screenshot(page, 'index-merchant-report');
  });

  it('shows a producer’s 带数 dashboard with released aggregates of a closed month', async () => {
    await page.goto(`${base}#/shop`);
    await page.getByTestId('role').selectOption('producer');
    await page.getByTestId('org').selectOption('tea-house');
    await page.getByTestId('nav-company').click();
    await page.getByTestId('insights').waitFor({ timeout: 60_000 });
    await page.getByTestId('insights-measure').selectOption('demand');
    // The months of the market: the closed ones are listed after the open one; find one with data.
    const months = await page
      .getByTestId('insights-month')
      .locator('option')
      .evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));
    let released = 0;
    for (const month of months.slice(1, 6)) {
      await page.getByTestId('insights-month').selectOption(month);
      await page.waitForTimeout(1_500);
      released = await page.locator('[data-testid="chart-row"][data-suppressed="false"]').count();
      if (released > 0) break;
    }
    assert.ok(released > 0, 'a closed month shows at least one released (unsuppressed) group');
    await screenshot(page, 'index-insights-tea-house');
    assert.deepEqual(errors, []);
  });
});
