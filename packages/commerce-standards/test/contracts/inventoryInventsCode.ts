/**
 * A broken commerce.inventory/1 implementation: it makes up codes from the SKU instead of taking them from
 * what the merchant holds (selling items it does not have). Registration must refuse it.
 */
import { defineContract } from '@hanglian/contract-sdk';
import type { InventoryChooseRequest, InventoryChooseResult } from '../../src/standards/inventory.js';

export default defineContract({
  choose(request: InventoryChooseRequest): InventoryChooseResult {
    const codes: string[] = [];
    for (let serial = 1; serial <= request.quantity; serial++) codes.push(`${request.sku}:b1:${serial}`);
    return { codes };
  },
});
