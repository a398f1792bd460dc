/**
 * A broken commerce.payment/1 implementation: a 0.50 minimum fee that is not capped at the amount, so a
 * 0.01 payment would cost 0.50. Registration must refuse it.
 */
import { defineContract } from '@hanglian/contract-sdk';
import type { PaymentFeeRequest, PaymentFeeResult } from '../../src/standards/payment.js';

export default defineContract({
  fee(request: PaymentFeeRequest): PaymentFeeResult {
    return { fee: Math.max(50, Math.ceil(request.amount / 100)) };
  },
});
