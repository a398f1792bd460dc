/** What other modules (orders' bucket answers, later) may read of reviews: pure functions of a state. */
import type { StateReader } from '../../framework/state.js';
import { type Review, reviewStore } from './stores.js';

export class ReviewsMethod {
  /** The review written for an order, if any. */
  getReview(state: StateReader, order: string): Review | undefined {
    return reviewStore.get(state, order);
  }
}
