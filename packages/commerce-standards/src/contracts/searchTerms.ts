/**
 * Text helpers shared by the search contracts (bundled into each). Matching is by case-insensitive
 * substring, not by words: Chinese titles carry no spaces (“三体全集”), and a substring test is the same in
 * every JavaScript engine, unlike locale-aware comparisons, which a deterministic contract must avoid.
 */
/** The query's terms: lower case, split on white space and commas, empty ones dropped. */
export function termsOf(query: string): string[] {
  return query
    .toLowerCase()
    .split(/[\s,，]+/)
    .filter((term) => term.length > 0);
}

/** Listings in the given order with repeated ids dropped (the answer must not repeat an id). */
export function distinctById<T extends { readonly id: string }>(listings: readonly T[]): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const listing of listings) {
    if (seen.has(listing.id)) continue;
    seen.add(listing.id);
    out.push(listing);
  }
  return out;
}

/** Code-unit order of two strings: a total order that does not depend on the engine's locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
