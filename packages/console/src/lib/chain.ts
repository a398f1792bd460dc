/**
 * Everything the console reads from the chain, through @hanglian/sdk only: one client of the node that
 * serves the console (or the one named by `?api=`), and typed wrappers of the module queries it uses. The
 * shapes below are the chain's own query results (`ChainQueryResult` of `@hanglian/state-machine/client`),
 * so a change of a query's answer breaks this build rather than a page.
 */
import { displayTexts } from '@hanglian/core';
import { type ChainQueryArgs, type Client, createClient } from '@hanglian/sdk';
import type { ChainModuleName, ChainQueryName, ChainQueryResult } from '@hanglian/state-machine/client';
import { nodeUrl } from './nodeUrl.js';

type Element<T> = T extends readonly (infer E)[] ? E : never;

export type Organisation = Element<ChainQueryResult<'identity', 'organisations'>>;
export type Listing = Element<ChainQueryResult<'catalog', 'listings'>>;
export type Product = Element<ChainQueryResult<'items', 'products'>>;
export type Batch = Element<ChainQueryResult<'items', 'batches'>>;
export type ItemView = NonNullable<ChainQueryResult<'items', 'item'>>;
export type TraceEvent = ItemView['history'][number];
/** The items module's `verify` answer: the verdict with everything the chain knows (items README). */
export type VerificationView = ChainQueryResult<'items', 'verify'>;
export type Implementation = Element<ChainQueryResult<'registry', 'implementations'>>;
export type Review = Element<ChainQueryResult<'reviews', 'reviews'>>;
/** A live-stream session (catalog README): its window and the listings it features with their commission. */
export type Session = Element<ChainQueryResult<'catalog', 'sessions'>>;
export type OrderView = Element<ChainQueryResult<'orders', 'orders'>>;
/** Who gets what of an order's total (orders README: `total = merchant + carrier + payment + platform + host`). */
export type Composition = OrderView['composition'];

export { nodeUrl } from './nodeUrl.js';

let shared: Client | undefined;
const members = new Map<string, Client>();

/**
 * A client whose members-only reads (blocks, results, order queues, event streams) are signed by a member
 * identity. In the console that is a dev network's key of the organisation viewed (lib/devKeys.ts); on
 * other networks members-only reads are refused and the pages say so.
 */
export async function memberClient(org: string): Promise<Client> {
  let found = members.get(org);
  if (found === undefined) {
    const { devSigner } = await import('./devKeys.js');
    found = createClient({ url: nodeUrl(), timeoutMs: 20_000, reader: await devSigner(org) });
    members.set(org, found);
  }
  return found;
}

export function client(): Client {
  shared ??= createClient({ url: nodeUrl(), timeoutMs: 20_000 });
  return shared;
}

/**
 * A chain query, typed by the chain's own table: params by the query's schema, the answer by its result,
 * its text shown safely (core's `displayText`): a title or review stored before the text rule cannot
 * reverse or hide what the page shows next to it (issue 16).
 */
export async function q<M extends ChainModuleName, Q extends ChainQueryName<M>>(
  module: M,
  name: Q,
  ...params: ChainQueryArgs<M, Q>
): Promise<ChainQueryResult<M, Q>> {
  const { result } = await client().query(module, name, ...params);
  return displayTexts(result);
}

export const chain = {
  organisations: () => q('identity', 'organisations'),
  listings: (params: ChainQueryArgs<'catalog', 'listings'>[0] = {}) => q('catalog', 'listings', params),
  listing: (id: string) => q('catalog', 'listing', { id }),
  product: (sku: string) => q('items', 'product', { sku }),
  products: (producer: string) => q('items', 'products', { producer }),
  item: (code: string) => q('items', 'item', { code }),
  verify: (code: string, claimedOwner?: string) =>
    q('items', 'verify', claimedOwner === undefined ? { code } : { code, claimedOwner }),
  channels: (producer: string) => q('distribution', 'channels', { producer }),
  implementations: (standard?: string) =>
    q('registry', 'implementations', standard === undefined ? {} : { standard }),
  reviews: (listing: string) => q('reviews', 'reviews', { listing }),
  rating: (listing: string) => q('reviews', 'rating', { listing }),
  ordersParameters: () => q('orders', 'parameters'),
  session: (id: string) => q('catalog', 'session', { id }),
  /** Live sessions featuring a listing that are running at `at` (block time, ms). */
  sessions: (params: ChainQueryArgs<'catalog', 'sessions'>[0] & object) => q('catalog', 'sessions', params),
  order: (id: string) => q('orders', 'order', { id }),
  orders: (party: ChainQueryArgs<'orders', 'orders'>[0] & object) => q('orders', 'orders', party),
  /** Runs a read-only method of a registered implementation on the node (no transaction, gas-capped). */
  async callReadOnly<T>(implementation: string, method: string, args: unknown[]): Promise<T> {
    const outcome = await q('registry', 'callReadOnly', { implementation, method, args });
    if (!outcome.ok) {
      throw new Error(
        `${implementation}.${method}: ${outcome.code ?? 'failed'} ${outcome.message ?? ''}`.trim(),
      );
    }
    return outcome.value as T;
  },
};
