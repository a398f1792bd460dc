/** What other modules (reviews, privacy, insights, later) may read of orders: pure functions of a state. */
import type { StateReader } from '../../framework/state.js';
import { escrowTotals } from './lifecycle.js';
import { type EscrowTotals, escrowAccount, OPEN_STATUSES, type Order, orderStore } from './stores.js';

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
