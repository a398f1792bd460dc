/**
 * Personalised search in this browser (issue 19): a platform's own `commerce.search/2` code, fetched from
 * the chain with proofs and its hash checked (`@hanglian/sdk/local`), run here in the chain's sandbox with
 * the shopper's history, which this browser keeps and never sends.
 *
 * The history (purchases with their categories, the shopper's own reviews, the grants given) is kept in
 * this browser's storage, per chain, encrypted under the wallet's key (readable only while it is
 * unlocked). It is made on the wallet page from the orders "my purchases" discovers (buckets with decoys,
 * each order with its category and review: no request names an order), or imported from a file the CLI
 * wrote (`hanglian wallet purchases --save-history`). A search reads only the catalogue and the code: the same requests for every
 * shopper, with or without a history (the browser test records them).
 */

import { hexToBytes } from '@hanglian/core';
import { createLightClient } from '@hanglian/sdk';
import {
  encryptHistory,
  fetchImplementation,
  isEncryptedHistory,
  LocalRunner,
  openKeptHistory,
  rankLocally,
  type SearchContext,
  type SearchListingInput,
  searchCandidates,
  searchContextFromPurchases,
} from '@hanglian/sdk/local';
import engineWasmUrl from '@jitl/quickjs-wasmfile-release-sync/wasm?url';
import { client } from './chain.js';
import { myGrants, myPurchases } from './grants.js';
import { settings } from './settings.js';
import { pinFromNode, savedCheckpoint } from './trust.js';
import { browserWallet } from './wallet.js';

export const PERSONAL_SEARCH_STANDARD = 'commerce.search/2';

const HISTORY_PREFIX = 'history.';
const historyKey = (genesisHash: string) => `${HISTORY_PREFIX}${genesisHash}`;

async function genesisHash(): Promise<string> {
  return (await client().getStatus()).genesisHash;
}

/**
 * The history kept in this browser for this chain, or undefined (none, or the wallet is locked). It is
 * kept encrypted under the wallet's key (the SDK's `encryptHistory`: HKDF from the seed → AES-256-GCM,
 * WebCrypto), so it is read only while the wallet is unlocked; one kept in the clear by an earlier
 * version is encrypted in its place as it is read (`openKeptHistory`).
 */
export async function savedHistory(): Promise<SearchContext | undefined> {
  const scope = await genesisHash();
  const raw = settings.get(historyKey(scope));
  if (raw === null || !browserWallet.isUnlocked()) return undefined;
  try {
    const { context, reseal } = await openKeptHistory(browserWallet.wallet(), raw, { scope });
    if (reseal !== undefined) settings.set(historyKey(scope), JSON.stringify(reseal));
    return context;
  } catch {
    return undefined;
  }
}

/** What this browser keeps for this chain: nothing, a history encrypted, or one still in the clear. */
export async function keptHistoryState(): Promise<'none' | 'encrypted' | 'plain'> {
  const raw = settings.get(historyKey(await genesisHash()));
  if (raw === null) return 'none';
  try {
    return isEncryptedHistory(JSON.parse(raw)) ? 'encrypted' : 'plain';
  } catch {
    return 'plain';
  }
}

/**
 * Encrypts every history this browser still keeps in the clear (any chain's), with the unlocked wallet:
 * run whenever the wallet unlocks, so an earlier version's plain history does not stay readable.
 */
export async function encryptPlainHistories(): Promise<number> {
  if (!browserWallet.isUnlocked()) return 0;
  let migrated = 0;
  for (const key of settings.keys(HISTORY_PREFIX)) {
    const raw = settings.get(key);
    if (raw === null) continue;
    try {
      if (isEncryptedHistory(JSON.parse(raw))) continue;
      const { reseal } = await openKeptHistory(browserWallet.wallet(), raw, {
        scope: key.slice(HISTORY_PREFIX.length),
      });
      if (reseal !== undefined) {
        settings.set(key, JSON.stringify(reseal));
        migrated++;
      }
    } catch {
      // Not a history at all (never written by the console): leave it.
    }
  }
  return migrated;
}

browserWallet.subscribe(() => {
  if (browserWallet.isUnlocked()) void encryptPlainHistories();
});

/** Checks a history file's shape (what `hanglian wallet purchases --save-history` writes). */
export function parseHistory(text: string): SearchContext {
  const value = JSON.parse(text) as Partial<SearchContext>;
  if (!Array.isArray(value.purchases) || !Array.isArray(value.reviews) || !Array.isArray(value.grants)) {
    throw new Error('not a history file: {purchases, reviews, grants} expected');
  }
  return { purchases: value.purchases, reviews: value.reviews, grants: value.grants };
}

