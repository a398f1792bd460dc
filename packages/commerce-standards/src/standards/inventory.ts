/**
 * `commerce.inventory/1`: which specific items a merchant hands over for an order line (一物一码: an order
 * reserves named codes, never a count). The orders module calls `choose` with the codes the merchant owns
 * and holds in stock, then checks and reserves what it returns.
 */
import { type StandardDefinition, schemaValue } from '@hanglian/state-machine';
import { Type } from '@sinclair/typebox';

export const INVENTORY_STANDARD_ID = 'commerce.inventory/1';

/**
 * At most this many codes are offered per call: the orders module passes a window of the stock (the first
 * codes in key order), so a merchant with a million items does not make every order a megabyte call, and
 * the `uniqueItems` check (quadratic) stays cheap.
 */
export const MAX_AVAILABLE_CODES = 1000;

const ItemCode = Type.String({ minLength: 1, maxLength: 128, description: '<sku>:<batch>:<serial>' });

export const InventoryChooseRequestSchema = Type.Object(
  {
    listing: Type.String({ minLength: 1, maxLength: 160, description: '<merchant>/<listing id>' }),
    sku: Type.String({ minLength: 1, maxLength: 64 }),
    quantity: Type.Integer({ minimum: 1, maximum: MAX_AVAILABLE_CODES }),
    available: Type.Array(ItemCode, {
      maxItems: MAX_AVAILABLE_CODES,
      uniqueItems: true,
      description: 'codes the merchant owns and holds in stock, in key order',
    }),
  },
  { additionalProperties: false },
);
export type InventoryChooseRequest = {
  listing: string;
  sku: string;
  quantity: number;
  available: string[];
};

export const InventoryChooseResultSchema = Type.Object(
  {
    codes: Type.Array(ItemCode, { minItems: 1, maxItems: MAX_AVAILABLE_CODES, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type InventoryChooseResult = {
  codes: string[];
};

const request = (quantity: number, available: string[]): InventoryChooseRequest => ({
  listing: 'shop/book-1',
  sku: 'isbn-9787536692930',
  quantity,
  available,
});
const code = (serial: number) => `isbn-9787536692930:b1:${serial}`;

export const INVENTORY_STANDARD: StandardDefinition = {
  id: INVENTORY_STANDARD_ID,
  title: 'Choose the item codes of an order line',
  behaviour: [
    'choose({listing, sku, quantity, available}) returns {codes}: exactly `quantity` distinct codes, every one',
    'taken from `available` (the codes the merchant owns and holds in stock, in key order), listed in the',
    'order they appear in `available`. Which codes is the implementation’s policy (first in, expiry, a',
    'warehouse); the order of the answer is fixed so that every answer has one spelling. When `available`',
    'holds fewer than `quantity` codes it throws: an order never gets fewer items than it asked for.',
    'Read-only: it decides, the orders module reserves.',
  ].join(' '),
  methods: [
    {
      name: 'choose',
      summary: 'The codes to reserve for an order line.',
      params: [{ name: 'request', schema: schemaValue(InventoryChooseRequestSchema) }],
      output: schemaValue(InventoryChooseResultSchema),
      readOnly: true,
    },
  ],
  events: [],
  // Vectors pin what every policy must answer alike: the only code, all of the codes (in their order),
  // and a refusal when there are too few.
  vectors: [
    {
      name: 'chooses the only available code',
      method: 'choose',
      args: [request(1, [code(7)])],
      expect: { ok: true, value: { codes: [code(7)] } },
    },
    {
      name: 'chooses every code when all are needed, in the order given',
      method: 'choose',
      args: [request(3, [code(10), code(2), code(3)])],
      expect: { ok: true, value: { codes: [code(10), code(2), code(3)] } },
    },
    {
      name: 'chooses one of several',
      method: 'choose',
      args: [request(1, [code(1), code(2), code(3)])],
      expect: { ok: true },
    },
    {
      name: 'refuses when too few codes are available',
      method: 'choose',
      args: [request(3, [code(1), code(2)])],
      expect: { ok: false, code: 'CONTRACT_THREW' },
    },
    {
      name: 'refuses when nothing is in stock',
      method: 'choose',
      args: [request(1, [])],
      expect: { ok: false, code: 'CONTRACT_THREW' },
    },
  ],
  implementerRoles: ['merchant'],
};
