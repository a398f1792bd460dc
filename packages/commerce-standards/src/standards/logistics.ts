/**
 * `commerce.logistics/1`: what a carrier charges and how long it takes to deliver an order. The orders
 * module calls `quote` when it fixes an order's price composition (the carrier fee) and its delivery
 * deadline (the days).
 */
import { type StandardDefinition, schemaValue } from '@hanglian/state-machine';
import { Type } from '@sinclair/typebox';

export const LOGISTICS_STANDARD_ID = 'commerce.logistics/1';

/**
 * Regions are the catalogue's: ISO 3166 codes such as `CN` or `CN-31` (Shanghai). The schema cannot say so
 * (standards carry no `pattern`: docs of the registry), so the promise does, and `ZZ`, the code CLDR uses
 * for an unknown region, is the route nobody serves.
 */
const Region = Type.String({ minLength: 2, maxLength: 16, description: 'ISO 3166 code, e.g. CN-31' });

export const LogisticsQuoteRequestSchema = Type.Object(
  {
    items: Type.Integer({ minimum: 1, maximum: 10_000 }),
    weightGrams: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
    fromRegion: Region,
    toRegion: Region,
  },
  { additionalProperties: false },
);
export type LogisticsQuoteRequest = {
  items: number;
  weightGrams: number;
  fromRegion: string;
  toRegion: string;
};

export const LogisticsQuoteResultSchema = Type.Object(
  {
    fee: Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'minor units' }),
    days: Type.Integer({ minimum: 1, maximum: 90 }),
  },
  { additionalProperties: false },
);
export type LogisticsQuoteResult = {
  fee: number;
  days: number;
};

const request = (fromRegion: string, toRegion: string, items = 1): LogisticsQuoteRequest => ({
  items,
  weightGrams: 800 * items,
  fromRegion,
  toRegion,
});

export const LOGISTICS_STANDARD: StandardDefinition = {
  id: LOGISTICS_STANDARD_ID,
  title: 'Shipping quote',
  behaviour: [
    'quote({items, weightGrams, fromRegion, toRegion}) returns {fee, days}: the carrier fee in minor units',
    '(fee ≥ 0) and the promised delivery time in whole days (days ≥ 1) for a parcel of `items` items',
    'weighing `weightGrams` grams in total. Regions are the catalogue’s ISO 3166 codes (CN, CN-31, …).',
    'Every implementation serves routes within and between CN-31 (Shanghai) and CN-11 (Beijing); a route it',
    'does not serve throws, and ZZ (an unknown region) is served by nobody. Read-only and a function of its',
    'arguments (no caller data, no state), so the quote a wallet shows is the quote the order fixes.',
  ].join(' '),
  methods: [
    {
      name: 'quote',
      summary: 'Fee and delivery days for a parcel.',
      params: [{ name: 'request', schema: schemaValue(LogisticsQuoteRequestSchema) }],
      output: schemaValue(LogisticsQuoteResultSchema),
      readOnly: true,
    },
  ],
  events: [],
  vectors: [
    {
      name: 'quotes within a region',
      method: 'quote',
      args: [request('CN-31', 'CN-31')],
      expect: { ok: true },
    },
    {
      name: 'quotes between regions',
      method: 'quote',
      args: [request('CN-31', 'CN-11', 3)],
      expect: { ok: true },
    },
    {
      name: 'quotes a weightless parcel (a gift card)',
      method: 'quote',
      args: [{ items: 1, weightGrams: 0, fromRegion: 'CN-11', toRegion: 'CN-31' }],
      expect: { ok: true },
    },
    {
      name: 'refuses a route to an unknown region',
      method: 'quote',
      args: [request('CN-31', 'ZZ')],
      expect: { ok: false, code: 'CONTRACT_THREW' },
    },
    {
      name: 'refuses a route from an unknown region',
      method: 'quote',
      args: [request('ZZ', 'CN-11')],
      expect: { ok: false, code: 'CONTRACT_THREW' },
    },
    {
      name: 'an empty parcel is outside the standard',
      method: 'quote',
      args: [{ items: 0, weightGrams: 0, fromRegion: 'CN-31', toRegion: 'CN-31' }],
      expect: { ok: false, code: 'REGISTRY_BAD_ARGS' },
    },
  ],
  implementerRoles: ['carrier'],
};
