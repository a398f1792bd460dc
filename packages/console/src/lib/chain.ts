/**
 * Everything the console reads from the chain, through @hanglian/sdk only: one client of the node that
 * serves the console (or the one named by `?api=`), and typed wrappers of the module queries it uses. The
 * shapes below are the module READMEs' query results (packages/state-machine/src/modules/<m>/README.md).
 */
import { displayTexts } from '@hanglian/core';
import { type Client, createClient } from '@hanglian/sdk';

export interface Organisation {
  id: string;
  name: string;
  roles: string[];
  status: 'active' | 'suspended';
  admittedAt: number;
}

export interface Listing {
  id: string;
  sku: string;
  title: string;
  price: number;
  status: string;
  merchant: string;
  carriers: string[];
  shipsTo: string[];
  shipsFrom?: string;
  returnPolicy?: { days: number; restockingFeeBps: number };
  hostCommissionBps?: number;
  stock: number;
  channel: 'authorised' | 'outside-channel';
  producer: string;
  category: string;
  createdAt: number;
}

export interface Product {
  sku: string;
  name: string;
  category: string;
  producer: string;
  factoryPrice: number;
  attributes: Record<string, string>;
  registeredAt: number;
}

export interface Batch {
  sku: string;
  batch: string;
  count: number;
  site?: string;
  mintedAt: number;
  recalled: boolean;
}

export interface TraceEvent {
  by: string;
  bizStep: string;
  disposition?: string;
  where?: string;
  why?: string;
  time: number;
  height: number;
  txId: string;
  source?: string;
  destination?: string;
}

export interface ItemView {
  code: string;
  product: Product;
  batch: Batch;
  serial: number;
  state: { owner: string; custodian: string; status: string; events: number };
  history: TraceEvent[];
}

/** The items module's `verify` answer: the verdict with everything the chain knows (items README). */
export interface VerificationView {
  code: string;
  verdict: 'genuine' | 'sold' | 'suspect' | 'unknown';
  flags: string[];
  channel: {
    channel: 'direct' | 'authorised' | 'outside-channel' | 'outside-region';
    org: string | null;
    region: string | null;
  } | null;
  item: ItemView | null;
}

export interface Implementation {
  id: string;
  org: string;
  standard: string;
  displayName?: string;
  codeHash: string;
  registeredAt: number;
}

export interface Review {
  order: string;
  listing: string;
  merchant: string;
  sku: string;
  rating: number;
  text: string;
  writtenAt: number;
  reply?: { text: string; writtenAt: number };
}

/** A live-stream session (catalog README): its window and the listings it features with their commission. */
export interface Session {
  id: string;
  host: string;
  title: string;
  startsAt: number;
  endsAt: number;
  featured: Array<{ listing: string; commissionBps: number }>;
}

/** Who gets what of an order's total (orders README: `total = merchant + carrier + payment + platform + host`). */
export interface Composition {
  goods: number;
  shipping: number;
  total: number;
  merchant: number;
  carrier: number;
  payment: number;
  platform: number;
  host: number;
}

export interface OrderView {
  id: string;
  buyer: string;
  gateway: string;
  listing: string;
  merchant: string;
  sku: string;
  quantity: number;
  unitPrice: number;
  codes: string[];
  implementations: { inventory?: string; payment: string; logistics: string };
  paymentProvider: string;
  carrier: string;
  platform: string;
  arbiter: string;
  host?: string;
  session?: string;
  deliveryDays: number;
  returnPolicy: { days: number; restockingFeeBps: number };
  composition: Composition;
  status: string;
  deadline: number;
  createdAt: number;
  paidAt?: number;
  shippedAt?: number;
  deliveredAt?: number;
  endedAt?: number;
  escrow: string;
  /** Members only (the public-read rule): absent when the console reads without a member key. */
  escrowBalance?: number;
}

/** The node's base URL: the page's own origin (the node serves the console), or `?api=` when developing. */
export function nodeUrl(): string {
  const fromQuery = new URLSearchParams(window.location.search).get('api');
  if (fromQuery !== null && /^https?:\/\//.test(fromQuery)) return fromQuery.replace(/\/+$/, '');
  return window.location.origin;
}

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
 * A public query's answer, its text shown safely (core's `displayText`): a title or review stored before
 * the text rule cannot reverse or hide what the page shows next to it (issue 16).
 */
export async function q<T>(module: string, name: string, params: unknown = {}): Promise<T> {
  const { result } = await client().query<T>({ module, name, params });
  return displayTexts(result);
}

export const chain = {
  organisations: () => q<Organisation[]>('identity', 'organisations'),
  listings: (params: { sku?: string; merchant?: string; includePaused?: boolean } = {}) =>
    q<Listing[]>('catalog', 'listings', params),
  listing: (id: string) => q<Listing | null>('catalog', 'listing', { id }),
  product: (sku: string) => q<Product | null>('items', 'product', { sku }),
  products: (producer: string) => q<Product[]>('items', 'products', { producer }),
  item: (code: string) => q<ItemView | null>('items', 'item', { code }),
  verify: (code: string, claimedOwner?: string) =>
    q<VerificationView>('items', 'verify', claimedOwner === undefined ? { code } : { code, claimedOwner }),
  channels: (producer: string) => q<Array<Record<string, unknown>>>('distribution', 'channels', { producer }),
  implementations: (standard?: string) =>
    q<Implementation[]>('registry', 'implementations', standard === undefined ? {} : { standard }),
  reviews: (listing: string) => q<Review[]>('reviews', 'reviews', { listing }),
  rating: (listing: string) =>
    q<{ count: number; averageTimes100: number }>('reviews', 'rating', { listing }),
  ordersParameters: () => q<{ platformFeeBps: number; returnWindowMs: number }>('orders', 'parameters'),
  session: (id: string) => q<Session | null>('catalog', 'session', { id }),
  /** Live sessions featuring a listing that are running at `at` (block time, ms). */
  sessions: (params: { listing?: string; host?: string; at?: number }) =>
    q<Session[]>('catalog', 'sessions', params),
  order: (id: string) => q<OrderView | null>('orders', 'order', { id }),
  orders: (party: Record<string, string>) => q<OrderView[]>('orders', 'orders', party),
  /** Runs a read-only method of a registered implementation on the node (no transaction, gas-capped). */
  async callReadOnly<T>(implementation: string, method: string, args: unknown[]): Promise<T> {
    const outcome = await q<{ ok: boolean; value?: T; code?: string; message?: string }>(
      'registry',
      'callReadOnly',
      { implementation, method, args },
    );
    if (!outcome.ok) {
      throw new Error(
        `${implementation}.${method}: ${outcome.code ?? 'failed'} ${outcome.message ?? ''}`.trim(),
      );
    }
    return outcome.value as T;
  },
};
