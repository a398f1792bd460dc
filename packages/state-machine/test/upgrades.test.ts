/**
 * Software upgrades with state migrations (framework/upgrades.ts, docs/decisions/0012): a new chain is born
 * with every upgrade the kernel carries; a chain from before one keeps its old layout and behaviour until
 * governance's height, where the modules' migrations run before the block's transactions. The first
 * upgrade is the items' stock index (`stock-index`): the owner index with the status in its key.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utf8 } from '@hanglian/core';
import {
  appliedUpgrades,
  ExecutionErrors,
  heldStore,
  holdingsStore,
  KERNEL_UPGRADE_NAMES,
  orgParty,
  type ProposalAction,
  STOCK_INDEX_UPGRADE,
  type StateEntry,
  type StateReader,
  standardTestNetwork,
  TestChain,
  testKey,
} from '../src/index.js';
import { assertOk, thrownCode } from './helpers.js';

const admins = {
  brand: testKey('brand/admin'),
  shop: testKey('shop/admin'),
  pay: testKey('pay/admin'),
  reg: testKey('reg/admin'),
};
const brand = testKey('brand/clerk');
const shop = testKey('shop/clerk');
const SKU = 'isbn-9787020002207';
const SHOP = orgParty('shop');

/** Proposes `action` as brand and passes it with the votes of shop, pay and reg. */
function pass(chain: TestChain, action: ProposalAction): void {
  const proposed = assertOk(
    chain.submit(admins.brand, 'governance', 'submitProposal', { title: action.type, action }),
  );
  const { id } = proposed.events[0]!.data as { id: number };
  for (const voter of ['shop', 'pay', 'reg'] as const) {
    const status = chain.query<{ status: string }>('governance', 'proposal', { id }).status;
    if (status !== 'open') break;
    assertOk(chain.submit(admins[voter], 'governance', 'vote', { proposalId: id, vote: 'yes' }));
  }
}

/**
 * Brand mints 40 copies and sells 30 to shop; shop then ships codes 1–12 back out (in transit, still
 * its own): shop's stock is codes 13–30. The same transactions on any chain.
 */
function trade(chain: TestChain): void {
  assertOk(
    chain.submit(brand, 'items', 'registerProduct', {
      sku: SKU,
      name: '红楼梦',
      category: 'books',
      factoryPrice: 3_500,
    }),
  );
  assertOk(chain.submit(brand, 'items', 'mintBatch', { sku: SKU, batch: 'b1', count: 40, site: 'press-1' }));
  assertOk(
    chain.submit(brand, 'distribution', 'ship', {
      shipment: 's1',
      to: 'shop',
      items: { range: { sku: SKU, batch: 'b1', from: 1, to: 30 } },
      where: 'dock',
    }),
  );
  assertOk(
    chain.submit(shop, 'distribution', 'receive', {
      from: 'brand',
      shipment: 's1',
      accept: true,
      where: 'shop',
    }),
  );
  assertOk(
    chain.submit(shop, 'distribution', 'ship', {
      shipment: 'back',
      to: 'brand',
      items: { range: { sku: SKU, batch: 'b1', from: 1, to: 12 } },
      where: 'shop',
    }),
  );
}

const code = (n: number) => `${SKU}:b1:${n}`;

/** Every entry of a store, as ids. */
function ids(chain: TestChain, store: typeof heldStore | typeof holdingsStore): string[] {
  return [...(store as typeof heldStore).entries(chain.state)].map(([id]) => id);
}

/** A reader that counts the entries it hands out of iterations: what a prefix scan really read. */
class CountingReader implements StateReader {
  entriesRead = 0;
  readonly #state: StateReader;
  constructor(state: StateReader) {
    this.#state = state;
  }
  get(key: Uint8Array): Uint8Array | undefined {
    return this.#state.get(key);
  }
  *iterate(prefix: Uint8Array): Iterable<StateEntry> {
    for (const entry of this.#state.iterate(prefix)) {
      this.entriesRead++;
      yield entry;
    }
  }
}

