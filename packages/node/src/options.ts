/**
 * A node's defaults in one place, in the manner of Lodestar's `node/options.ts`: what a node does where its
 * operator says nothing. Each subsystem keeps its options type (and the values it owns); this module
 * gathers them with the node's own, so the defaults are read, compared and changed here. The CLI maps its
 * flags onto `NodeOptions` (node.ts); whatever is unset falls back to `NODE_DEFAULTS`.
 */
import { DEFAULT_API_MAX_CONNECTIONS } from './api/connectionCap.js';
import { defaultBlockTiming } from './consensus/driver.js';
import { defaultMempoolOptions } from './mempool/mempool.js';
import { DEFAULT_QUERY_POOL_OPTIONS } from './query/queryPool.js';

/**
 * Default gas after which a proposal takes no more transactions. An order's creation uses ~1.2 M (its three
 * contract calls; ~4 M before the engine metered its own instructions), a transfer ~7 k: a block holds ~100
 * creations, or thousands of cheap transactions. The gas schedule bounds the time of any 120 M-gas block to
 * 0.6 s on the reference machine (contract-runtime README); the throughput tuning that chose this value was
 * done at ~4 M per creation and may want redoing.
 */
export const DEFAULT_MAX_BLOCK_GAS = 120_000_000;
/** Most transactions one proposal takes. */
export const DEFAULT_MAX_BLOCK_TXS = 5_000;
/** Most bytes of transactions one proposal takes: 8 MiB (a transaction is at most 64 KiB). */
export const DEFAULT_MAX_BLOCK_BYTES = 8 * 1024 * 1024;
/**
 * API requests per client address per window before 429, and as many submitted transactions (a batch counts
 * as many as it carries: api/txBudget.ts): generous, since a node's own apps and load tests come from one address.
 */
export const DEFAULT_RATE_LIMIT: { readonly max: number; readonly windowMs: number } = Object.freeze({
  max: 100_000,
  windowMs: 60_000,
});

/** Every default of a node, by the `NodeOptions` field (or API option) it fills. */
export const NODE_DEFAULTS = Object.freeze({
  /** Mempool capacity and per-submitter limit (mempool/mempool.ts). */
  mempool: defaultMempoolOptions,
  /** Fastest and slowest block cadence (consensus/driver.ts). */
  blockTiming: defaultBlockTiming,
  maxBlockTxs: DEFAULT_MAX_BLOCK_TXS,
  maxBlockBytes: DEFAULT_MAX_BLOCK_BYTES,
  maxBlockGas: DEFAULT_MAX_BLOCK_GAS,
  /** Workers, queue and gas cap of read-only contract queries (query/queryPool.ts). */
  query: DEFAULT_QUERY_POOL_OPTIONS,
  /** `api.rateLimit`. */
  apiRateLimit: DEFAULT_RATE_LIMIT,
  /** `api.maxConnections` (api/connectionCap.ts). */
  apiMaxConnections: DEFAULT_API_MAX_CONNECTIONS,
});
