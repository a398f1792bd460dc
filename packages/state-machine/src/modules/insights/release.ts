/**
 * Which numbers of a producer's month may be released: small-group suppression over one tree of cells
 * (producer → SKU → region → day), where a parent's number is the sum of its parts. Pure functions of the
 * counts and the minimum group size `k`; the README states the rule and what it guarantees.
 *
 * The rule, for every node of the tree:
 *   1. A node with fewer than `k` orders is suppressed.
 *   2. The breakdown of a suppressed node is never listed.
 *   3. The breakdown of a released node is listed whole (every part, released or suppressed) or withheld
 *      whole. It is listed when no part is small, or when the small parts (fewer than `k` orders each)
 *      are safe to leave as the difference between the parent and the released parts: at least two of
 *      them, at least `k` orders together, and strictly between one and `k - 1` orders each on average
 *      (`n < sum < n × (k - 1)`). Otherwise it is withheld: the parent's number alone is released.
 *
 * Why no complementary suppression (hiding a large part beside a small one): which large part is hidden
 * depends on the values, and an attacker who knows the rule can run it on every candidate history; our
 * property test found such a choice pinning both hidden parts. With rule 3 the hidden parts are exactly
 * the small ones, and every split of their known sum into `n` parts of 1 … k - 1 orders answers the same;
 * the bounds on the sum leave each part at least two possible values. A suppressed part's own parts are
 * never listed, so no further equation narrows it.
 */
import type { Tally } from './stores.js';

/** A node of counts: its key (SKU, region, day; the producer at the root), its tally and its parts. */
export interface CountNode {
  readonly key: string;
  readonly tally: Tally;
  /** Parts with at least one order, in key order. */
  readonly parts: readonly CountNode[];
}

export type ReleasedTally =
  | { readonly suppressed: false; readonly orders: number; readonly units: number; readonly amount: number }
  | { readonly suppressed: true };

export interface ReleasedNode {
  readonly key: string;
  readonly value: ReleasedTally;
  /**
   * The parts, when the breakdown is listed; absent when the node is suppressed, when it has no parts,
   * or when its breakdown is withheld (`withheld: true`).
   */
  readonly parts?: readonly ReleasedNode[];
  readonly withheld?: true;
}

const SUPPRESSED: ReleasedTally = { suppressed: true };

/**
 * True when the small parts `parts` (each fewer than `k` orders) may be left suppressed under a released
 * parent whose other parts are released: their sum is then known, and must not pin any of them.
 */
export function safeSuppression(parts: readonly CountNode[], k: number): boolean {
  if (parts.length === 0) return true;
  const n = parts.length;
  const orders = parts.reduce((sum, p) => sum + p.tally.orders, 0);
  return n >= 2 && orders >= k && n < orders && orders < n * (k - 1);
}

/** The released view of a tree of counts under minimum group size `k`. */
export function releaseTree(root: CountNode, k: number): ReleasedNode {
  if (root.tally.orders < k) return { key: root.key, value: SUPPRESSED };
  return released(root, k);
}

function released(node: CountNode, k: number): ReleasedNode {
  const value: ReleasedTally = {
    suppressed: false,
    orders: node.tally.orders,
    units: node.tally.units,
    amount: node.tally.amount,
  };
  if (node.parts.length === 0) return { key: node.key, value };
  const hidden = suppressedParts(node.parts, k);
  if (hidden === undefined) return { key: node.key, value, withheld: true };
  return {
    key: node.key,
    value,
    parts: node.parts.map((part) =>
      hidden.has(part) ? { key: part.key, value: SUPPRESSED } : released(part, k),
    ),
  };
}

/** The small parts to suppress under a released parent; `undefined` when they are not safe (withheld). */
function suppressedParts(parts: readonly CountNode[], k: number): Set<CountNode> | undefined {
  const small = parts.filter((p) => p.tally.orders < k);
  return safeSuppression(small, k) ? new Set(small) : undefined;
}
