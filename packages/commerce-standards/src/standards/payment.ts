/**
 * `commerce.payment/1`: what a payment provider charges for funding an order's escrow. The orders module
 * calls `fee` when it fixes an order's price composition; the fee is paid out of the total at settlement.
 */
import { type StandardDefinition, schemaValue } from '@hanglian/state-machine';
import { Type } from '@sinclair/typebox';

export const PAYMENT_STANDARD_ID = 'commerce.payment/1';

/**
 * 10^15 minor units (10 trillion yuan at two decimals): far above any order, and low enough that an
 * implementation may multiply an amount by a rate of up to 9 without leaving the exactly representable
 * integers (2^53 ≈ 9.007 × 10^15), so percentages stay exact in integer arithmetic.
 */
export const MAX_PAYMENT_AMOUNT = 1_000_000_000_000_000;

export const PaymentFeeRequestSchema = Type.Object(
  {
    amount: Type.Integer({
      minimum: 1,
      maximum: MAX_PAYMENT_AMOUNT,
      description: 'minor units of the settlement unit: goods + shipping',
    }),
  },
  { additionalProperties: false },
);
export type PaymentFeeRequest = {
  amount: number;
};

export const PaymentFeeResultSchema = Type.Object(
  { fee: Type.Integer({ minimum: 0, maximum: MAX_PAYMENT_AMOUNT }) },
  { additionalProperties: false },
);
export type PaymentFeeResult = {
  fee: number;
};

export const PAYMENT_STANDARD: StandardDefinition = {
  id: PAYMENT_STANDARD_ID,
  title: 'Payment fee',
  behaviour: [
    'fee({amount}) returns {fee}: what the provider charges, in minor units, for funding an order of `amount`',
    'minor units (goods + shipping). Always 0 ≤ fee ≤ amount: a minimum fee is capped at the amount, so a',
    'payment never costs more than it moves. Fees are whole minor units rounded up, and the smallest payment',
    '(1 minor unit) costs exactly 1: the one point where every implementation answers alike, so the vectors',
    'check the cap there. Read-only and a function of the amount alone (no caller data, no state), so the',
    'fee a wallet shows is the fee the order fixes.',
  ].join(' '),
  methods: [
    {
      name: 'fee',
      summary: 'The fee for funding an order of `amount` minor units.',
      params: [{ name: 'request', schema: schemaValue(PaymentFeeRequestSchema) }],
      output: schemaValue(PaymentFeeResultSchema),
      readOnly: true,
    },
  ],
  events: [],
  vectors: [
    {
      name: 'the smallest payment costs exactly its amount (a minimum fee is capped)',
      method: 'fee',
      args: [{ amount: 1 }],
      expect: { ok: true, value: { fee: 1 } },
    },
    { name: 'prices an ordinary order', method: 'fee', args: [{ amount: 12_900 }], expect: { ok: true } },
    {
      name: 'prices the largest order',
      method: 'fee',
      args: [{ amount: MAX_PAYMENT_AMOUNT }],
      expect: { ok: true },
    },
    {
      name: 'an empty payment is outside the standard',
      method: 'fee',
      args: [{ amount: 0 }],
      expect: { ok: false, code: 'REGISTRY_BAD_ARGS' },
    },
  ],
  implementerRoles: ['payment'],
};
