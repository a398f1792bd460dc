/**
 * `fifo` (commerce.inventory/1): the first available codes in key order. Items of one batch are minted in
 * serial order, so the earliest stock leaves first. Stateless, so any merchant may name it.
 */
import { defineContract } from '@hanglian/contract-sdk';
import type { InventoryChooseRequest, InventoryChooseResult } from '../standards/inventory.js';

export default defineContract({
  choose(request: InventoryChooseRequest): InventoryChooseResult {
    const { quantity, available } = request;
    if (available.length < quantity) {
      throw new Error(`only ${available.length} of ${quantity} items of ${request.listing} in stock`);
    }
    return { codes: available.slice(0, quantity) };
  },
});
