/**
 * What every action needs: where the node is and how to call it. Apart from client.ts, which binds the
 * actions, so that an action depends on this and not on the client that imports it.
 */
import type { FetchFunction, ReadHeaderFunction, RequestFunction } from './transport.js';

export interface BaseClient {
  readonly url: string;
  readonly request: RequestFunction;
  /** Signs a members-only read made outside `request` (the event stream); none without a reader. */
  readonly readHeaders?: ReadHeaderFunction;
  /** The `fetch` the client was made with, if not the global one: the event stream goes through it too. */
  readonly fetch?: FetchFunction;
}
