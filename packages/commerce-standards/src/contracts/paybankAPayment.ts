/**
 * `paybank-a.payment` (commerce.payment/1): a flat 0.6 % of the amount, rounded up to a whole minor unit.
 * Integer arithmetic only: 0.6 % is 6 per mille, and ceil(a × 6 / 1000) = floor((a × 6 + 999) / 1000); the
 * standard bounds amounts at 10^15 so a × 6 stays an exact integer.
 */
import { defineContract } from '@hanglian/contract-sdk';
import type { PaymentFeeRequest, PaymentFeeResult } from '../standards/payment.js';

const PER_MILLE = 6;

export default defineContract({
  fee(request: PaymentFeeRequest): PaymentFeeResult {
    const fee = Math.floor((request.amount * PER_MILLE + 999) / 1000);
    // 0.6 % rounded up never exceeds the amount (it equals it only at amount 1), so no cap is needed.
    return { fee };
  },
});
