/** What the insights module needs from other modules (Cosmos' expected keepers): wired in kernel.ts. */
import type { StateReader } from '../../framework/state.js';

export interface ItemsForInsights {
  /** The product of a SKU, for its producer: counters are listed under the producer that registered it. */
  getProduct(state: StateReader, sku: string): { readonly producer: string } | undefined;
}
