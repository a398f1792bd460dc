/**
 * The whole story clicked through for a NEW product on a one-validator devnet (the demo's organisations
 * and implementations; a product the demo does not have): the publisher registers the product, mints a
 * batch, authorises the bookstore and ships it named codes twice; the bookstore refuses one shipment and
 * receives the other, lists the product and edits the listing; a host features it in a live session; a
 * shopper finds it by search and buys it in the session with the browser wallet; the payment provider
 * confirms and the bookstore ships in their company pages; the shopper takes delivery, confirms and
 * reviews on the order page; the copy verifies as genuine, then as a clone when a shop offers it. Bad
 * input is refused in words at each form. Screenshots of each page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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

const SKU = 'isbn-9787544253994';
const OLD_SKU = 'isbn-9787020002207';
const BATCH = 'b2027-solitude';
const LISTING = 'bookstore/solitude-2027';
const SESSION = 'host-a/solitude-night';
const REVIEW = 'A book to read twice. 值得读两遍。';

/** A `datetime-local` value (this machine's time zone, as the browser's). */
function localDateTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

describe('the book story clicked through for a new product', {
  timeout: 300_000,
  ...skipUnlessReady(),
}, () => {
  let devnet: Devnet;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let base: string;
  let order = '';
  let orderUrl = '';

  before(async () => {
    devnet = await startDevnet(1);
    base = devnet.apis[0]!;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    errors = collectPageErrors(page);
    await page.goto(`${base}/#/shop`);
    await page.getByTestId('listing').first().waitFor();
  });

  after(async () => {
    await browser?.close();
    await devnet?.stop();
  });

  const asRole = async (role: string) => {
    await page.getByTestId('role').selectOption(role);
    await page.getByTestId('nav-company').click();
    await page.getByTestId(`company-${role}`).waitFor();
  };
  const alert = (hasText: string | RegExp) => page.getByRole('alert').filter({ hasText }).first().waitFor();
  const done = (area: string, hasText: string) =>
    page.getByTestId(area).getByTestId('act-done').filter({ hasText }).waitFor({ timeout: 60_000 });

  it('the producer registers the product, with clear errors first', async () => {
    await asRole('producer');
    assert.equal(await page.getByTestId('org').inputValue(), 'bookpress');
    await page.getByTestId('register-form').waitFor();
    await page.getByTestId('register-submit').click();
    await alert('Enter the SKU or ISBN');
    await page.getByTestId('register-sku').fill('ISBN 978-7-5442');
    await page.getByTestId('register-submit').click();
    await alert('is not a SKU');
    await page.getByTestId('register-sku').fill(OLD_SKU);
    await page.getByTestId('register-name').fill('红楼梦');
    await page.getByTestId('register-category').fill('books');
    await page.getByTestId('register-price').fill('thirty');
    await page.getByTestId('register-submit').click();
    await alert('factory price in yuan');
    await page.getByTestId('register-price').fill('35');
    await page.getByTestId('register-submit').click();
    await alert(`${OLD_SKU} is already registered (by bookpress)`);
    await page.getByTestId('register-sku').fill(SKU);
    await page.getByTestId('register-name').fill('百年孤独 One Hundred Years of Solitude');
    await page.getByTestId('register-price').fill('39.50');
    await page.getByTestId('register-attributes').fill('author Gabriel García Márquez');
    await page.getByTestId('register-submit').click();
    await alert('key=value');
    await page.getByTestId('register-attributes').fill('author=Gabriel García Márquez\ntranslator=范晔');
    await screenshot(page, 'story-producer-register');
    await page.getByTestId('register-submit').click();
    await done('register-action', `${SKU} registered`);
    await page.getByTestId('product-card').filter({ hasText: SKU }).getByText('¥39.50').waitFor();
  });

  it('mints a batch, authorises the bookstore and ships it named codes', async () => {
    await page.getByTestId('mint-sku').selectOption(SKU);
    await page.getByTestId('mint-batch').fill(BATCH);
    await page.getByTestId('mint-count').fill('100');
    await page.getByTestId('mint-site').fill('Nanhai Press, Haikou');
    await page.getByTestId('mint-submit').click();
    await done('producer-action', `batch ${BATCH}`);
    await page.getByTestId(`batch-${BATCH}`).waitFor();

    await page.getByTestId('channel-org').selectOption('bookstore');
    // Authorising again replaces the terms, as the form says: the bookstore keeps the first book too.
    assert.match(await text(page.getByTestId('channel-replaces')), new RegExp(`authorised for ${OLD_SKU}`));
    await page.getByTestId('channel-skus').fill(`${OLD_SKU}, ${SKU}`);
    await page.getByTestId('channel-regions').fill('CN');
    await page.getByTestId('channel-submit').click();
    await done('producer-action', 'bookstore');
    await page.getByTestId('channels').getByText(SKU).waitFor();

    await page.getByTestId('range-sku').selectOption(SKU);
    assert.equal(await page.getByTestId('range-batch').inputValue(), BATCH);
    await page.getByTestId('ship-id').fill('wholesale-solitude');
    await page.getByTestId('ship-to').selectOption('bookstore');
    await page.getByTestId('ship-mode').selectOption('codes');
    await page.getByTestId('ship-codes').fill('1-10, eleven');
    await page.getByTestId('ship-where').fill('Nanhai Press dock 2');
    await page.getByTestId('ship-submit').click();
    await alert('“eleven” is not a code');
    await page.getByTestId('ship-codes').fill(`1-10, ${SKU}:${BATCH}:15`);
    await page.getByTestId('ship-form').scrollIntoViewIfNeeded();
    await screenshot(page, 'story-producer-ship-codes');
    await page.getByTestId('ship-submit').click();
    await done('producer-action', 'Shipping to bookstore');
    // A second shipment, which the bookstore will refuse.
    await page.getByTestId('ship-id').fill('wholesale-extra');
    await page.getByTestId('ship-codes').fill('20-21');
    await page.getByTestId('ship-submit').click();
    const api = createClient({ url: base });
    for (let tries = 0; ; tries++) {
      const { result } = await api.query<{ state: { status: string } } | null>({
        module: 'items',
        name: 'item',
        params: { code: `${SKU}:${BATCH}:21` },
      });
      if (result?.state.status === 'in-transit') break;
      assert.ok(tries < 100, 'the second shipment left');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });

  it('the merchant refuses one shipment, receives the other, lists the product and edits the listing', async () => {
    await asRole('merchant');
    assert.equal(await page.getByTestId('org').inputValue(), 'bookstore');
    const row = page.getByTestId('inbox-row').filter({ hasText: 'wholesale-solitude' });
    await row.waitFor();
    assert.match(await text(row), /11 items/);
    await row.getByTestId('inbox-receive').click();
    await alert('Say where the items arrive');
    await page.getByTestId('inbox-where').fill('Riverside Books warehouse');
    await screenshot(page, 'story-merchant-inbox');
    page.once('dialog', (dialog) => void dialog.accept());
    await page
      .getByTestId('inbox-row')
      .filter({ hasText: 'wholesale-extra' })
      .getByTestId('inbox-refuse')
      .click();
    await done('inbox-action', 'Refusing bookpress/wholesale-extra');
    await page.getByTestId('inbox-row').filter({ hasText: 'wholesale-extra' }).waitFor({ state: 'detached' });
    await row.getByTestId('inbox-receive').click();
    await done('inbox-action', 'Receiving bookpress/wholesale-solitude');
    await page.getByTestId('inbox-none').waitFor();
    await page.getByTestId('listing-held').getByText(SKU).waitFor();

    await page.getByTestId('listing-id').fill('hlm-2026');
    await page.getByTestId('listing-sku').fill(SKU);
    await page.getByTestId('listing-title').fill('百年孤独 (范晔 translation, hardcover)');
    await page.getByTestId('listing-price').fill('forty-five');
    await page.getByTestId('listing-submit').click();
    await alert('You already have a listing hlm-2026');
    await page.getByTestId('listing-id').fill('solitude-2027');
    await page.getByTestId('listing-submit').click();
    await alert('Enter the price in yuan');
    await page.getByTestId('listing-price').fill('45');
    await page.getByTestId('listing-submit').click();
    await alert('at least one carrier');
    await page.getByTestId('listing-carriers-carrier-a').check();
    await page.getByTestId('listing-carriers-carrier-b').check();
    await page.getByTestId('listing-submit').click();
    await alert('where it ships from');
    await page.getByTestId('listing-ships-from').fill('CN-31');
    await page.getByTestId('listing-commission').fill('10');
    await page.getByTestId('listing-form').scrollIntoViewIfNeeded();
    await screenshot(page, 'story-merchant-listing-form');
    await page.getByTestId('listing-submit').click();
    await done('listing-action', `Listing ${LISTING}`);
    // Stock is live: the 11 copies received.
    await page.getByTestId(`stock-${LISTING}`).getByText('11', { exact: true }).waitFor();

    await page.getByTestId(`edit-${LISTING}`).click();
    await page.getByTestId('edit-price').fill('0');
    await page.getByTestId('edit-submit').click();
    await alert('Enter the price in yuan');
    await page.getByTestId('edit-price').fill('42');
    await screenshot(page, 'story-merchant-listing-edit');
    await page.getByTestId('edit-submit').click();
    await done('edit-action', `Updating ${LISTING}`);
    await page.getByTestId(`price-${LISTING}`).getByText('¥42.00').waitFor();
    await page.getByTestId('edit-cancel').click();
    await page.getByTestId('listing-edit-form').waitFor({ state: 'detached' });
  });

  it('a host features it in a live session', async () => {
    await asRole('host');
    await page.getByTestId('session-form').waitFor();
    await page.getByTestId('session-id').fill('solitude-night');
    await page.getByTestId('session-title').fill('魔幻现实之夜 Magic realism night');
    const now = Date.now();
    await page.getByTestId('session-starts').fill(localDateTime(now));
    await page.getByTestId('session-ends').fill(localDateTime(now - 3_600_000));
    await page.getByTestId(`session-listings-${LISTING}`).check();
    await page.getByTestId('session-submit').click();
    await alert('end after it starts');
    await page.getByTestId('session-ends').fill(localDateTime(now + 24 * 3_600_000));
    await page.getByTestId(`session-listings-${LISTING}`).uncheck();
    await page.getByTestId('session-submit').click();
    await alert('Feature at least one listing');
    await page.getByTestId(`session-listings-${LISTING}`).check();
    await page.getByTestId('session-submit').click();
    await done('session-action', `Announcing ${SESSION}`);
    const row = page.locator(`[data-session="${SESSION}"]`);
    await row.getByText('live now').waitFor();
    assert.match(await text(row), /solitude-2027 \(10%\)/);
    await screenshot(page, 'story-host-sessions');
    await page.getByTestId('lang').click();
    await page.getByRole('heading', { name: '公布一场直播' }).waitFor();
    await screenshot(page, 'story-host-sessions-zh');
    await page.getByTestId('lang').click();
  });

  it('the shopper finds it by search and buys it in the session with the wallet', async () => {
    await page.getByTestId('role').selectOption('shopper');
    await page.goto(`${base}/#/wallet`);
    await page.getByTestId('wallet-password').fill('correct horse battery');
    await page.getByTestId('wallet-repeat').fill('correct horse battery');
    await page.getByTestId('wallet-create-submit').click();
    await page.getByTestId('backup').waitFor({ timeout: 30_000 });
    await page.goto(`${base}/#/shop`);
    await page.getByTestId('query').fill('百年孤独');
    await page.getByTestId('search').click();
    const card = page.getByTestId('listing').filter({ hasText: '百年孤独' });
    await card.waitFor();
    assert.match(await text(card), /¥42\.00/);
    await screenshot(page, 'story-shop-search');
    await card.getByRole('link').first().click();
    await page.getByTestId('product-title').waitFor();
    assert.equal(await text(page.getByTestId('price')), '¥42.00');
    assert.match(await text(page.getByTestId('provenance')), /authorised channel/);
    await page.getByTestId('session').selectOption(SESSION);
    await page.getByTestId('composition-total').waitFor();
    await page.getByTestId('buy-name').fill('李雷 Li Lei');
    await page.getByTestId('buy-phone').fill('+86 138 0000 0000');
    await page.getByTestId('buy-address').fill('北京市海淀区中关村大街 1 号');
    await screenshot(page, 'story-product');
    await page.getByTestId('buy-submit').click();
    await page.getByTestId('order-status').getByText('Placed').waitFor({ timeout: 60_000 });
    orderUrl = page.url();
    order = /#\/order\/([0-9a-f]{32})/.exec(orderUrl)?.[1] ?? '';
    assert.ok(order, orderUrl);
    const placed = await createClient({ url: base }).query<{ host?: string; session?: string; sku: string }>({
      module: 'orders',
      name: 'order',
      params: { id: order },
    });
    assert.equal(placed.result.sku, SKU);
    assert.equal(placed.result.session, SESSION);
  });

  it('paid and shipped in the company pages, delivered, confirmed and reviewed on the order page', async () => {
    assert.ok(order, 'the test above placed an order');
    await asRole('payment');
    await page.getByTestId(`confirm-${order}`).click();
    await done('queue-action', 'Confirm payment');
    await asRole('merchant');
    // The order reserved one of the 11 copies.
    await page.getByTestId(`stock-${LISTING}`).getByText('10', { exact: true }).waitFor();
    await page.getByTestId(`ship-${order}`).click();
    await done('merchant-action', 'Ship');
    await page.getByTestId(`ship-${order}`).waitFor({ state: 'detached' });
    await page.getByTestId('role').selectOption('shopper');
    await page.goto(orderUrl);
    await page.getByTestId('order-status').getByText('Shipped').waitFor({ timeout: 60_000 });
    for (const [step, status] of [
      ['deliver', 'Delivered'],
      ['confirm', 'Completed'],
    ] as const) {
      await page.getByTestId(`order-${step}`).click();
      await page.getByTestId('order-status').getByText(status).waitFor({ timeout: 60_000 });
    }
    await page.getByTestId('review-text').fill(REVIEW);
    await page.getByTestId('review-submit').click();
    await screenshot(page, 'story-order-completed');
    await page.goto(`${base}/#/product/${encodeURIComponent(LISTING)}`);
    await page.getByTestId('reviews').getByText('A book to read twice').waitFor({ timeout: 30_000 });
    const { result } = await createClient({ url: base }).query<{ status: string; payouts: { host: number } }>(
      {
        module: 'orders',
        name: 'order',
        params: { id: order },
      },
    );
    assert.equal(result.status, 'completed');
    assert.ok(result.payouts.host > 0, 'the host was paid its commission');
  });

  it('the copy verifies as genuine, and as a clone when a shop offers it', async () => {
    await page.goto(orderUrl);
    await page.getByTestId('order-status').getByText('Completed').waitFor({ timeout: 60_000 });
    await page.locator(`a[href^="#/verify/${SKU}"]`).first().click();
    await page.getByTestId('verdict').waitFor();
    assert.equal(await text(page.getByTestId('verdict')), 'Genuine');
    assert.match(await text(page.getByTestId('story')), /Made and coded[\s\S]*Shipped[\s\S]*Received/);
    await page.getByTestId('owner-claim').selectOption('org:bookstore');
    await page.getByTestId('verify').click();
    await page
      .getByTestId('verdict')
      .getByText(/^Clone/)
      .waitFor();
    await page.getByTestId('proof-verdict').waitFor({ timeout: 60_000 });
    assert.match(await text(page.getByTestId('proof-verdict')), /Proof valid/);
    await screenshot(page, 'story-verify-clone');
  });

  it('logged no errors', () => {
    assert.deepEqual(errors, []);
  });
});
