/**
 * Smoke test of the console on the README's network: four validators as processes (`hanglian devnet
 * --demo`), each serving the console. A shopper on node 2 sees the book; the explorer on node 3 shows four
 * validators and a block whose commit signatures it checks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  collectPageErrors,
  type Devnet,
  launchBrowser,
  screenshot,
  skipUnlessReady,
  startDevnet,
  text,
} from './helpers.js';

describe('console on a 4-validator devnet', { timeout: 300_000, ...skipUnlessReady() }, () => {
  let devnet: Devnet;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  before(async () => {
    devnet = await startDevnet(4);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    errors = collectPageErrors(page);
  });

  after(async () => {
    await browser?.close();
    await devnet?.stop();
  });

  it('every node serves the console; the shop on one node lists the book', async () => {
    assert.equal(devnet.apis.length, 4);
    for (const api of devnet.apis) {
      assert.equal((await fetch(`${api}/`)).status, 200);
      // No index was named (`devnet --index-url`): the console must not go looking for one.
      assert.deepEqual(await (await fetch(`${api}/console/config.json`)).json(), { index: null });
    }
    await page.goto(`${devnet.apis[1]}/#/shop`);
    await page.getByTestId('listing').first().waitFor();
    assert.match(await text(page.getByTestId('listing').first()), /红楼梦/);
  });

  it('the explorer on another node shows four validators and checks a commit of 3 or 4 signatures', async () => {
    const base = devnet.apis[2]!;
    await page.goto(`${base}/#/explorer/validators`);
    await page.getByTestId('validators').waitFor();
    assert.equal(await page.getByTestId('validators').locator('tbody tr').count(), 4);
    await screenshot(page, 'devnet-validators');
    await page.goto(`${base}/#/explorer/block/3`);
    await page.getByTestId('commit-check').waitFor();
    assert.match(await text(page.getByTestId('commit-check')), /Checked here/);
    await page.goto(`${base}/#/health`);
    await page.getByTestId('health-height').waitFor();
    assert.match(await text(page.getByTestId('health')), /Connected member nodes/);
    await screenshot(page, 'devnet-health');
  });

  it('verifies a copy with its proof checked against the 4-validator commits', async () => {
    await page.goto(`${devnet.apis[3]}/#/verify/${encodeURIComponent('isbn-9787020002207:b2026-11:42')}`);
    await page.getByTestId('proof-verdict').waitFor({ timeout: 60_000 });
    assert.match(await text(page.getByTestId('proof-verdict')), /Proof valid/);
  });

  it('logged no errors', () => {
    assert.deepEqual(errors, []);
  });
});
