/**
 * The release rule of insights (src/modules/insights/release.ts) over random months of orders:
 *   - every released number is exact and counts at least k orders;
 *   - a suppressed node's breakdown is never listed;
 *   - under every released node, the listed suppressed parts are exactly its small parts, and safe: none,
 *     or at least two, at least k orders together, n < sum < n × (k − 1);
 *   - no suppressed part is pinned: for each, some other history (orders moved between it and another
 *     suppressed part) gives exactly the same answer with a different count in that part. That is the
 *     attacker's view: a history that answers the same cannot be told apart.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type CountNode, type ReleasedNode, releaseTree, safeSuppression } from '../src/index.js';

interface Sale {
  /** sku, region, day */
  readonly path: readonly [string, string, string];
  readonly units: number;
}

function tree(sales: readonly Sale[], depth = 0, key = 'producer'): CountNode {
  const tally = {
    orders: sales.length,
    units: sales.reduce((s, o) => s + o.units, 0),
    amount: sales.reduce((s, o) => s + o.units * 250, 0),
  };
  if (depth === 3) return { key, tally, parts: [] };
  const groups = new Map<string, Sale[]>();
  for (const sale of sales) {
    const part = sale.path[depth]!;
    groups.set(part, [...(groups.get(part) ?? []), sale]);
  }
  const parts = [...groups.keys()].sort().map((part) => tree(groups.get(part)!, depth + 1, part));
  return { key, tally, parts };
}

const view = (sales: readonly Sale[], k: number) => releaseTree(tree(sales), k);

interface Listed {
  /** Path of keys below the root. */
  readonly path: readonly string[];
  readonly node: ReleasedNode;
  readonly parent: ReleasedNode;
}

/** Every listed suppressed part (its parent released), with its path. */
function suppressedParts(root: ReleasedNode, prefix: string[] = []): Listed[] {
  const out: Listed[] = [];
  for (const part of root.parts ?? []) {
    const path = [...prefix, part.key];
    if (part.value.suppressed) out.push({ path, node: part, parent: root });
    else out.push(...suppressedParts(part, path));
  }
  return out;
}

const under = (sale: Sale, path: readonly string[]) => path.every((key, i) => sale.path[i] === key);

/**
 * Moves `count` orders from under `from` to under `to` (into a leaf `to` already has), starting at the
 * donor order `pick`, keeping at least one order under `from`; undefined when it cannot.
 */
function move(
  sales: readonly Sale[],
  from: readonly string[],
  to: readonly string[],
  count: number,
  pick: number,
) {
  const donors = sales.map((s, i) => [s, i] as const).filter(([s]) => under(s, from));
  const target = sales.find((s) => under(s, to));
  if (donors.length <= count || target === undefined) return undefined;
  const next = [...sales];
  for (let n = 0; n < count; n++) {
    const [moved, index] = donors[(pick + n) % donors.length]!;
    next[index] = { path: target.path, units: moved.units };
  }
  return next;
}

/** Listed suppressed parts checked so far (the generator must reach them, or the property is empty). */
let checkedParts = 0;

function checkRelease(sales: readonly Sale[], k: number): void {
  const truth = tree(sales);
  const released = releaseTree(truth, k);
  const walk = (node: ReleasedNode, counts: CountNode) => {
    assert.equal(node.key, counts.key);
    if (node.value.suppressed) {
      assert.equal(node.parts, undefined, `suppressed ${node.key} lists no breakdown`);
      return;
    }
    assert.ok(node.value.orders >= k, `released ${node.key} has ${node.value.orders} ≥ ${k} orders`);
    assert.deepEqual(
      [node.value.orders, node.value.units, node.value.amount],
      [counts.tally.orders, counts.tally.units, counts.tally.amount],
    );
    if (node.parts === undefined) return;
    assert.equal(node.parts.length, counts.parts.length, 'a listed breakdown is whole');
    const hidden = counts.parts.filter((_, i) => node.parts![i]!.value.suppressed);
    assert.deepEqual(
      hidden,
      counts.parts.filter((p) => p.tally.orders < k),
      'only small parts are suppressed',
    );
    assert.ok(safeSuppression(hidden, k), `the suppressed parts of ${node.key} are safe`);
    node.parts.forEach((part, i) => {
      walk(part, counts.parts[i]!);
    });
  };
  if (truth.tally.orders > 0) walk(released, truth);
  const answer = JSON.stringify(released);
  for (const { path, parent } of suppressedParts(released)) {
    const siblings = (parent.parts ?? []).filter((p) => p.value.suppressed && p.key !== path.at(-1));
    const base = path.slice(0, -1);
    let ambiguous = false;
    search: for (const sibling of siblings) {
      const other = [...base, sibling.key];
      for (const [from, to] of [
        [other, path],
        [path, other],
      ] as const) {
        for (let count = 1; count < 20; count++) {
          for (let pick = 0; pick < 3; pick++) {
            const moved = move(sales, from, to, count, pick);
            if (moved !== undefined && JSON.stringify(view(moved, k)) === answer) {
              ambiguous = true;
              break search;
            }
          }
        }
      }
    }
    assert.ok(ambiguous, `suppressed ${path.join('/')} is pinned by the answer ${answer}`);
    checkedParts++;
  }
}