/** Keeps `context` for this chain, encrypted under the unlocked wallet's key. */
export async function keepHistory(context: SearchContext): Promise<void> {
  const scope = await genesisHash();
  const record = await encryptHistory(browserWallet.wallet(), context, { scope });
  settings.set(historyKey(scope), JSON.stringify(record));
}

export async function forgetHistory(): Promise<void> {
  settings.set(historyKey(await genesisHash()), null);
}

/**
 * Builds the history from the unlocked wallet's purchases as discovery found them (buckets padded with
 * decoys; each order comes with its category and review, so nothing more is asked) and its active grants
 * (requests naming its grant keys: made here, on the wallet page, never while searching).
 */
export async function historyFromWallet(): Promise<SearchContext> {
  const discovered = myPurchases();
  const [purchases, grants] = await Promise.all([discovered, myGrants(discovered)]);
  return searchContextFromPurchases(purchases, {
    grants: grants.flatMap(({ grant }) =>
      grant !== null && grant.status === 'active'
        ? [{ grantee: grant.grantee, categories: [...grant.scope.categories], expiresAt: grant.expiresAt }]
        : [],
    ),
  });
}

let runner: Promise<LocalRunner> | undefined;

/** The sandbox, prepared once per page: the engine's bytes fetched from this site, metered and hash-checked. */
function localRunner(): Promise<LocalRunner> {
  runner ??= (async () => {
    const bytes = new Uint8Array(await (await fetch(engineWasmUrl)).arrayBuffer());
    return LocalRunner.create({ engineWasm: bytes });
  })();
  runner.catch(() => {
    runner = undefined;
  });
  return runner;
}

/**
 * The implementation's code, standard and limits, proven under headers this browser verified: from the
 * checkpoint it keeps (lib/trust.ts), or one pinned from the node on first use, at the block right after
 * it. Which requests that takes depends on the checkpoint and the chain, never on the history.
 */
async function verifiedImplementation(implementation: string) {
  const status = await client().getStatus();
  const checkpoint = savedCheckpoint(status.genesisHash) ?? (await pinFromNode());
  if (checkpoint.chainId !== status.chainId) throw new Error('the saved checkpoint is of another chain');
  const light = createLightClient({
    client: client(),
    trust: {
      chainId: checkpoint.chainId,
      height: checkpoint.height,
      blockHash: checkpoint.blockHash,
      validators: checkpoint.validators.map((v) => ({ ...v, publicKey: hexToBytes(v.publicKey) })),
    },
  });
  // The newest block the node had when asked, but at least the one after the checkpoint.
  const height = Math.max(checkpoint.height + 1, status.height - 1);
  return fetchImplementation(light, implementation, { height });
}

export interface PersonalRanking {
  readonly listings: SearchListingInput[];
  readonly total: number;
  readonly implementation: string;
  readonly org: string;
  readonly displayName: string;
  readonly codeHash: string;
  readonly height: number;
  readonly gasUsed: number;
  readonly elapsedMs: number;
  /** What of the history was used (counts only); undefined for an anonymous ranking. */
  readonly history: { purchases: number; reviews: number; grants: number } | undefined;
}

/**
 * Ranks the catalogue with `implementation` in this browser. With `useHistory`, the kept history is the
 * context; the requests are the same either way.
 */
export async function rankInBrowser(
  implementation: string,
  query: string,
  useHistory: boolean,
): Promise<PersonalRanking> {
  const [verified, listings, sandbox, history] = await Promise.all([
    verifiedImplementation(implementation),
    searchCandidates(client()),
    localRunner(),
    // Read either way, so an anonymous search and a personal one make the very same requests.
    savedHistory(),
  ]);
  const used = useHistory ? history : undefined;
  const context = used ?? { purchases: [], reviews: [], grants: [] };
  const ranking = rankLocally(sandbox, verified, { query, time: Date.now(), listings, context });
  const byId = new Map(listings.map((l) => [l.id, l]));
  return {
    listings: ranking.ids.map((id) => byId.get(id)).filter((l) => l !== undefined),
    total: listings.length,
    implementation: verified.implementation.id,
    org: verified.implementation.org,
    displayName: verified.implementation.displayName,
    codeHash: verified.code.hash,
    height: verified.height,
    gasUsed: ranking.gasUsed,
    elapsedMs: ranking.elapsedMs,
    history:
      used === undefined
        ? undefined
        : { purchases: used.purchases.length, reviews: used.reviews.length, grants: used.grants.length },
  };
}
