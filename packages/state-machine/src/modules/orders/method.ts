/** What other modules (reviews, privacy, insights, later) may read of orders: pure functions of a state. */
import { HanglianError } from '@hanglian/core';
import type { StateReader, StateWriter } from '../../framework/state.js';
import { OrdersErrors } from './errors.js';
import { escrowTotals } from './lifecycle.js';
import {
  type EscrowTotals,
  escrowAccount,
  OPEN_STATUSES,
  type Order,
  type OrdersParameters,
  orderStore,
  ordersParameters,
  paramsStore,
} from './stores.js';

export class OrdersMethod {
  getOrder(state: StateReader, id: string): Order | undefined {
    return orderStore.get(state, id);
  }

  isOpen(order: Order): boolean {
    return OPEN_STATUSES.has(order.status);
  }

  escrowAccount(orderId: string): string {
    return escrowAccount(orderId);
  }

  escrowTotals(state: StateReader): EscrowTotals {
    return escrowTotals(state);
  }
}

/**
 * Merges changes into the orders parameters (governance action `setOrdersParameters`), each within its
 * bounds (stores.ts), or throws ORDERS_BAD_PARAMETERS. Orders already created keep the windows they
 * recorded; only orders created afterwards, and the platform fee of their composition, use the new ones.
 */
export function setOrdersParameters(
  state: StateWriter,
  changes: Partial<OrdersParameters>,
): OrdersParameters {
  const merged: OrdersParameters = { ...ordersParameters(state), ...changes };
  if (!paramsStore.codec.is(merged)) {
    throw new HanglianError(
      OrdersErrors.ORDERS_BAD_PARAMETERS,
      'orders parameters out of their bounds (orders README, "Deadlines")',
      { details: { changes } },
    );
  }
  paramsStore.set(state, 'current', merged);
  return merged;
}