describe('software upgrades with state migrations', () => {
  it('a new chain is born with every upgrade the kernel carries, and writes only the new layout', () => {
    const chain = new TestChain();
    assert.ok(KERNEL_UPGRADE_NAMES.includes(STOCK_INDEX_UPGRADE));
    assert.deepEqual(
      appliedUpgrades(chain.state),
      [...KERNEL_UPGRADE_NAMES].sort().map((name) => ({ name, height: 0 })),
    );
    trade(chain);
    assert.deepEqual(ids(chain, holdingsStore), [], 'the old index is never written');
    const held = ids(chain, heldStore);
    assert.equal(held.length, 30);
    assert.ok(held.includes(`${SHOP}/${SKU}/in-stock/${code(13)}`));
    assert.ok(held.includes(`${SHOP}/${SKU}/in-transit/${code(1)}`));
    assert.equal(chain.kernel.items.method.stock(chain.state, SHOP, SKU), 18);
    assert.deepEqual(chain.kernel.items.method.holdings(chain.state, SHOP, SKU, 3), [
      code(13),
      code(14),
      code(15),
    ]);
  });

  it('a chain from before migrates at the scheduled height: the same index, the same answers, a stock read that skips nothing', () => {
    const old = new TestChain(standardTestNetwork().upgrades([]).build());
    assert.deepEqual(appliedUpgrades(old.state), []);
    trade(old);
    const items = old.kernel.items.method;
    const before = {
      stock: items.stock(old.state, SHOP, SKU),
      first: items.holdings(old.state, SHOP, SKU, 5),
      inTransit: items.holdings(old.state, SHOP, SKU, 100, 'in-transit'),
      holdings: [...holdingsStore.entries(old.state)].map(([id, { status }]) => {
        const [owner, sku, c] = id.split('/') as [string, string, string];
        return `${owner}/${sku}/${status}/${c}`;
      }),
    };
    assert.equal(before.stock, 18);
    assert.deepEqual(before.first, [13, 14, 15, 16, 17].map(code));
    assert.equal(before.holdings.length, 30);
    assert.deepEqual(ids(old, heldStore), []);
    // Before the upgrade, the first copy in stock is found by reading past the copies in transit that come
    // before it in code order (key order: 1, 10, 11, 12, 13, …).
    const firstInStock = before.holdings.findIndex((id) => id.includes('/in-stock/'));
    assert.ok(firstInStock > 1);
    const oldReader = new CountingReader(old.state);
    items.holdings(oldReader, SHOP, SKU, 1);
    assert.equal(oldReader.entriesRead, firstInStock + 1);

    const at = old.height + 10;
    pass(old, { type: 'scheduleUpgrade', name: STOCK_INDEX_UPGRADE, height: at });
    while (old.height < at - 1) old.executeBlock();
    assert.deepEqual(ids(old, heldStore), [], 'nothing moves before the height');
    const upgraded = old.executeBlock();
    assert.equal(old.height, at);
    assert.deepEqual(
      upgraded.blockEvents.map((e) => [e.module, e.name, e.data]),
      [
        ['items', 'holdingsMoved', { upgrade: STOCK_INDEX_UPGRADE, moved: 30 }],
        ['upgrades', 'applied', { upgrade: STOCK_INDEX_UPGRADE, height: at }],
      ],
    );
    assert.deepEqual(appliedUpgrades(old.state), [{ name: STOCK_INDEX_UPGRADE, height: at }]);
    assert.deepEqual(ids(old, holdingsStore), [], 'the old index is emptied');
    assert.deepEqual(ids(old, heldStore), [...before.holdings].sort());
    assert.equal(items.stock(old.state, SHOP, SKU), before.stock);
    assert.deepEqual(items.holdings(old.state, SHOP, SKU, 5), before.first);
    assert.deepEqual(items.holdings(old.state, SHOP, SKU, 100, 'in-transit'), before.inTransit);
    const newReader = new CountingReader(old.state);
    assert.deepEqual(items.holdings(newReader, SHOP, SKU, 1), [code(13)]);
    assert.equal(newReader.entriesRead, 1, 'the stock is one prefix: nothing in transit is read');

    // It runs once: the plan stays recorded, the next blocks migrate nothing.
    assert.deepEqual(old.executeBlock().blockEvents, []);

    // From then on the chain keeps the new index as a chain born with it does.
    const born = new TestChain();
    trade(born);
    for (const chain of [old, born]) {
      assertOk(
        chain.submit(brand, 'distribution', 'receive', {
          from: 'shop',
          shipment: 'back',
          accept: true,
          where: 'dock',
        }),
      );
    }
    assert.deepEqual(ids(old, heldStore), ids(born, heldStore));
    assert.deepEqual(ids(old, holdingsStore), []);
  });

  it('stops on an upgrade this release does not carry, at its height and not before', () => {
    const chain = new TestChain();
    const at = chain.height + 10;
    pass(chain, { type: 'scheduleUpgrade', name: 'v9', height: at });
    while (chain.height < at - 1) chain.executeBlock();
    assert.equal(
      thrownCode(() => chain.executeBlock()),
      ExecutionErrors.UPGRADE_NOT_CARRIED,
    );
    assert.equal(chain.height, at - 1);
  });

  it('refuses a genesis born with an upgrade this release does not carry', () => {
    assert.equal(
      thrownCode(() => new TestChain(standardTestNetwork().upgrades(['v9']).build())),
      ExecutionErrors.UPGRADE_NOT_CARRIED,
    );
    // The state key of the record is the executor's: readable by anyone, like the nonces.
    const chain = new TestChain();
    assert.equal(chain.machine.stateAccess(`upgrades/applied/${STOCK_INDEX_UPGRADE}`), 'public');
    assert.ok(chain.state.get(utf8(`upgrades/applied/${STOCK_INDEX_UPGRADE}`)) !== undefined);
  });
});
