import { defineErrorCodes } from '@hanglian/core';

/** Error codes of the insights module. Registered once; their meaning never changes. */
export const InsightsErrors = defineErrorCodes('insights', {
  INSIGHTS_BAD_PARAMETERS: {
    kind: 'invalid',
    summary: 'Insights parameters out of range (the minimum group size is 2 to 1,000).',
  },
  INSIGHTS_MONTH_OPEN: {
    kind: 'conflict',
    summary: 'The month is not over yet: only closed months, whose counts never change again, are answered.',
  },
  INSIGHTS_NOT_PRODUCT: {
    kind: 'invalid',
    summary: 'The SKU asked about is not a product of the producer asked about.',
  },
});
