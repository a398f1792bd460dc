/**
 * The standards and the reference implementations without a chain: definitions valid, every implementation
 * passes its standard's vectors in the sandbox (`runConformanceLocally`, the registration's own checks),
 * pricing and ranking rules, broken implementations refused, bundles reproducible.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { runConformanceLocally } from '@hanglian/contract-sdk/testing';
import { checkStandardDefinition } from '@hanglian/state-machine';
import { bundleContract, PACKAGE_ROOT } from '../src/bundle.js';
import { COMMERCE_STANDARDS, commerceGenesisSection } from '../src/genesis.js';
import { buildReferenceImplementations, REFERENCE_IMPLEMENTATION_SPECS } from '../src/references.js';
import { INVENTORY_STANDARD } from '../src/standards/inventory.js';
import { PAYMENT_STANDARD } from '../src/standards/payment.js';
import { SEARCH_STANDARD } from '../src/standards/search.js';
import { BROKEN, CATALOGUE, callLocally, HISTORY, QUERY, valueLocally } from './fixtures.js';

describe('commerce standards: definitions', () => {
  it('defines the five standards with the method shapes the orders module is written against', () => {
    const shapes = COMMERCE_STANDARDS.map((s) => ({
      id: s.id,
      roles: s.implementerRoles,
      methods: s.methods.map((m) => [m.name, m.params.map((p) => p.name), m.readOnly]),
    }));
    assert.deepEqual(shapes, [
      { id: 'commerce.inventory/1', roles: ['merchant'], methods: [['choose', ['request'], true]] },
      { id: 'commerce.payment/1', roles: ['payment'], methods: [['fee', ['request'], true]] },
      { id: 'commerce.logistics/1', roles: ['carrier'], methods: [['quote', ['request'], true]] },
      { id: 'commerce.search/1', roles: ['platform'], methods: [['rank', ['request'], true]] },
      { id: 'commerce.search/2', roles: ['platform'], methods: [['rank', ['request'], true]] },
    ]);
    const fields = (schema: unknown) => Object.keys((schema as { properties: object }).properties).sort();
    const method = (i: number) => COMMERCE_STANDARDS[i]!.methods[0]!;
    assert.deepEqual(fields(method(0).params[0]!.schema), ['available', 'listing', 'quantity', 'sku']);
    assert.deepEqual(fields(method(0).output), ['codes']);
    assert.deepEqual(fields(method(1).params[0]!.schema), ['amount']);
    assert.deepEqual(fields(method(1).output), ['fee']);
    assert.deepEqual(fields(method(2).params[0]!.schema), ['fromRegion', 'items', 'toRegion', 'weightGrams']);
    assert.deepEqual(fields(method(2).output), ['days', 'fee']);
    assert.deepEqual(fields(method(3).params[0]!.schema), ['history', 'listings', 'query']);
    assert.deepEqual(fields(method(3).output), ['ids']);
    assert.deepEqual(fields(method(4).params[0]!.schema), ['context', 'listings', 'query', 'time']);
    assert.deepEqual(fields(method(4).output), ['ids']);
  });

  it('passes the registry’s own checks of a definition (schemas in the subset, a vector per method)', () => {
    for (const standard of COMMERCE_STANDARDS) checkStandardDefinition(standard);
  });

  it('gives every caller its own copy of the genesis section', () => {
    const first = commerceGenesisSection();
    first.standards![0]!.vectors.length = 0;
    assert.equal(commerceGenesisSection().standards![0]!.vectors.length, INVENTORY_STANDARD.vectors.length);
  });
});

describe('commerce standards: every reference implementation passes its vectors locally', () => {
  for (const spec of REFERENCE_IMPLEMENTATION_SPECS) {
    it(`${spec.id} (${spec.standard}, ${spec.org})`, async () => {
      const implementation = buildReferenceImplementations().find((i) => i.id === spec.id)!;
      const standard = COMMERCE_STANDARDS.find((s) => s.id === spec.standard)!;
      const report = await runConformanceLocally({
        standard,
        source: implementation.source,
        implementationId: spec.id,
      });
      assert.deepEqual(
        report.vectors.map((v) => [v.vector, v.passed, v.failure]),
        standard.vectors.map((v) => [v.name, true, undefined]),
      );
    });
  }

  it('search, payment and logistics each have two implementations by different organisations', () => {
    for (const standard of [
      'commerce.search/1',
      'commerce.search/2',
      'commerce.payment/1',
      'commerce.logistics/1',
    ]) {
      const orgs = new Set(
        REFERENCE_IMPLEMENTATION_SPECS.filter((s) => s.standard === standard).map((s) => s.org),
      );
      assert.ok(orgs.size >= 2, `${standard}: ${[...orgs].join(', ')}`);
    }
  });
});

describe('commerce standards: broken implementations fail their vectors', () => {
  const failures = async (standard: typeof PAYMENT_STANDARD, source: string) => {
    const report = await runConformanceLocally({ standard, source });
    assert.equal(report.passed, false);
    return report.vectors.filter((v) => !v.passed).map((v) => v.vector);
  };

  it('a payment whose minimum fee exceeds a small amount', async () => {
    assert.deepEqual(await failures(PAYMENT_STANDARD, BROKEN.paymentUncappedMinimum()), [
      'the smallest payment costs exactly its amount (a minimum fee is capped)',
    ]);
  });

  it('an inventory that returns codes the merchant does not hold', async () => {
    assert.deepEqual(await failures(INVENTORY_STANDARD, BROKEN.inventoryInventsCode()), [
      'chooses the only available code',
      'chooses every code when all are needed, in the order given',
      'refuses when too few codes are available',
      'refuses when nothing is in stock',
    ]);
  });

  it('a search that adds a listing it was not given', async () => {
    assert.deepEqual(await failures(SEARCH_STANDARD, BROKEN.searchSponsored()), [
      'an empty catalogue ranks nothing',
      'an exact match is returned, once, and nothing that was not given',
      'an exact match is returned whatever the history',
    ]);
  });
});

describe('reference implementations: rules', () => {
  const choose = (quantity: number, available: string[]) =>
    callLocally('fifo', 'choose', [{ listing: 'shop/tea', sku: 'tea', quantity, available }]);

  it('fifo takes the first available codes in key order and refuses too few', async () => {
    const available = ['tea:b1:1', 'tea:b1:2', 'tea:b2:1', 'tea:b2:2'];
    const two = await choose(2, available);
    assert.deepEqual(two.ok && two.value, { codes: ['tea:b1:1', 'tea:b1:2'] });
    const tooFew = await choose(5, available);
    assert.equal(tooFew.ok ? 'OK' : tooFew.code, 'CONTRACT_THREW');
    assert.match(tooFew.ok ? '' : tooFew.message, /only 4 of 5 items of shop\/tea in stock/);
  });

  it('paybank-a charges 0.6 % rounded up; paybank-b 1 % within 0.50 … 20.00, capped at the amount', async () => {
    const fee = async (id: string, amount: number) =>
      (await valueLocally<{ fee: number }>(id, 'fee', [{ amount }])).fee;
    const amounts = [1, 30, 100, 12_900, 300_000, 1_000_000];
    const a = await Promise.all(amounts.map((amount) => fee('paybank-a.payment', amount)));
    const b = await Promise.all(amounts.map((amount) => fee('paybank-b.payment', amount)));
    assert.deepEqual(a, [1, 1, 1, 78, 1_800, 6_000]);
    assert.deepEqual(b, [1, 30, 50, 129, 2_000, 2_000]);
  });

  it('carrier-a express: 12.00 + 3.00 an item, one day in a region, two across', async () => {
    const quote = (items: number, fromRegion: string, toRegion: string) =>
      valueLocally('carrier-a.express', 'quote', [{ items, weightGrams: 900 * items, fromRegion, toRegion }]);
    assert.deepEqual(await quote(1, 'CN-31', 'CN-31'), { fee: 1_500, days: 1 });
    assert.deepEqual(await quote(3, 'CN-31', 'CN-11'), { fee: 2_100, days: 2 });
    const abroad = await callLocally('carrier-a.express', 'quote', [
      { items: 1, weightGrams: 100, fromRegion: 'CN-31', toRegion: 'JP-13' },
    ]);
    assert.equal(abroad.ok ? 'OK' : abroad.code, 'CONTRACT_THREW');
  });

  it('carrier-b economy: a zone table plus 1.00 a started kilogram; cheaper and slower than express', async () => {
    const quote = (weightGrams: number, fromRegion: string, toRegion: string) =>
      valueLocally('carrier-b.economy', 'quote', [{ items: 1, weightGrams, fromRegion, toRegion }]);
    assert.deepEqual(await quote(900, 'CN-31', 'CN-31'), { fee: 500, days: 2 });
    assert.deepEqual(await quote(2_500, 'CN-31', 'CN-33'), { fee: 900, days: 3 });
    assert.deepEqual(await quote(900, 'CN-31', 'CN-11'), { fee: 900, days: 4 });
    assert.deepEqual(await quote(900, 'CN-31', 'CN-65'), { fee: 1_100, days: 6 });
    assert.deepEqual(await quote(0, 'CN-44', 'CN-11'), { fee: 1_000, days: 6 });
    // Names that are properties of every JavaScript object are not regions.
    for (const region of ['__proto__', 'toString', 'CN']) {
      const outcome = await callLocally('carrier-b.economy', 'quote', [
        { items: 1, weightGrams: 100, fromRegion: 'CN-31', toRegion: region },
      ]);
      assert.equal(outcome.ok ? 'OK' : outcome.code, 'CONTRACT_THREW', region);
    }
  });

  it('the two platforms rank the same catalogue differently; the filter keeps the given order', async () => {
    const rank = async (id: string, query: string, listings = CATALOGUE, history?: typeof HISTORY) =>
      (
        await valueLocally<{ ids: string[] }>(id, 'rank', [
          { query, listings, ...(history ? { history } : {}) },
        ])
      ).ids;
    const relevance = await rank('platform-a.relevance', QUERY);
    const bestprice = await rank('platform-b.bestprice', QUERY);
    // Every match has both words in its title (20 points): in stock first, then cheaper first.
    assert.deepEqual(relevance, [
      'outlet/three-body',
      'shop/three-body',
      'stationer/notebook',
      'shop/three-body-collector',
    ]);
    assert.notDeepEqual(relevance, bestprice);
    // Authorised first, then cheaper; the sold-out box is left out, the outlet (串货) comes last.
    assert.deepEqual(bestprice, ['shop/three-body', 'stationer/notebook', 'outlet/three-body']);
    // Personalised: the stationery buyer (3 purchases: +6) sees the notebook first.
    const personal = await rank('platform-a.relevance', QUERY, CATALOGUE, HISTORY);
    assert.deepEqual(personal, [
      'stationer/notebook',
      'outlet/three-body',
      'shop/three-body',
      'shop/three-body-collector',
    ]);
    assert.deepEqual([...personal].sort(), [...relevance].sort(), 'history reorders, never adds or drops');
    // The platform-b answer ignores history: the same for everyone.
    assert.deepEqual(await rank('platform-b.bestprice', QUERY, CATALOGUE, HISTORY), bestprice);
    // A consumer composes: platform-a's ranking, then their own filter to books only.
    const ranked = relevance.map((id) => CATALOGUE.find((l) => l.id === id)!);
    assert.deepEqual(
      await rank('filter.category', 'Books', ranked),
      relevance.filter((id) => CATALOGUE.find((l) => l.id === id)!.category === 'books'),
    );
    assert.deepEqual(await rank('filter.category', 'toys, stationery', CATALOGUE), [
      'stationer/notebook',
      'toyshop/robot',
    ]);
    assert.deepEqual(await rank('filter.category', '', CATALOGUE), []);
  });
});

describe('bundles are reproducible', () => {
  it('the same bytes on every build and from any working directory', () => {
    const first = buildReferenceImplementations();
    for (const spec of REFERENCE_IMPLEMENTATION_SPECS) {
      assert.equal(
        bundleContract(`${PACKAGE_ROOT}${spec.entry}`),
        first.find((i) => i.id === spec.id)!.source,
      );
    }
    const script = `import('${PACKAGE_ROOT}dist/src/index.js').then((m) => console.log(JSON.stringify(m.buildReferenceImplementations().map((i) => [i.id, i.codeHash]))))`;
    const elsewhere = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: tmpdir(),
        encoding: 'utf8',
      }),
    );
    assert.deepEqual(
      elsewhere,
      first.map((i) => [i.id, i.codeHash]),
    );
    for (const implementation of first) {
      assert.ok(!implementation.source.includes(PACKAGE_ROOT), 'no absolute paths in a bundle');
      assert.ok(
        implementation.source.length < 8 * 1024,
        `${implementation.id}: ${implementation.source.length} B`,
      );
    }
  });
});
