/** What other modules (orders) may read of the catalogue: pure functions of a state. */
import type { StateReader } from '../../framework/state.js';
import { type Listing, listingStore, type Session, sessionStore } from './stores.js';

export class CatalogMethod {
  /** A listing by its id `<merchant>/<listing>`. */
  getListing(state: StateReader, id: string): Listing | undefined {
    return listingStore.get(state, id);
  }

  /** A live-stream session by its id `<host>/<session>`. */
  getSession(state: StateReader, id: string): Session | undefined {
    return sessionStore.get(state, id);
  }
}
