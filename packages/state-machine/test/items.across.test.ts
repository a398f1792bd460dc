/**
 * Items across linked chains: codes sent by their owner are locked (`abroad`) on the source and appear on
 * the destination with their product and origin; sent back they come home; a refused or timed-out
 * transfer brings them back in stock; a code is never live on two chains at once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeaderSigner, ItemsErrors, type ItemView, type TestChain, testKey } from '../src/index.js';
import { assertFails, assertOk } from './helpers.js';
import { admit, newChain, REMOTE_SET, relayPacket, relayReceipt } from './linkedChains.helpers.js';

const SKU = 'isbn-9787020002207';
const code = (n: number) => `${SKU}:b1:${n}`;
const brand = testKey('brand/clerk');
const shop = testKey('shop/clerk');

function mint(chain: TestChain) {
  assertOk(
    chain.submit(brand, 'items', 'registerProduct', {
      sku: SKU,
      name: '红楼梦',
      category: 'books',
      factoryPrice: 3_500,
    }),
  );
  assertOk(chain.submit(brand, 'items', 'mintBatch', { sku: SKU, batch: 'b1', count: 10, site: 'press' }));
}

function linked() {
  const home = newChain('home');
  const away = newChain('away');
  const homeSigner = new HeaderSigner(home, REMOTE_SET);
  const awaySigner = new HeaderSigner(away, ['away/v1', 'away/v2', 'away/v3']);
  admit(away, home, homeSigner);
  admit(home, away, awaySigner);
  mint(home);
  // Heights of each chain the other has verified so far (the relayer's bases).
  const trusted = { home: 0, away: 0 };
  const toAway = (sequence: number) => {
    const r = relayPacket(homeSigner, away, sequence, trusted.home);
    assertOk(r.update);
    trusted.home = r.proofHeight;
    return r.receive;
  };
  const backHome = (sequence: number) => {
    const height = away.height;
    const r = relayReceipt(awaySigner, home, sequence, trusted.away);
    trusted.away = height;
    return r.acknowledge;
  };
  const toHome = (sequence: number) => {
    const r = relayPacket(awaySigner, home, sequence, trusted.away);
    assertOk(r.update);
    trusted.away = r.proofHeight;
    return r.receive;
  };
  return { home, away, toAway, backHome, toHome };
}

const item = (chain: TestChain, n: number) =>
  chain.query<ItemView | null>('items', 'item', { code: code(n) });
const verdict = (chain: TestChain, n: number) =>
  chain.query<{ verdict: string; flags: string[] }>('items', 'verify', { code: code(n) });
const send = (
  chain: TestChain,
  signer: typeof brand,
  codes: number[],
  to: string,
  dest: string,
  extra = {},
) =>
  chain.submit(signer, 'items', 'sendAcross', {
    codes: codes.map(code),
    destChain: dest,
    to,
    timeoutHeight: 10_000,
    ...extra,
  });

describe('items across chains', () => {
  it('locks the codes at home, makes them live away with their origin, and brings them home again', () => {
    const { home, away, toAway, backHome, toHome } = linked();
    assertOk(send(home, brand, [1, 2], 'shop', 'away'));
    assert.equal(item(home, 1)!.state.status, 'abroad');
    assert.ok(verdict(home, 1).flags.includes('abroad'));
    assertFails(
      home.submit(brand, 'items', 'recordEvent', {
        items: { codes: [code(1)] },
        bizStep: 'packing',
        where: 'dock',
        why: 'x',
      }),
      ItemsErrors.ITEMS_ABROAD,
    );
    assertOk(toAway(1));
    const there = item(away, 1)!;
    assert.deepEqual([there.state.owner, there.state.status], ['org:shop', 'in-stock']);
    assert.equal(there.product.origin, 'home');
    assert.equal(there.batch.origin, 'home');
    assert.equal(verdict(away, 3).verdict, 'unknown', 'only the codes that arrived exist away');
    assertOk(backHome(1));
    assert.equal(item(home, 1)!.state.status, 'abroad', 'delivered: still locked at home');
    // Shop sends code 1 back to brand at home.
    assertOk(send(away, shop, [1], 'brand', 'home'));
    assert.equal(item(away, 1)!.state.status, 'abroad');
    assertOk(toHome(1));
    const back = item(home, 1)!;
    assert.deepEqual([back.state.owner, back.state.status], ['org:brand', 'in-stock']);
    assert.equal(item(home, 2)!.state.status, 'abroad', 'code 2 stayed away');
  });

  it('a timed-out transfer brings the items back in stock at home', () => {
    const { home, away, toAway, backHome } = linked();
    assertOk(send(home, brand, [3], 'shop', 'away', { timeoutHeight: away.height + 2 }));
    away.advance(3);
    assertOk(toAway(1));
    assert.equal(item(away, 3), null);
    assertOk(backHome(1));
    const back = item(home, 3)!;
    assert.deepEqual([back.state.owner, back.state.status], ['org:brand', 'in-stock']);
  });

  it('a code live on the destination already is refused there, and comes back at home', () => {
    const { home, away, toAway, backHome } = linked();
    mint(away); // the same codes minted on the other chain: they are live there
    assertOk(send(home, brand, [4], 'shop', 'away'));
    assertOk(toAway(1));
    const receipt = away.query<{ status: string; code: string }>('interchain', 'receipt', {
      chainId: 'home',
      sequence: 1,
    });
    assert.deepEqual([receipt.status, receipt.code], ['failed', ItemsErrors.ITEMS_LIVE_HERE]);
    assertOk(backHome(1));
    assert.equal(item(home, 4)!.state.status, 'in-stock');
  });

  it('only items in stock, owned and held by the sender, go across', () => {
    const { home } = linked();
    assertFails(send(home, shop, [5], 'shop', 'away'), ItemsErrors.ITEMS_NOT_MOVABLE);
    assertFails(send(home, brand, [5], 'shop', 'nowhere'), 'INTERCHAIN_UNKNOWN_CHAIN');
  });
});