const saleArb = fc.record({
  path: fc.tuple(
    fc.constantFrom('sku-a', 'sku-b', 'sku-c'),
    fc.constantFrom('CN-11', 'CN-31', 'CN-44', 'CN-65'),
    fc.constantFrom('2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05'),
  ),
  units: fc.integer({ min: 1, max: 3 }),
});

describe('insights release rule', () => {
  it('suppresses small groups, completes the suppression of every listed breakdown, and pins nothing', () => {
    fc.assert(
      fc.property(fc.array(saleArb, { maxLength: 60 }), fc.integer({ min: 2, max: 7 }), (sales, k) => {
        checkRelease(sales, k);
      }),
      { numRuns: 400, seed: 20_260_301 },
    );
    assert.ok(checkedParts > 100, `only ${checkedParts} suppressed parts were checked`);
  });

  it('one small region beside a large one: the breakdown is withheld, so nothing is subtracted out', () => {
    const sales: Sale[] = [
      ...Array.from({ length: 9 }, (): Sale => ({ path: ['sku-a', 'CN-11', '2026-03-01'], units: 1 })),
      { path: ['sku-a', 'CN-31', '2026-03-01'], units: 1 },
    ];
    const released = view(sales, 5);
    assert.deepEqual(released.value, { suppressed: false, orders: 10, units: 10, amount: 2_500 });
    const sku = released.parts![0]!;
    assert.equal(sku.value.suppressed, false);
    assert.equal(sku.withheld, true);
    assert.equal(sku.parts, undefined);
    checkRelease(sales, 5);
  });

  it('two small regions that are safe together are listed as suppressed beside the large one', () => {
    const at = (region: string, n: number) =>
      Array.from({ length: n }, (): Sale => ({ path: ['sku-a', region, '2026-03-01'], units: 1 }));
    const sales = [...at('CN-11', 9), ...at('CN-31', 2), ...at('CN-44', 3)];
    const sku = view(sales, 5).parts![0]!;
    assert.deepEqual(
      sku.parts!.map((r) => [r.key, r.value.suppressed ? 'suppressed' : r.value.orders]),
      [
        ['CN-11', 9],
        ['CN-31', 'suppressed'],
        ['CN-44', 'suppressed'],
      ],
    );
    // Two parts of 4 orders each would be pinned (both must be 4 = k - 1): withheld instead.
    const pinned = [...at('CN-11', 9), ...at('CN-31', 4), ...at('CN-44', 4)];
    assert.equal(view(pinned, 5).parts![0]!.withheld, true);
    checkRelease(sales, 5);
    checkRelease(pinned, 5);
  });

  it('a breakdown where every part holds one order is withheld, not listed', () => {
    const days = ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05'];
    const sales = days.map((day): Sale => ({ path: ['sku-a', 'CN-11', day], units: 1 }));
    const region = view(sales, 5).parts![0]!.parts![0]!;
    assert.deepEqual(region.value, { suppressed: false, orders: 5, units: 5, amount: 1_250 });
    assert.equal(region.withheld, true);
    assert.equal(region.parts, undefined);
  });

  it('fewer than k orders in all: only "suppressed", no breakdown', () => {
    const sales: Sale[] = [{ path: ['sku-a', 'CN-11', '2026-03-01'], units: 2 }];
    assert.deepEqual(view(sales, 2), { key: 'producer', value: { suppressed: true } });
  });
});
