/**
 * The company forms' input checks, as pure functions: each turns what was typed into the SDK builder's
 * parameters, or throws an Error whose message says what is wrong (in the page's language, through `t`).
 * The limits are the module schemas' (items, catalog, distribution READMEs).
 */
import type {
  CreateListingParams,
  CreateSessionParams,
  ItemSelection,
  UpdateListingParams,
} from '@hanglian/sdk';
import type { StoryKey } from '../messagesStory.js';
import {
  BATCH_PATTERN,
  LOCAL_ID_PATTERN,
  ORG_PATTERN,
  parseYuan,
  REGION_PATTERN,
  SKU_PATTERN,
} from './company.js';

export type Translate = (key: StoryKey, vars?: Record<string, string | number>) => string;

export const MAX_CODES = 500;
const MAX_ATTRIBUTES = 32;

const fail = (t: Translate, key: StoryKey, vars?: Record<string, string | number>): never => {
  throw new Error(t(key, vars));
};

/** Splits a list typed with commas, Chinese commas, spaces or new lines. */
export function splitList(text: string): string[] {
  return text
    .split(/[,，、\s]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** "key=value" (or "key: value", "key：value") lines into attributes; blank lines are skipped. */
export function parseAttributes(t: Translate, text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (lines.length > MAX_ATTRIBUTES) fail(t, 'form.attrTooMany', { max: MAX_ATTRIBUTES });
  for (const line of lines) {
    const match = /^([^=:：]+)[=:：](.*)$/.exec(line);
    if (match === null) return fail(t, 'form.attrBad', { line });
    const key = match[1]!.trim();
    const value = match[2]!.trim();
    if (key.length === 0 || key.length > 64) fail(t, 'form.attrKey', { line });
    if (value.length > 256) fail(t, 'form.attrValue', { key });
    if (Object.hasOwn(out, key)) fail(t, 'form.attrTwice', { key });
    out[key] = value;
  }
  return out;
}

export interface ProductDraft {
  sku: string;
  name: string;
  category: string;
  price: string;
  attributes: string;
}

/** The `items.registerProduct` parameters of a product draft. */
export function productParams(
  t: Translate,
  d: ProductDraft,
): { sku: string; name: string; category: string; factoryPrice: number; attributes: Record<string, string> } {
  const sku = d.sku.trim();
  if (sku === '') fail(t, 'form.skuEmpty');
  if (!SKU_PATTERN.test(sku)) fail(t, 'form.skuBad', { sku });
  const name = d.name.trim();
  if (name.length === 0 || name.length > 200) fail(t, 'form.nameBad');
  const category = d.category.trim();
  if (category.length === 0 || category.length > 64) fail(t, 'form.categoryBad');
  const factoryPrice = parseYuan(d.price);
  if (factoryPrice === undefined) fail(t, 'form.priceBad');
  return { sku, name, category, factoryPrice: factoryPrice!, attributes: parseAttributes(t, d.attributes) };
}

/**
 * Named items of one batch: full codes (`sku:batch:serial`) of that batch, serials, or serial ranges
 * (`5-9`), at most 500 codes (the items module's limit for codes).
 */
export function parseCodes(t: Translate, text: string, sku: string, batch: string): ItemSelection {
  if (!SKU_PATTERN.test(sku) || !BATCH_PATTERN.test(batch)) fail(t, 'form.codesNeedBatch');
  const entries = splitList(text);
  if (entries.length === 0) fail(t, 'form.codesEmpty');
  const codes = new Set<string>();
  const add = (serial: number) => {
    codes.add(`${sku}:${batch}:${serial}`);
    if (codes.size > MAX_CODES) fail(t, 'form.codesTooMany', { max: MAX_CODES });
  };
  for (const entry of entries) {
    const full = /^([a-z0-9][a-z0-9._-]*):([a-z0-9][a-z0-9._-]*):([1-9]\d{0,8})$/.exec(entry);
    if (full !== null) {
      if (full[1] !== sku || full[2] !== batch) fail(t, 'form.codeOtherBatch', { code: entry, sku, batch });
      add(Number(full[3]));
      continue;
    }
    const span = /^([1-9]\d{0,8})(?:[-–~]([1-9]\d{0,8}))?$/.exec(entry);
    if (span === null) return fail(t, 'form.codeBad', { entry });
    const from = Number(span[1]);
    const to = span[2] === undefined ? from : Number(span[2]);
    if (to < from) fail(t, 'form.codeBad', { entry });
    if (to - from + 1 > MAX_CODES) fail(t, 'form.codesTooMany', { max: MAX_CODES });
    for (let serial = from; serial <= to; serial++) add(serial);
  }
  return { codes: [...codes] };
}

/** Percent with at most two decimals, 0..100, into basis points. */
export function parsePercent(text: string): number | undefined {
  const trimmed = text.trim().replace(/%$/, '');
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(trimmed)) return undefined;
  const [whole, frac = ''] = trimmed.split('.');
  const bps = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  return bps <= 10_000 ? bps : undefined;
}

export interface ListingTermsDraft {
  price: string;
  carriers: string[];
  shipsFrom: string;
  returnDays: string;
  restockingPercent: string;
  commissionPercent: string;
}
export interface ListingDraft extends ListingTermsDraft {
  listing: string;
  sku: string;
  title: string;
  shipsTo: string;
}

function terms(t: Translate, d: ListingTermsDraft) {
  const price = parseYuan(d.price);
  if (price === undefined || price < 1) fail(t, 'form.listingPriceBad');
  if (d.carriers.length === 0) fail(t, 'form.carriersEmpty');
  if (d.carriers.length > 16) fail(t, 'form.carriersTooMany');
  for (const c of d.carriers) if (!ORG_PATTERN.test(c)) fail(t, 'form.carriersEmpty');
  const shipsFrom = d.shipsFrom.trim().toUpperCase();
  if (!REGION_PATTERN.test(shipsFrom)) fail(t, 'form.shipsFromBad');
  const days = d.returnDays.trim();
  if (!/^\d{1,3}$/.test(days) || Number(days) > 365) fail(t, 'form.returnDaysBad');
  const restockingFeeBps = parsePercent(d.restockingPercent);
  if (restockingFeeBps === undefined) fail(t, 'form.percentBad', { what: t('listing.restocking') });
  const hostCommissionBps = parsePercent(d.commissionPercent);
  if (hostCommissionBps === undefined) fail(t, 'form.percentBad', { what: t('listing.commission') });
  return {
    price: price!,
    carriers: [...d.carriers],
    shipsFrom,
    returnPolicy: { days: Number(days), restockingFeeBps: restockingFeeBps! },
    hostCommissionBps: hostCommissionBps!,
  };
}

/** The `catalog.createListing` parameters of a draft; `taken` are the merchant's listing ids in use. */
export function listingParams(t: Translate, d: ListingDraft, taken: readonly string[]): CreateListingParams {
  const listing = d.listing.trim();
  if (!LOCAL_ID_PATTERN.test(listing)) fail(t, 'form.listingIdBad');
  if (taken.includes(listing)) fail(t, 'form.listingIdTaken', { id: listing });
  const sku = d.sku.trim();
  if (!SKU_PATTERN.test(sku)) fail(t, 'form.listingSkuBad');
  const title = d.title.trim();
  if (title.length === 0 || title.length > 200) fail(t, 'form.titleBad');
  const shipsTo = splitList(d.shipsTo.toUpperCase());
  if (shipsTo.length > 64) fail(t, 'form.regionsTooMany');
  for (const r of shipsTo) if (!REGION_PATTERN.test(r)) fail(t, 'form.regionBad', { region: r });
  return { listing, sku, title, shipsTo, ...terms(t, d) };
}

/** The `catalog.updateListing` parameters of an edit (every term is sent; status too). */
export function listingUpdateParams(
  t: Translate,
  listing: string,
  d: ListingTermsDraft & { status: 'active' | 'paused' },
): UpdateListingParams {
  return { listing, ...terms(t, d), status: d.status };
}

export interface SessionDraft {
  session: string;
  title: string;
  /** `datetime-local` values (the browser's time zone). */
  startsAt: string;
  endsAt: string;
  listings: string[];
}

/** The `catalog.createSession` parameters of a draft; `now` is the clock (ms) to refuse a past end. */
export function sessionParams(t: Translate, d: SessionDraft, now: number): CreateSessionParams {
  const session = d.session.trim();
  if (!LOCAL_ID_PATTERN.test(session)) fail(t, 'form.sessionIdBad');
  const title = d.title.trim();
  if (title.length === 0 || title.length > 200) fail(t, 'form.titleBad');
  const startsAt = Date.parse(d.startsAt);
  const endsAt = Date.parse(d.endsAt);
  if (!Number.isFinite(startsAt) || !Number.isFinite(endsAt)) fail(t, 'form.windowMissing');
  if (endsAt <= startsAt) fail(t, 'form.windowBackwards');
  if (endsAt <= now) fail(t, 'form.windowPast');
  if (d.listings.length === 0) fail(t, 'form.sessionNoListings');
  if (d.listings.length > 200) fail(t, 'form.sessionTooMany');
  return { session, title, startsAt, endsAt, listings: [...d.listings] };
}

/** A `datetime-local` value of a time (the browser's time zone), to the minute. */
export function localDateTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
