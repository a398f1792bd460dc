/**
 * The console in a real browser against a one-validator devnet with the book story (the node serves the
 * console): the shop front (catalogue ranked by the implementation the shopper picks, switched; the
 * product page with price, stock, provenance, the price composition and the reviews; both languages; a
 * phone screen), item verification (genuine with its proof checked in the browser, a clone, an unknown
 * code, bad input, QR codes), and the block explorer. Screenshots go to artifacts/screenshots.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ed25519Sha256, parseEvidenceBundle, verifyEvidenceBundle } from '@hanglian/core';
import { createClient } from '@hanglian/sdk';
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

/** The code of the copy the demo's consumer bought: its order (public by id) from the demo's steps. */
async function soldCode(api: string, steps: Devnet['steps']): Promise<string> {
  const create = steps.find((step) => step.name.startsWith('a consumer orders'));
  assert.ok(create, 'the demo placed an order');
  const { result } = await createClient({ url: api }).query<{ codes: string[]; status: string } | null>({
    module: 'orders',
    name: 'order',
    params: { id: create.txId.slice(0, 32) },
  });
  assert.ok(result !== null);
  return result.codes[0]!;
}

async function latestTxId(api: string): Promise<string> {
  const client = createClient({ url: api });
  for (let height = (await client.getStatus()).height; height > 0; height--) {
    const results = await client.getBlockResults({ height });
    const first = results.txResults[0];
    if (first !== undefined) return first.txId;
  }
  throw new Error('no transaction on chain');
}

