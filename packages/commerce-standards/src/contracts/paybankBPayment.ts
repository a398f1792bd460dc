/**
 * `paybank-b.payment` (commerce.payment/1): 1 % rounded up, at least 0.50 and at most 20.00 (50 and 2,000
 * minor units), and never more than the amount: cheaper than paybank-a above 200.00, dearer on small
 * payments. The minimum is what makes the cap at the amount matter (a 0.30 payment costs 0.30, not 0.50).
 */
import { defineContract } from '@hanglian/contract-sdk';
import type { PaymentFeeRequest, PaymentFeeResult } from '../standards/payment.js';

const PERCENT = 1;
const MINIMUM_FEE = 50;
const MAXIMUM_FEE = 2_000;

export default defineContract({
  fee(request: PaymentFeeRequest): PaymentFeeResult {
    const { amount } = request;
    const percentage = Math.floor((amount * PERCENT + 99) / 100);
    const fee = Math.min(amount, Math.min(MAXIMUM_FEE, Math.max(MINIMUM_FEE, percentage)));
    return { fee };
  },
});
