/**
 * Personalised ranking run locally: the wallet's own purchases (which only it can list) give how often
 * the shopper bought in each category, and the chosen implementation's results are re-ordered by that in
 * this browser. Nothing about the purchases leaves the browser; the node only ever saw the plain search.
 */
import { myPurchases } from './grants.js';

/** How many units the wallet bought in each category (orders that were cancelled or refunded left out). */
export async function myCategoryCounts(): Promise<Map<string, number>> {
  const purchases = await myPurchases();
  const counts = new Map<string, number>();
  for (const { order } of purchases) {
    if (order.status === 'cancelled' || order.status === 'refunded') continue;
    // The category came in the order's bucket answer: asking a product per SKU would tell the node which
    // SKUs this wallet bought (docs/privacy.md, discovery).
    const category = typeof order.category === 'string' ? order.category : '';
    if (category !== '') counts.set(category, (counts.get(category) ?? 0) + order.quantity);
  }
  return counts;
}

/**
 * Re-orders `ranked` (the implementation's order) so listings in categories bought more often come
 * first; within a category, and among categories never bought, the implementation's order is kept.
 */
export function personalRank<T extends { category: string }>(
  ranked: readonly T[],
  counts: ReadonlyMap<string, number>,
): T[] {
  return ranked
    .map((listing, index) => ({ listing, index, weight: counts.get(listing.category) ?? 0 }))
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((entry) => entry.listing);
}
