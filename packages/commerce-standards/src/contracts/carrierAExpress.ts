/**
 * `carrier-a.express` (commerce.logistics/1): fast and dearer. 12.00 per parcel plus 3.00 per item, weight
 * included; next day within a region, two days anywhere else in China. Serves every Chinese region (CN and
 * its subdivisions CN-xx); anything else throws.
 */
import { defineContract } from '@hanglian/contract-sdk';
import type { LogisticsQuoteRequest, LogisticsQuoteResult } from '../standards/logistics.js';

const BASE_FEE = 1_200;
const PER_ITEM_FEE = 300;

function served(region: string): boolean {
  return region === 'CN' || region.indexOf('CN-') === 0;
}

export default defineContract({
  quote(request: LogisticsQuoteRequest): LogisticsQuoteResult {
    const { fromRegion, toRegion } = request;
    if (!served(fromRegion) || !served(toRegion)) {
      throw new Error(`route not served: ${fromRegion} → ${toRegion}`);
    }
    return { fee: BASE_FEE + PER_ITEM_FEE * request.items, days: fromRegion === toRegion ? 1 : 2 };
  },
});
