/**
 * `platform-b.discover` (commerce.search/2): what is new in the categories you buy, at prices like yours. A
 * listing matches when any query term is in its title or category (an empty query matches everything);
 * sold-out listings are left out. Points: 20 when the consumer bought in the listing's category before; 10
 * when the product is one they never bought (discovery, not a repeat); 10 when it was listed within the 30
 * days before `time`; 15 when its price is inside the band of what they paid in that category (the lowest
 * price paid less a quarter to the highest plus a quarter); outside-channel listings (串货) lose 30.
 * Merchants and reviews play no part: that is platform A's way. Ties: newer listing first, cheaper, id.
 */
import { defineContract } from '@hanglian/contract-sdk';
import type { PersonalSearchRequest, PersonalSearchResult } from '../standards/personalSearch.js';
import { compareText, distinctById, termsOf } from './searchTerms.js';

const CATEGORY_POINTS = 20;
const NEW_TO_YOU_POINTS = 10;
const RECENT_POINTS = 10;
const PRICE_BAND_POINTS = 15;
const OUTSIDE_CHANNEL_POINTS = -30;
const RECENT_MS = 30 * 86_400_000;

export default defineContract({
  rank(request: PersonalSearchRequest): PersonalSearchResult {
    const terms = termsOf(request.query);
    const bands = new Map<string, { low: number; high: number }>();
    const bought = new Set<string>();
    for (const purchase of request.context.purchases) {
      bought.add(purchase.sku);
      const category = purchase.category.toLowerCase();
      const band = bands.get(category);
      if (band === undefined) bands.set(category, { low: purchase.price, high: purchase.price });
      else {
        band.low = Math.min(band.low, purchase.price);
        band.high = Math.max(band.high, purchase.price);
      }
    }
    const scored = [];
    for (const listing of distinctById(request.listings)) {
      if (listing.stock === 0) continue;
      const category = listing.category.toLowerCase();
      const text = `${listing.title}\n${category}`.toLowerCase();
      if (terms.length > 0 && !terms.some((term) => text.indexOf(term) >= 0)) continue;
      let score = 0;
      const band = bands.get(category);
      if (band !== undefined) {
        score += CATEGORY_POINTS;
        // Integer bounds: a quarter below the lowest and above the highest price paid.
        if (listing.price * 4 >= band.low * 3 && listing.price * 4 <= band.high * 5)
          score += PRICE_BAND_POINTS;
      }
      if (!bought.has(listing.sku)) score += NEW_TO_YOU_POINTS;
      if (listing.createdAt <= request.time && request.time - listing.createdAt <= RECENT_MS) {
        score += RECENT_POINTS;
      }
      if (listing.channel === 'outside-channel') score += OUTSIDE_CHANNEL_POINTS;
      scored.push({ listing, score });
    }
    scored.sort(
      (a, b) =>
        b.score - a.score ||
        b.listing.createdAt - a.listing.createdAt ||
        a.listing.price - b.listing.price ||
        compareText(a.listing.id, b.listing.id),
    );
    return { ids: scored.map((entry) => entry.listing.id) };
  },
});
