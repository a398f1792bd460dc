/**
 * Grants of purchase history (privacy module README), from the browser wallet: a grant is signed by a
 * one-time grant key of the wallet (`wallet.grantKey(i)`) and submitted by a member (on a devnet the dev
 * platform key, `DEFAULT_PLATFORM`); the wallet lists its grants by re-deriving those keys, revokes them
 * the same way, and builds share packages with the SDK. The grantee's side checks a package with the SDK's
 * `verifySharePackage`, against the validator set this browser verified (lib/trust.ts).
 */
import { displayTexts, hexToBytes } from '@hanglian/core';
import {
  buildSharePackage,
  discoverPurchases,
  type GrantScope,
  inScope,
  type Purchase,
  type PurchasedOrder,
  privacy,
  type SharePackage,
  verifySharePackage,
} from '@hanglian/sdk';
import { client, q } from './chain.js';
import { act } from './company.js';
import { DEFAULT_PLATFORM } from './orderActions.js';
import { verifiedState } from './trust.js';
import { browserWallet } from './wallet.js';

/** A grant as the `privacy.grant` query answers it (bytes as hex). */
export interface GrantView {
  id: string;
  grantKey: string;
  grantee: string;
  scope: { categories: string[]; from?: number; until?: number };
  purpose: string;
  expiresAt: number;
  status: 'active' | 'revoked';
  grantedAt: number;
  revokedAt?: number;
}

export const readGrant = (id: string) => q('privacy', 'grant', { id });

export const MAX_PURPOSE = 200;
export const MAX_GRANT_DAYS = 365;
const DAY = 86_400_000;

export interface GrantForm {
  grantee: string;
  categories: string;
  from: string;
  until: string;
  purpose: string;
  days: string;
}

/** Checks the form; the first problem as a message key, or the grant's parameters. */
export function checkGrantForm(
  form: GrantForm,
  now: number,
):
  | { error: string; vars?: Record<string, string | number> }
  | { scope: GrantScope; purpose: string; expiresAt: number } {
  if (form.grantee === '') return { error: 'grants.needGrantee' };
  const categories = [
    ...new Set(
      form.categories
        .split(/[,，\s]+/)
        .map((c) => c.trim().toLowerCase())
        .filter((c) => c.length > 0),
    ),
  ].sort();
  if (categories.some((c) => !/^[a-z0-9][a-z0-9._-]{0,63}$/.test(c))) return { error: 'grants.badCategory' };
  const day = (text: string) => (text === '' ? undefined : Date.parse(`${text}T00:00:00`));
  const from = day(form.from);
  const until = day(form.until);
  if ((from !== undefined && !Number.isFinite(from)) || (until !== undefined && !Number.isFinite(until)))
    return { error: 'grants.badDate' };
  if (from !== undefined && until !== undefined && from >= until) return { error: 'grants.badRange' };
  const purpose = form.purpose.trim();
  if (purpose.length === 0) return { error: 'grants.needPurpose' };
  if (purpose.length > MAX_PURPOSE) return { error: 'grants.longPurpose', vars: { n: MAX_PURPOSE } };
  const days = /^\d{1,3}$/.test(form.days.trim()) ? Number(form.days.trim()) : Number.NaN;
  if (!(days >= 1 && days <= MAX_GRANT_DAYS))
    return { error: 'grants.badDays', vars: { max: MAX_GRANT_DAYS } };
  return {
    scope: {
      categories,
      ...(from === undefined ? {} : { from }),
      ...(until === undefined ? {} : { until: until + DAY }),
    },
    purpose,
    expiresAt: now + days * DAY,
  };
}

/** Records a grant: the wallet's next grant key co-signs, the dev platform key submits. */
export async function makeGrant(
  params: { grantee: string; scope: GrantScope; purpose: string; expiresAt: number },
  onStep?: (n: number) => void,
): Promise<string> {
  const { index, key } = browserWallet.nextGrantKey();
  await act(
    DEFAULT_PLATFORM,
    privacy.grant({
      grantKey: key.publicKey,
      grantee: params.grantee,
      scope: params.scope,
      purpose: params.purpose,
      expiresAt: params.expiresAt,
    }),
    [key],
    onStep,
  );
  browserWallet.grantRecorded(index);
  return key.address;
}

export async function revokeGrant(index: number, onStep?: (n: number) => void): Promise<string> {
  const key = browserWallet.wallet().grantKey(index);
  return act(DEFAULT_PLATFORM, privacy.revoke({ grant: key.address }), [key], onStep);
}

/**
 * The wallet's purchases: the orders of the order keys it handed out, found by buckets of key-address
 * prefixes padded with decoys (the SDK's `discoverPurchases`), so the node never learns which keys are
 * this wallet's (docs/privacy.md, discovery). Text shown safely, as every answer the console reads.
 */
export async function myPurchases(): Promise<Purchase[]> {
  const { purchases } = await discoverPurchases(client(), browserWallet.wallet());
  return purchases.map(({ key, order }) => ({ key, order: displayTexts(order) }));
}

/**
 * The wallet's grants, newest first, with which of its purchases each covers (`purchases`: the wallet's,
 * when the caller already discovered them, so discovery runs once).
 */
export async function myGrants(
  known?: Promise<Purchase[]>,
): Promise<Array<{ index: number; grant: GrantView | null; covers: PurchasedOrder[] }>> {
  const wallet = browserWallet.wallet();
  const count = browserWallet.grants();
  const [purchases, grants] = await Promise.all([
    known ?? myPurchases(),
    Promise.all(
      Array.from({ length: count }, (_, index) =>
        readGrant(wallet.grantKey(index).address).then((grant) => ({ index, grant })),
      ),
    ),
  ]);
  // Each purchase's category came in its bucket answer: asking a product per SKU here would tell the
  // node which SKUs this wallet bought (docs/privacy.md, discovery).
  const categories = new Map<string, string>();
  for (const { order } of purchases) {
    if (typeof order.category === 'string') categories.set(order.sku, order.category);
  }
  return grants.reverse().map(({ index, grant }) => ({
    index,
    grant,
    covers:
      grant === null
        ? []
        : purchases
            .filter(({ order }) => inScope(grant.scope, categories.get(order.sku) ?? '', order.createdAt))
            .map((p) => p.order),
  }));
}

/** A share package of grant `index` over the wallet's purchases in its scope (the SDK refuses inactive grants). */
export async function sharePackage(index: number): Promise<SharePackage> {
  return buildSharePackage(client(), {
    wallet: browserWallet.wallet(),
    grantIndex: index,
    purchases: await myPurchases(),
  });
}

/** Reads a share package from pasted text; a clear error when it is not one. */
export function parsePackage(text: string): SharePackage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('not JSON');
  }
  const pkg = value as SharePackage;
  if (pkg?.v !== 1 || typeof pkg.grant !== 'string' || !Array.isArray(pkg.orders))
    throw new Error('not a share package');
  return pkg;
}

/**
 * The grantee's check: the SDK's `verifySharePackage` against the validator set this browser verified
 * by following headers from its checkpoint (the grant is re-read and proven at the latest block).
 */
export async function checkPackage(pkg: SharePackage, grantee: string, onProgress?: (text: string) => void) {
  onProgress?.('headers');
  const { checkpoint } = await verifiedState(`privacy/grants/${pkg.grant}`);
  onProgress?.('package');
  return verifySharePackage(client(), pkg, {
    grantee,
    trusted: {
      chainId: checkpoint.chainId,
      validators: checkpoint.validators.map((v) => ({ ...v, publicKey: hexToBytes(v.publicKey) })),
    },
  });
}