describe('console on a one-validator devnet with the book story', {
  timeout: 360_000,
  ...skipUnlessReady(),
}, () => {
  let devnet: Devnet;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let base: string;

  before(async () => {
    devnet = await startDevnet(1);
    base = devnet.apis[0]!;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    errors = collectPageErrors(page);
  });

  after(async () => {
    await browser?.close();
    await devnet?.stop();
  });

  it('serves the console at / beside the API', async () => {
    const response = await page.goto(`${base}/`);
    assert.equal(response?.status(), 200);
    await page.getByRole('heading', { level: 1 }).waitFor();
    // The API still answers as before.
    const status = (await (await fetch(`${base}/v1/status`)).json()) as { height: number };
    assert.equal(typeof status.height, 'number');
    const missing = await fetch(`${base}/v1/nothing`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { code: string }).code, 'NOT_FOUND');
  });

  it('shows the catalogue ranked by the chosen search implementation, and switches', async () => {
    await page.goto(`${base}/#/shop`);
    await page.getByTestId('listing').first().waitFor();
    assert.match(await text(page.getByTestId('ranker-choice')), /platform-a\.relevance/);
    assert.match(await text(page.getByTestId('listing').first()), /红楼梦/);
    await page.getByTestId('query').fill('红楼');
    await page.getByTestId('search').click();
    await page.getByTestId('ranker-platform-b.bestprice').check();
    await page.getByText(/platform-b\.bestprice, published by platform-b/).waitFor();
    await page.getByTestId('listing').first().waitFor();
    assert.match(await text(page.getByTestId('listing').first()), /¥59\.80/);
    await screenshot(page, 'shop-en');
    // The shopper's own category filter keeps nothing for a category the book is not in.
    await page.getByTestId('categories').fill('stationery');
    await page.getByTestId('search').click();
    await page.getByText(/kept by my filter: stationery/).waitFor();
    await page.getByText(/Nothing matches/).waitFor();
    await page.getByTestId('categories').fill('books');
    await page.getByTestId('search').click();
    await page.getByTestId('listing').first().waitFor();
  });

  it('refuses a search that is too long with a clear message', async () => {
    await page.getByTestId('query').fill('x'.repeat(201));
    await page.getByTestId('search').click();
    await page.getByRole('alert').filter({ hasText: 'at most 200 characters' }).waitFor();
  });

  it('shows the product: price, stock, provenance, who gets what, and the verified review', async () => {
    await page.goto(`${base}/#/product/bookstore%2Fhlm-2026`);
    await page.getByTestId('product-title').waitFor();
    assert.equal(await text(page.getByTestId('price')), '¥59.80');
    assert.match(await text(page.getByTestId('stock')), /in stock/);
    const provenance = await text(page.getByTestId('provenance'));
    assert.match(provenance, /bookpress/);
    assert.match(provenance, /authorised channel/);
    await page.getByTestId('composition-total').waitFor();
    const composition = await text(page.getByTestId('composition'));
    for (const who of ['Merchant', 'Carrier', 'Payment provider', 'Platform', 'Live-stream host']) {
      assert.match(composition, new RegExp(who));
    }
    // Swift Logistics to Beijing: 1,200 + 300 for one item = ¥15.00; the book ¥59.80; total ¥74.80.
    assert.equal(await text(page.getByTestId('composition-total')), '¥74.80');
    await page.getByTestId('reviews').getByText('Beautiful binding').waitFor();
    await page.getByTestId('reviews').getByText('Thank you for reading with us').waitFor();
    await screenshot(page, 'product-en');
    // Another carrier changes the composition.
    await page.getByTestId('carrier').selectOption('carrier-b.economy');
    await page.getByTestId('composition-total').waitFor();
    assert.notEqual(await text(page.getByTestId('composition-total')), '¥74.80');
  });

  it('speaks Chinese after the switch, and keeps it', async () => {
    await page.getByTestId('lang').click();
    await page.getByRole('heading', { name: '价格构成：谁得多少' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: '价格构成：谁得多少' }).waitFor();
    await screenshot(page, 'product-zh');
    await page.getByTestId('lang').click();
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/#/shop`);
    await page.getByTestId('listing').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
    await screenshot(page, 'shop-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('verifies a genuine copy, with its story and the proof checked in the browser', async () => {
    await page.goto(`${base}/#/verify`);
    await page.getByTestId('code').fill('isbn-9787020002207:b2026-11:42');
    await page.getByTestId('verify').click();
    await page.getByTestId('verdict').waitFor();
    assert.equal(await text(page.getByTestId('verdict')), 'Genuine');
    assert.match(await text(page.getByTestId('story')), /Made and coded[\s\S]*Shipped[\s\S]*Received/);
    await page.getByTestId('proof-verdict').waitFor({ timeout: 60_000 });
    assert.match(await text(page.getByTestId('proof-verdict')), /Proof valid/);
    assert.equal(await page.getByTestId('qr').count(), 1);
    await screenshot(page, 'verify-genuine');
  });

  it('detects a clone: the code of the sold copy offered as new by a shop', async () => {
    const sold = await soldCode(base, devnet.steps);
    await page.goto(`${base}/#/verify`);
    await page.getByTestId('code').fill(sold);
    // Scanned with nobody named, the chain still says the copy is someone's already.
    await page.getByTestId('verify').click();
    await page
      .getByTestId('verdict')
      .getByText(/already sold/)
      .waitFor();
    await page.getByTestId('owner-claim').selectOption('org:bookstore');
    await page.getByTestId('verify').click();
    await page.getByTestId('verdict').waitFor();
    assert.match(await text(page.getByTestId('verdict')), /^Clone/);
    assert.match(await text(page.getByTestId('story')), /Sold|Received/);
    await page.getByTestId('proof-verdict').waitFor({ timeout: 60_000 });
    assert.match(await text(page.getByTestId('proof-verdict')), /Proof valid/);
    await screenshot(page, 'verify-clone');
  });

  it('flags a code that was never minted, and explains bad input', async () => {
    await page.goto(`${base}/#/verify/${encodeURIComponent('isbn-9787020002207:b2026-11:20000')}`);
    await page.getByTestId('verdict').waitFor();
    assert.match(await text(page.getByTestId('verdict')), /^Unknown code/);
    await page.getByTestId('code').fill('not a code');
    await page.getByTestId('verify').click();
    await page.getByRole('alert').filter({ hasText: 'should look like sku:batch:serial' }).waitFor();
    await page.getByTestId('code').fill('');
    await page.getByTestId('verify').click();
    await page.getByRole('alert').filter({ hasText: 'Enter an item code' }).waitFor();
  });

  it('prints a sheet of QR codes for a range of items', async () => {
    await page.getByRole('button', { name: 'Make the sheet' }).click();
    await page.getByTestId('qr-sheet').waitFor();
    assert.equal(await page.getByTestId('qr-sheet').getByTestId('qr').count(), 12);
    await screenshot(page, 'verify-qr-sheet');
  });

  it('explores blocks: the block of the order with its transactions, results and checked commit signatures', async () => {
    const create = devnet.steps.find((step) => step.name.startsWith('a consumer orders'));
    await page.goto(`${base}/#/explorer`);
    await page.getByTestId('blocks').waitFor();
    assert.ok((await page.getByTestId('blocks').locator('tbody tr').count()) > 0);
    await screenshot(page, 'explorer-blocks');
    // Jump by transaction id (the demo's order), then to its block.
    const txId = create?.txId ?? (await latestTxId(base));
    await page.getByTestId('jump').fill(txId);
    await page.getByRole('button', { name: 'Go' }).click();
    await page.getByTestId('tx-detail').getByText('committed').waitFor();
    await page.getByTestId('tx-detail').getByRole('link').first().click();
    await page.getByTestId('commit-check').waitFor();
    assert.match(await text(page.getByTestId('commit-check')), /Checked here/);
    assert.ok((await page.getByTestId('tx').count()) >= 1);
    assert.match(await text(page.getByTestId('block')), /hash recomputed/);
    await screenshot(page, 'explorer-block');
    await page.getByTestId('jump').fill('not-a-height');
    await page.getByRole('button', { name: 'Go' }).click();
    await page.getByRole('alert').filter({ hasText: 'Enter a block height' }).waitFor();
  });

  it('shows validators, governance, evidence and the network health', async () => {
    await page.goto(`${base}/#/explorer/validators`);
    await page.getByTestId('validators').waitFor();
    assert.equal(await page.getByTestId('validators').locator('tbody tr').count(), 1);
    await page.goto(`${base}/#/explorer/governance`);
    await page.getByTestId('proposals').waitFor();
    await page.goto(`${base}/#/explorer/evidence`);
    await page.getByTestId('evidence').waitFor();
    await page.goto(`${base}/#/health`);
    await page.getByTestId('health-height').waitFor();
    assert.ok(Number(await text(page.getByTestId('health-height'))) > 0);
    await screenshot(page, 'health');
  });

  it('buys with a browser wallet: order key co-signs, paid, shipped, delivered, confirmed, reviewed, listed', async () => {
    await page.goto(`${base}/#/wallet`);
    await page.getByTestId('wallet-password').fill('short');
    await page.getByTestId('wallet-repeat').fill('short');
    await page.getByTestId('wallet-create-submit').click();
    await page.getByRole('alert').filter({ hasText: 'at least 8 characters' }).waitFor();
    await page.getByTestId('wallet-password').fill('correct horse battery');
    await page.getByTestId('wallet-repeat').fill('correct horse battery');
    await page.getByTestId('wallet-create-submit').click();
    await page.getByTestId('backup').waitFor({ timeout: 30_000 });
    assert.equal((await text(page.getByTestId('backup').locator('code'))).split(' ').length, 24);
    // The seed is stored only encrypted.
    const stored = await page.evaluate(() => localStorage.getItem('hanglian.console.wallet') ?? '');
    assert.match(stored, /"ciphertext"/);
    await page.goto(`${base}/#/product/bookstore%2Fhlm-2026`);
    await page.getByTestId('buy').waitFor();
    await page.getByTestId('buy-submit').click();
    await page.getByRole('alert').filter({ hasText: 'Enter a name' }).waitFor();
    await page.getByTestId('buy-name').fill('王芳 Wang Fang');
    await page.getByTestId('buy-phone').fill('+86 139 0000 0000');
    await page.getByTestId('buy-address').fill('上海市黄浦区南京东路 100 号');
    await page.getByTestId('buy-submit').click();
    await page.getByTestId('order-status').getByText('Placed').waitFor({ timeout: 60_000 });
    await screenshot(page, 'order-placed');
    for (const [step, status] of [
      ['pay', 'Paid into escrow'],
      ['ship', 'Shipped'],
      ['deliver', 'Delivered'],
      ['confirm', 'Completed'],
    ] as const) {
      await page.getByTestId(`order-${step}`).click();
      await page.getByTestId('order-status').getByText(status).waitFor({ timeout: 60_000 });
    }
    // Each step arrived live through the subscription.
    assert.ok((await page.getByTestId('order-events').locator('li').count()) >= 4);
    await page.getByTestId('review-text').fill('Arrived well packed. 包装很好。');
    await page.getByTestId('review-submit').click();
    await page.getByTestId('review-submit').waitFor({ state: 'visible' });
    await screenshot(page, 'order-completed');
    await page.goto(`${base}/#/wallet`);
    await page.getByTestId('purchases').getByText('bookstore/hlm-2026').waitFor();
    assert.match(await text(page.getByTestId('purchases')), /Completed/);
    await screenshot(page, 'wallet');
    await page.goto(`${base}/#/product/bookstore%2Fhlm-2026`);
    await page.getByTestId('reviews').getByText('Arrived well packed').waitFor({ timeout: 30_000 });
  });

  /** The console as `role` (the header's switch), on its company page. */
  const asRole = async (role: string) => {
    await page.getByTestId('role').selectOption(role);
    await page.getByTestId('nav-company').click();
    await page.getByTestId(`company-${role}`).waitFor();
  };
  /** The shopper buys one copy (the wallet is unlocked by the test above); the new order's id. */
  const buyOne = async (session?: string): Promise<string> => {
    await page.getByTestId('role').selectOption('shopper');
    await page.goto(`${base}/#/product/bookstore%2Fhlm-2026`);
    if (session !== undefined) {
      await page.getByTestId('session').selectOption(session);
      await page.getByTestId('composition-total').waitFor();
    }
    await page.getByTestId('buy-name').fill('王芳 Wang Fang');
    await page.getByTestId('buy-phone').fill('+86 139 0000 0000');
    await page.getByTestId('buy-address').fill('上海市黄浦区南京东路 100 号');
    await page.getByTestId('buy-submit').click();
    await page.getByTestId('order-status').getByText('Placed').waitFor({ timeout: 60_000 });
    const id = /#\/order\/([0-9a-f]{32})/.exec(page.url())?.[1];
    assert.ok(id, page.url());
    return id;
  };
  let disputedOrder = '';

  it('the payment provider confirms, the merchant ships and answers a review', async () => {
    // Bought during the host's live session: the order carries the host and its commission.
    const order = await buyOne('host-a/reading-night');
    const placed = await createClient({ url: base }).query<{ host?: string; session?: string }>({
      module: 'orders',
      name: 'order',
      params: { id: order },
    });
    assert.equal(placed.result.host, 'host-a');
    assert.equal(placed.result.session, 'host-a/reading-night');
    const orderUrl = page.url();
    await asRole('payment');
    await page.getByTestId(`confirm-${order}`).click();
    await page.getByTestId('queue-action').getByTestId('act-done').waitFor({ timeout: 60_000 });
    await screenshot(page, 'company-payment');
    await asRole('merchant');
    assert.equal(await page.getByTestId('org').inputValue(), 'bookstore');
    await page.getByTestId('merchant-listings').waitFor();
    assert.match(await text(page.getByTestId('stock-bookstore/hlm-2026')), /^\d+$/);
    await page.getByTestId(`ship-${order}`).click();
    await page.getByTestId('merchant-action').getByTestId('act-done').waitFor({ timeout: 60_000 });
    await page.getByTestId(`ship-${order}`).waitFor({ state: 'detached' });
    // The review the shopper wrote above waits for an answer; an empty answer is refused in words.
    const review = page.getByTestId('review-to-answer').filter({ hasText: 'Arrived well packed' });
    await review.getByTestId('reply-submit').click();
    await review.getByRole('alert').filter({ hasText: 'Write an answer first' }).waitFor();
    await review.getByTestId('reply-text').fill('谢谢惠顾！Thank you, enjoy the book.');
    await screenshot(page, 'company-merchant');
    await review.getByTestId('reply-submit').click();
    await review.waitFor({ state: 'detached', timeout: 60_000 });
    assert.match(await text(page.getByTestId('earnings-paid')), /¥/);
    await page.goto(`${base}/#/product/bookstore%2Fhlm-2026`);
    await page.getByTestId('reviews').getByText('enjoy the book').waitFor({ timeout: 30_000 });
    // The shopper takes the parcel and disputes it: the arbiter's turn below.
    await page.getByTestId('role').selectOption('shopper');
    await page.goto(orderUrl);
    await page.getByTestId('order-deliver').click();
    await page.getByTestId('order-status').getByText('Delivered').waitFor({ timeout: 60_000 });
    await page.getByTestId('order-dispute').click();
    await page.getByTestId('order-status').getByText('With the arbiter').waitFor({ timeout: 60_000 });
    disputedOrder = order;
  });

  it('the arbiter decides a dispute with a split', async () => {
    assert.ok(disputedOrder, 'the test above left a disputed order');
    await asRole('arbiter');
    const row = page.getByTestId('disputed').locator(`[data-order="${disputedOrder}"]`);
    await row.getByTestId('split-refund').fill('lots');
    await row.getByTestId('split-submit').click();
    await page.getByRole('alert').filter({ hasText: 'Enter the refund in yuan' }).waitFor();
    await row.getByTestId('split-refund').fill('9999');
    await row.getByTestId('split-submit').click();
    await page.getByRole('alert').filter({ hasText: 'cannot be more than the total' }).waitFor();
    await row.getByTestId('split-refund').fill('30.00');
    await row.getByTestId('split-items').selectOption('buyer');
    assert.match(await text(row.getByTestId('split-preview')), /Refund ¥30\.00/);
    await screenshot(page, 'company-arbiter');
    await row.getByTestId('split-submit').click();
    await page.getByTestId('queue-action').getByTestId('act-done').waitFor({ timeout: 60_000 });
    await page
      .getByTestId('ended-orders')
      .locator(`[data-order="${disputedOrder}"]`)
      .getByText('Decided by the arbiter')
      .waitFor();
    const { result } = await createClient({ url: base }).query<{
      status: string;
      payouts: { refund: number };
    }>({ module: 'orders', name: 'order', params: { id: disputedOrder } });
    assert.equal(result.status, 'arbitrated');
    assert.equal(result.payouts.refund, 3_000);
  });

  it('the producer mints a batch with progress and sees 带数: the open month and a closed one', async () => {
    await asRole('producer');
    await page.getByTestId('product-card').first().waitFor();
    await page.getByTestId('mint-batch').fill('Bad Batch');
    await page.getByTestId('mint-submit').click();
    await page.getByRole('alert').filter({ hasText: 'A batch id is lower-case' }).waitFor();
    await page.getByTestId('mint-batch').fill('b2027-01');
    await page.getByTestId('mint-count').fill('5000');
    await page.getByTestId('mint-site').fill('Spring Press, Suzhou');
    await page.getByTestId('mint-submit').click();
    await page.getByTestId('producer-action').getByRole('status').first().waitFor();
    await page.getByTestId('producer-action').getByTestId('act-done').waitFor({ timeout: 60_000 });
    await page.getByTestId('batch-b2027-01').waitFor();
    // 带数: the current month is open, with when it closes; the month before is answered (suppressed).
    const note = await text(page.getByTestId('insights-open-note'));
    assert.match(note, /is still open: its figures appear when it closes/);
    await page.getByTestId('insights-total').waitFor({ timeout: 30_000 });
    assert.match(await text(page.getByTestId('insights-total')), /suppressed/);
    await page.getByTestId('insights').scrollIntoViewIfNeeded();
    await screenshot(page, 'company-producer');
    const current = (await page
      .getByTestId('insights-month')
      .locator('option')
      .first()
      .getAttribute('value'))!;
    await page.getByTestId('insights-month').selectOption(current);
    await page.getByTestId('insights-month-open').waitFor();
    await page.getByTestId('lang').click();
    await page.getByText('本月', { exact: false }).first().waitFor();
    await screenshot(page, 'company-producer-zh');
    await page.getByTestId('lang').click();
  });

  it('grants platform B part of the history, which verifies; revoked, the same package is refused', async () => {
    await page.getByTestId('role').selectOption('shopper');
    await page.goto(`${base}/#/wallet`);
    await page.getByTestId('grant-form').waitFor();
    // Personalised ranking from the wallet's own purchases, run in this browser and labelled so.
    await page.goto(`${base}/#/shop`);
    await page.getByTestId('personal').check();
    await page
      .getByTestId('personal-choice')
      .getByText(/books ×\d+/)
      .waitFor({ timeout: 30_000 });
    assert.match(await text(page.getByTestId('personal-choice')), /Personalised locally/);
    await page.getByTestId('listing').first().waitFor();
    await screenshot(page, 'shop-personal');
    await page.goto(`${base}/#/wallet`);
    await page.getByTestId('grant-submit').click();
    await page.getByRole('alert').filter({ hasText: 'Say what the platform may use it for' }).waitFor();
    await page.getByTestId('grant-grantee').selectOption('platform-b');
    await page.getByTestId('grant-categories').fill('books');
    await page.getByTestId('grant-purpose').fill('book recommendations 图书推荐');
    await page.getByTestId('grant-days').fill('400');
    await page.getByTestId('grant-submit').click();
    await page.getByRole('alert').filter({ hasText: 'whole number of days from 1 to 365' }).waitFor();
    await page.getByTestId('grant-days').fill('30');
    await page.getByTestId('grant-submit').click();
    await page.getByTestId('grant-action').getByTestId('act-done').waitFor({ timeout: 60_000 });
    const grant = page.getByTestId('grant').first();
    await grant.getByTestId('grant-status').getByText('active until').waitFor();
    assert.match(await text(grant.getByTestId('grant-covers')), /Of my purchases, [1-9]\d* fall within it/);
    await grant.getByTestId('grant-share').click();
    await grant.getByTestId('grant-package').waitFor({ timeout: 60_000 });
    const pkg = await grant.getByTestId('grant-package').inputValue();
    assert.match(pkg, /"grantSignature"/);
    await screenshot(page, 'wallet-grants');

    const verifyAsPlatformB = async () => {
      await asRole('platform');
      await page.getByTestId('org').selectOption('platform-b');
      await page.getByTestId('package-text').fill(pkg);
      await page.getByTestId('package-verify').click();
    };
    await verifyAsPlatformB();
    await page.getByTestId('package-accepted').waitFor({ timeout: 60_000 });
    assert.match(await text(page.getByTestId('package-accepted')), /Accepted: [1-9]\d* orders/);
    await page.getByTestId('package-check').scrollIntoViewIfNeeded();
    await screenshot(page, 'grantee-accepted');
    // Bad input says what is wrong.
    await page.getByTestId('package-text').fill('{"hello": 1}');
    await page.getByTestId('package-verify').click();
    await page.getByTestId('package-refused').getByText('This is not a share package').waitFor();

    await page.getByTestId('role').selectOption('shopper');
    await page.goto(`${base}/#/wallet`);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByTestId('grant').first().getByTestId('grant-revoke').click();
    await page.getByTestId('grant-action').getByTestId('act-done').waitFor({ timeout: 60_000 });
    await page.getByTestId('grant').first().getByTestId('grant-status').getByText('revoked').waitFor();
    await verifyAsPlatformB();
    await page.getByTestId('package-refused').getByText('SDK_GRANT_INACTIVE').waitFor({ timeout: 60_000 });
    await screenshot(page, 'grantee-refused');
  });

  it('exports an evidence bundle of a transaction from the explorer, which verifies offline', async () => {
    const create = devnet.steps.find((step) => step.name.startsWith('a consumer orders'));
    const txId = create?.txId ?? (await latestTxId(base));
    await page.getByTestId('role').selectOption('regulator');
    await page.goto(`${base}/#/explorer/tx/${txId}`);
    await page.getByTestId('evidence-export').waitFor();
    assert.equal(await page.getByTestId('evidence-txs').inputValue(), txId);
    await page.getByTestId('evidence-submit').click();
    await page.getByRole('alert').filter({ hasText: 'Give the case a title' }).waitFor();
    await page.getByTestId('evidence-title').fill('order dispute 订单纠纷');
    await page.getByTestId('evidence-paths').fill('not a path');
    await page.getByTestId('evidence-submit').click();
    await page.getByRole('alert').filter({ hasText: 'Not a state path' }).waitFor();
    await page.getByTestId('evidence-paths').fill('items/products/isbn-9787020002207');
    await page.getByTestId('evidence-submit').click();
    await page.getByTestId('evidence-ready').waitFor({ timeout: 60_000 });
    await screenshot(page, 'explorer-evidence');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('evidence-download').click(),
    ]);
    const path = await download.path();
    const bundle = parseEvidenceBundle(JSON.parse(readFileSync(path, 'utf8')));
    assert.equal(bundle.title, 'order dispute 订单纠纷');
    assert.equal(bundle.items.length, 2);
    const verified = verifyEvidenceBundle(bundle, ed25519Sha256);
    assert.ok(verified.ok, JSON.stringify(verified.checks.filter((c) => !c.ok)));
  });

  it('logged no errors', () => {
    assert.deepEqual(errors, []);
  });
});
