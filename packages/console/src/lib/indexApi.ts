/**
 * The index (packages/indexer) beside the node: PostgreSQL tables for search, reports and the explorer,
 * served on its own port. The console finds it from `?index=` (kept in settings), a saved URL, or the
 * index the serving node names (`/console/config.json`: `npm start` names its own), and asks `/v1/index/status` once; if
 * no index answers, or it follows another chain, the pages read the chain as before. Members-only
 * routes are signed like the node's (x-hanglian-reader), with the organisation's dev key.
 */
import { type Client, createReadHeaderFunction } from '@hanglian/sdk';
import { client, nodeUrl } from './chain.js';
import { settings } from './settings.js';

export interface IndexStatus {
  readonly url: string;
  readonly chainId: string;
  readonly height: number;
}

/** An index URL given by `?index=` (kept in settings for the next visits), else a saved one. */
function chosenIndexUrl(): string | undefined {
  const fromQuery = new URLSearchParams(window.location.search).get('index');
  if (fromQuery !== null && /^https?:\/\//.test(fromQuery)) {
    settings.set('index', fromQuery.replace(/\/+$/, ''));
    return fromQuery.replace(/\/+$/, '');
  }
  const saved = settings.get('index');
  if (saved !== null && /^https?:\/\//.test(saved)) return saved;
  return undefined;
}

/**
 * Where the index is: `?index=`, then settings, then what the serving node says (`/console/config.json`,
 * set by `hanglian node start --console-index` / `devnet --index-url`). Undefined when nobody named one:
 * the console then never guesses a port, so a chain without an index costs no failed requests.
 */
export async function indexUrl(): Promise<string | undefined> {
  const chosen = chosenIndexUrl();
  if (chosen !== undefined) return chosen;
  try {
    const response = await fetch(`${nodeUrl()}/console/config.json`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) return undefined;
    const config = (await response.json()) as { index?: unknown };
    return typeof config.index === 'string' && /^https?:\/\//.test(config.index) ? config.index : undefined;
  } catch {
    return undefined;
  }
}

let probe: Promise<IndexStatus | undefined> | undefined;

/** The index if one is named and answers for this chain (asked once per page load), else undefined. */
export function findIndex(node: Client = client()): Promise<IndexStatus | undefined> {
  probe ??= (async () => {
    const url = await indexUrl();
    if (url === undefined) return undefined;
    try {
      const [status, chainStatus] = await Promise.all([
        fetch(`${url}/v1/index/status`, { signal: AbortSignal.timeout(2_000) }).then((r) =>
          r.ok ? (r.json() as Promise<{ chainId: string | null; height: number }>) : undefined,
        ),
        node.getStatus(),
      ]);
      if (status === undefined || status.chainId !== chainStatus.chainId) return undefined;
      return { url, chainId: status.chainId, height: status.height };
    } catch {
      return undefined;
    }
  })();
  return probe;
}

/** Forget the probe (after the URL changed). */
export function resetIndex(): void {
  probe = undefined;
}

async function get<T>(path: string, params: Record<string, unknown>, org?: string): Promise<T> {
  const found = await findIndex();
  if (found === undefined) throw new Error('no index');
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, String(v));
  const query = search.toString();
  const pathWithQuery = `${path}${query === '' ? '' : `?${query}`}`;
  let headers: Record<string, string> = { accept: 'application/json' };
  if (org !== undefined) {
    const { devSigner } = await import('./devKeys.js');
    const sign = createReadHeaderFunction({
      url: found.url,
      reader: await devSigner(org),
      chainId: found.chainId,
    });
    headers = { ...headers, ...(await sign('GET', pathWithQuery, undefined)) };
  }
  const response = await fetch(`${found.url}${pathWithQuery}`, { headers });
  const body = (await response.json()) as T & { code?: string; message?: string };
  if (!response.ok) throw new Error(`${body.code ?? response.status}: ${body.message ?? 'index error'}`);
  return body;
}

export interface IndexListing {
  id: string;
  merchant: string;
  sku: string;
  title: string;
  price: number;
  category: string | null;
  producer: string | null;
  shipsFrom: string | null;
  returnDays: number;
  rating: number | null;
  reviews: number;
}

export type SearchSort = 'relevance' | 'price-asc' | 'price-desc' | 'newest';

export interface PeriodRow {
  /** `YYYY-MM` or `YYYY-MM-DD` in the chain's calendar (a dev network's months last minutes). */
  period: string;
  orders: number;
  completed: number;
  returns: number;
  disputes: number;
  refundedOrCancelled: number;
  sales: number;
  earnings: number;
}

export interface IndexTx {
  id: string;
  height: number;
  index: number;
  time: number;
  module: string;
  command: string;
  org: string | null;
  code: string;
}

export const indexApi = {
  search: (params: {
    q?: string;
    category?: string;
    sort?: SearchSort;
    limit?: number;
    offset?: number;
    minPrice?: number;
    maxPrice?: number;
  }) => get<{ total: number; listings: IndexListing[] }>('/v1/index/catalog/search', params),
  categories: () =>
    get<{ categories: Array<{ category: string; listings: number; minPrice: number }> }>(
      '/v1/index/catalog/categories',
      {},
    ),
  report: (org: string, role: string, interval: 'day' | 'month') =>
    get<{ periods: PeriodRow[] }>(
      `/v1/index/orgs/${encodeURIComponent(org)}/report`,
      { role, interval },
      org,
    ),
  orders: (org: string, role: string, params: { status?: string; limit?: number; offset?: number }) =>
    get<{ total: number; orders: Array<Record<string, unknown>> }>(
      `/v1/index/orgs/${encodeURIComponent(org)}/orders`,
      { role, ...params },
      org,
    ),
  txs: (
    reader: string,
    params: { org?: string; module?: string; command?: string; before?: string; limit?: number },
  ) => get<{ txs: IndexTx[]; next: string | null }>('/v1/index/txs', params, reader),
};
