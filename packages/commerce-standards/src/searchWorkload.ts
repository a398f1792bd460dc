/**
 * A synthetic personalised-search request of any size, made from a seed: the catalogue of a market (six
 * categories, a dozen merchants, titles in Chinese and English) and a wallet's context (purchases, reviews,
 * grants). For the benchmark (`hanglian bench --search`) and tests that need the standard's largest request:
 * 1,000 candidates and 500 purchases. Deterministic: the same seed gives the same request.
 */
import type {
  PersonalSearchListing,
  PersonalSearchRequest,
  SearchContext,
} from './standards/personalSearch.js';

const CATEGORIES = ['books', 'tea', 'stationery', 'toys', 'kitchen', 'electronics'] as const;
const WORDS: Record<(typeof CATEGORIES)[number], readonly string[]> = {
  books: ['三体', 'Three-Body', '红楼梦', 'Dream of the Red Chamber', '活着', 'To Live'],
  tea: ['龙井', 'Longjing', '普洱', "Pu'er", '铁观音', 'Tieguanyin'],
  stationery: ['钢笔', 'fountain pen', '笔记本', 'notebook', '宣纸', 'rice paper'],
  toys: ['积木', 'building blocks', '风筝', 'kite', '拼图', 'jigsaw'],
  kitchen: ['炒锅', 'wok', '蒸笼', 'steamer', '菜刀', 'cleaver'],
  electronics: ['耳机', 'headphones', '充电器', 'charger', '音箱', 'speaker'],
};
const DAY_MS = 86_400_000;

/** A small linear congruential generator: the same numbers on every machine. */
function numbers(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state;
  };
}

export interface SearchWorkloadOptions {
  readonly listings: number;
  readonly purchases: number;
  readonly reviews?: number;
  readonly seed?: number;
  /** The ranking's `time` (default 2026-06-01). */
  readonly time?: number;
  readonly query?: string;
}

/** A request of the given size; the query (default empty: rank everything) is the caller's. */
export function searchWorkload(options: SearchWorkloadOptions): PersonalSearchRequest {
  const next = numbers(options.seed ?? 1);
  const time = options.time ?? 1_780_272_000_000;
  const pick = <T>(list: readonly T[]): T => list[next() % list.length]!;
  const merchants = Array.from({ length: 12 }, (_, i) => `merchant-${String(i + 1).padStart(2, '0')}`);
  const listings: PersonalSearchListing[] = Array.from({ length: options.listings }, (_, i) => {
    const category = pick(CATEGORIES);
    const merchant = pick(merchants);
    const word = pick(WORDS[category]);
    return {
      id: `${merchant}/l${i}`,
      sku: `${category}-${next() % 200}`,
      title: `${word} ${i % 7 === 0 ? '(2026 edition)' : `no. ${i}`}`,
      category,
      price: 500 + (next() % 50_000),
      stock: next() % 5 === 0 ? 0 : 1 + (next() % 40),
      merchant,
      channel: next() % 10 === 0 ? 'outside-channel' : 'authorised',
      rating: next() % 501,
      createdAt: time - (next() % 120) * DAY_MS,
    };
  });
  const context: SearchContext = {
    purchases: Array.from({ length: options.purchases }, () => {
      const category = pick(CATEGORIES);
      return {
        sku: `${category}-${next() % 200}`,
        category,
        merchant: pick(merchants),
        price: 500 + (next() % 50_000),
        quantity: 1 + (next() % 3),
        time: time - (next() % 700) * DAY_MS,
      };
    }),
    reviews: Array.from({ length: options.reviews ?? Math.floor(options.purchases / 2) }, () => ({
      sku: `${pick(CATEGORIES)}-${next() % 200}`,
      merchant: pick(merchants),
      stars: 1 + (next() % 5),
      time: time - (next() % 700) * DAY_MS,
    })),
    grants: [{ grantee: 'platform-b', categories: ['books'], expiresAt: time + 30 * DAY_MS }],
  };
  return { query: options.query ?? '', time, listings, context };
}
