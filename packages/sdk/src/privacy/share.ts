/**
 * Purchase history belongs to the consumer (privacy module README): the wallet lists its purchases by
 * re-deriving its order keys, and shares a chosen, scoped part of them with a grantee under a grant
 * recorded on chain. A share package proves each order is the grantor's (a signature by the order's own
 * key over the grant and the order) and is the chain's (a state proof); the grant key signs the list, so
 * nobody can attach another wallet's orders. The grantee verifies it against the chain and refuses it
 * once the grant is revoked or expired.
 */
import {
  addressFromPublicKey,
  type BlockHeader,
  bytesToHex,
  decodeCanonical,
  ed25519Sha256,
  hexToBytes,
  utf8,
} from '@hanglian/core';
import { type GetStateProofReturnType, getStateProof } from '../actions/getStateProof.js';
import { getStatus } from '../actions/getStatus.js';
import { query } from '../actions/query.js';
import type { BaseClient } from '../baseClient.js';
import { HanglianSdkError, SdkErrors } from '../errors.js';
import { getVerifiedState, type LightClient } from '../light/lightClient.js';
import { type TrustedValidators, verifyQueryResult } from '../light/verify.js';
import type { OrderKey, Wallet } from '../wallet/wallet.js';
import { type DiscoveryOptions, discoverPurchases } from './discovery.js';

/** The fields of an order a wallet and a grantee read (the orders module's `Order`, see its README). */
export interface PurchasedOrder {
  readonly id: string;
  readonly buyer: string;
  readonly listing: string;
  readonly merchant: string;
  readonly sku: string;
  readonly quantity: number;
  readonly status: string;
  /** Block time (ms) of creation. */
  readonly createdAt: number;
  readonly composition: { readonly total: number } & Record<string, number>;
  /**
   * The product's category and the order key's review, as a bucket answer (`orders.buyerBucket`, what
   * `discoverPurchases` asks) carries them: the search context is built from these, with no request more.
   */
  readonly category?: string | null;
  readonly review?: { readonly rating: number; readonly writtenAt: number } | null;
  readonly [field: string]: unknown;
}

/** One purchase of the wallet: the order and the order key that placed it. */
export interface Purchase {
  readonly key: OrderKey;
  readonly order: PurchasedOrder;
}

/** A grant as recorded on chain (privacy module). */
export interface GrantRecord {
  readonly id: string;
  readonly grantKey: Uint8Array;
  readonly grantee: string;
  readonly scope: { readonly categories: readonly string[]; readonly from?: number; readonly until?: number };
  readonly purpose: string;
  readonly expiresAt: number;
  readonly status: 'active' | 'revoked';
  readonly grantedAt: number;
  readonly revokedAt?: number;
}

/** What the wallet hands the grantee (JSON-safe: hex strings and the node's proof answers). */
export interface SharePackage {
  readonly v: 1;
  readonly chainId: string;
  readonly grant: string;
  /** The grant key's signature over the package's order ids (hex). */
  readonly grantSignature: string;
  readonly orders: ReadonlyArray<{
    readonly order: string;
    /** The order key's public key (hex): its address is the order's `buyer`. */
    readonly publicKey: string;
    /** The order key's signature over (chain, grant, order) (hex). */
    readonly signature: string;
    /** The state proof of `orders/orders/<order>` with its signed header. */
    readonly proof: GetStateProofReturnType;
  }>;
}

/** Where a grantee's trust comes from: a validator set it pinned, or a light client following the chain. */
export type ShareTrust = TrustedValidators | LightClient;

const SHARE_DOMAIN = 'hanglian/share/v1\n';
const PACKAGE_DOMAIN = 'hanglian/share-package/v1\n';

/**
 * The bytes an order key signs to attach its order to a grant.
 *
 * @example
 * ```ts
 * const signature = await orderKey.sign(shareMessage(chainId, grantId, orderId));
 * ```
 */
export function shareMessage(chainId: string, grant: string, order: string): Uint8Array {
  return utf8(`${SHARE_DOMAIN}${chainId}\n${grant}\n${order}`);
}

/**
 * The bytes the grant key signs over a package's order ids (in package order).
 *
 * @example
 * ```ts
 * const signature = await grantKey.sign(sharePackageMessage(chainId, grantId, ['0a1b…', '2c3d…']));
 * ```
 */
export function sharePackageMessage(chainId: string, grant: string, orders: readonly string[]): Uint8Array {
  return utf8(`${PACKAGE_DOMAIN}${chainId}\n${grant}\n${orders.join('\n')}`);
}

/** A uniform integer in [0, n) from the platform's CSPRNG. */
function randomBelow(n: number): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  const draw = new Uint32Array(1);
  for (;;) {
    globalThis.crypto.getRandomValues(draw);
    if (draw[0]! < limit) return draw[0]! % n;
  }
}

function invalid(message: string, details: Record<string, unknown> = {}, cause?: unknown): never {
  throw new HanglianSdkError(SdkErrors.SDK_SHARE_INVALID, message, {
    details,
    ...(cause === undefined ? {} : { cause }),
  });
}

function inactive(message: string, details: Record<string, unknown>): never {
  throw new HanglianSdkError(SdkErrors.SDK_GRANT_INACTIVE, message, { details });
}

/**
 * Every purchase of the wallet: its order keys are re-derived in order until `gapLimit` consecutive keys
 * have none. Only the wallet can do this: nothing on chain connects the keys. The node is asked for
 * buckets of key-address prefixes, never for a key (`discoverPurchases`, docs/privacy.md).
 *
 * @example
 * ```ts
 * const purchases = await listPurchases(client, wallet);
 * for (const { order } of purchases) console.log(order.sku, order.status, order.composition.total);
 * ```
 */
export async function listPurchases(
  client: BaseClient,
  wallet: Wallet,
  options: DiscoveryOptions = {},
): Promise<Purchase[]> {
  return (await discoverPurchases(client, wallet, options)).purchases;
}

/**
 * Whether an order of `category` created at `createdAt` is within a grant's scope.
 *
 * @example
 * ```ts
 * inScope({ categories: ['books'], until: Date.now() }, 'books', order.createdAt); // true
 * ```
 */
export function inScope(scope: GrantRecord['scope'], category: string, createdAt: number): boolean {
  if (scope.categories.length > 0 && !scope.categories.includes(category)) return false;
  if (scope.from !== undefined && createdAt < scope.from) return false;
  if (scope.until !== undefined && createdAt >= scope.until) return false;
  return true;
}

function asGrant(value: unknown): GrantRecord {
  const grant = value as GrantRecord;
  if (
    typeof grant?.id !== 'string' ||
    !(grant.grantKey instanceof Uint8Array) ||
    typeof grant.grantee !== 'string' ||
    !Array.isArray(grant.scope?.categories) ||
    typeof grant.expiresAt !== 'number'
  ) {
    invalid('the grant record is not one the privacy module writes');
  }
  return grant;
}

async function categoryOf(
  sku: string,
  cache: Map<string, string>,
  read: (path: string) => Promise<unknown>,
): Promise<string> {
  const known = cache.get(sku);
  if (known !== undefined) return known;
  const product = (await read(`items/products/${sku}`)) as { category?: unknown } | null;
  if (typeof product?.category !== 'string') invalid(`no product ${sku}`, { sku });
  cache.set(sku, product.category);
  return product.category;
}

/**
 * The wallet's side: a share package of the purchases within grant `grantIndex`'s scope (`purchases`
 * from `listPurchases`, optionally pre-filtered by the consumer's own choice). Refuses with
 * `SDK_GRANT_INACTIVE` when the grant is unknown, revoked or expired at the node's latest block.
 *
 * @example
 * ```ts
 * const purchases = await listPurchases(client, wallet);
 * const pkg = await buildSharePackage(client, { wallet, grantIndex: 0, purchases });
 * await sendToGrantee(JSON.stringify(pkg));
 * ```
 */
export async function buildSharePackage(
  client: BaseClient,
  parameters: {
    wallet: Wallet;
    grantIndex: number;
    purchases: readonly Purchase[];
    /**
     * Other consumers' orders (`discoverPurchases`' `cover`): their proofs are fetched too, in random order
     * among the package's own, so the node does not learn which orders are shared (docs/privacy.md).
     */
    cover?: readonly PurchasedOrder[];
    /** How many cover proofs (default: as many as the package's orders, at least 4, at most the cover). */
    coverProofs?: number;
  },
): Promise<SharePackage> {
  const grantKey = parameters.wallet.grantKey(parameters.grantIndex);
  const [status, answer] = await Promise.all([
    getStatus(client),
    query<unknown>(client, { module: 'privacy', name: 'grant', params: { id: grantKey.address } }).then(
      (a) => a.result,
    ),
  ]);
  if (answer === null) inactive(`no grant ${grantKey.address} on chain`, { grant: grantKey.address });
  // The query answers JSON: the grant key comes back as hex.
  const raw = answer as Omit<GrantRecord, 'grantKey'> & { grantKey: string };
  if (raw.status !== 'active' || status.latestBlockTime >= raw.expiresAt) {
    inactive(`grant ${raw.id} is ${raw.status === 'active' ? 'expired' : raw.status}`, { grant: raw.id });
  }
  const categories = new Map<string, string>();
  const readProduct = (path: string) =>
    query<unknown>(client, { module: 'items', name: 'product', params: { sku: path.split('/')[2] } }).then(
      (a) => a.result,
    );
  const chosen: Purchase[] = [];
  for (const purchase of parameters.purchases) {
    // The bucket answer's category when discovery found the order (no request naming its SKU); else read.
    const category =
      typeof purchase.order.category === 'string'
        ? purchase.order.category
        : await categoryOf(purchase.order.sku, categories, readProduct);
    if (inScope(raw.scope, category, purchase.order.createdAt)) chosen.push(purchase);
  }
  // The proofs asked: the package's own and cover orders, shuffled, so none stands out to the node.
  const cover = [...(parameters.cover ?? [])];
  const coverCount = Math.min(cover.length, parameters.coverProofs ?? Math.max(4, chosen.length));
  const asked: Array<{ id: string; own: boolean }> = chosen.map(({ order }) => ({ id: order.id, own: true }));
  for (let i = 0; i < coverCount; i++) {
    const j = i + randomBelow(cover.length - i);
    [cover[i], cover[j]] = [cover[j]!, cover[i]!];
    asked.push({ id: cover[i]!.id, own: false });
  }
  for (let i = asked.length - 1; i > 0; i--) {
    const j = randomBelow(i + 1);
    [asked[i], asked[j]] = [asked[j]!, asked[i]!];
  }
  const proofs = new Map<string, GetStateProofReturnType>();
  for (const { id, own } of asked) {
    const proof = await getStateProof(client, { path: `orders/orders/${id}` });
    if (own) proofs.set(id, proof);
  }
  const orders: Array<SharePackage['orders'][number]> = [];
  for (const { key, order } of chosen) {
    const signature = await key.sign(shareMessage(status.chainId, raw.id, order.id));
    orders.push({
      order: order.id,
      publicKey: bytesToHex(key.publicKey),
      signature: bytesToHex(signature),
      proof: proofs.get(order.id)!,
    });
  }
  const grantSignature = await grantKey.sign(
    sharePackageMessage(
      status.chainId,
      raw.id,
      orders.map((o) => o.order),
    ),
  );
  return { v: 1, chainId: status.chainId, grant: raw.id, grantSignature: bytesToHex(grantSignature), orders };
}

async function trustedAt(trust: ShareTrust, chainId: string, height: number): Promise<TrustedValidators> {
  if ('getVerifiedState' in trust) return { chainId, validators: await trust.validatorsAt(height) };
  return trust;
}

/**
 * The grantee's side: checks a share package against the chain and returns the grant and the orders.
 * The grant is read by a verified state read at the latest height: it must name `grantee`, not be
 * revoked, and expire after that header's time (else `SDK_GRANT_INACTIVE`). Then the grant key's
 * signature, each order's state proof, that the order key is the order's buyer and signed it to this
 * grant, and the scope (category by a verified read of the product); any failure is `SDK_SHARE_INVALID`.
 *
 * @example
 * ```ts
 * const { grant, orders } = await verifySharePackage(client, pkg, { grantee: 'platform-b', trusted: light });
 * ```
 */
export async function verifySharePackage(
  client: BaseClient,
  pkg: SharePackage,
  options: { grantee: string; trusted: ShareTrust },
): Promise<{ grant: GrantRecord; header: BlockHeader; orders: PurchasedOrder[] }> {
  if (pkg?.v !== 1 || typeof pkg.grant !== 'string' || !Array.isArray(pkg.orders)) {
    invalid('not a version-1 share package');
  }
  const read = async (path: string) => {
    const verified = await getVerifiedState(client, { path, trusted: options.trusted });
    return { verified, value: verified.value === null ? null : decodeCanonical(verified.value) };
  };
  const { verified: grantRead, value: grantValue } = await read(`privacy/grants/${pkg.grant}`);
  const header = grantRead.header;
  if (header.chainId !== pkg.chainId) invalid(`the package is for chain ${pkg.chainId}`, {});
  if (grantValue === null) inactive(`no grant ${pkg.grant} on chain`, { grant: pkg.grant });
  const grant = asGrant(grantValue);
  if (grant.grantee !== options.grantee) {
    inactive(`grant ${grant.id} is to ${grant.grantee}, not ${options.grantee}`, { grant: grant.id });
  }
  if (grant.status !== 'active') inactive(`grant ${grant.id} is revoked`, { grant: grant.id });
  if (header.time >= grant.expiresAt) inactive(`grant ${grant.id} has expired`, { grant: grant.id });

  const ids = pkg.orders.map((o) => o.order);
  if (new Set(ids).size !== ids.length) invalid('an order appears twice');
  const verify = (publicKey: Uint8Array, message: Uint8Array, signatureHex: string) => {
    try {
      return ed25519Sha256.verify(publicKey, message, hexToBytes(signatureHex));
    } catch {
      return false;
    }
  };
  if (!verify(grant.grantKey, sharePackageMessage(pkg.chainId, grant.id, ids), pkg.grantSignature)) {
    invalid("the grant key's signature over the package does not verify", { grant: grant.id });
  }
  const categories = new Map<string, string>();
  const readProduct = async (path: string) => (await read(path)).value;
  const orders: PurchasedOrder[] = [];
  for (const entry of pkg.orders) {
    const path = `orders/orders/${entry.order}`;
    let order: PurchasedOrder;
    try {
      const trusted = await trustedAt(options.trusted, pkg.chainId, entry.proof.height);
      const proven = verifyQueryResult(entry.proof, { path }, trusted);
      if (proven.value === null) invalid(`order ${entry.order} does not exist`, { order: entry.order });
      order = decodeCanonical(proven.value) as PurchasedOrder;
    } catch (error) {
      if (error instanceof HanglianSdkError && error.code === SdkErrors.SDK_SHARE_INVALID) throw error;
      return invalid(`the proof of order ${entry.order} does not verify`, { order: entry.order }, error);
    }
    let publicKey: Uint8Array;
    try {
      publicKey = hexToBytes(entry.publicKey);
    } catch (error) {
      return invalid(`the key of order ${entry.order} is not hex`, { order: entry.order }, error);
    }
    if (order.id !== entry.order || addressFromPublicKey(publicKey) !== order.buyer) {
      invalid(`the key given is not the buyer of order ${entry.order}`, { order: entry.order });
    }
    if (!verify(publicKey, shareMessage(pkg.chainId, grant.id, order.id), entry.signature)) {
      invalid(`the order key did not attach order ${entry.order} to this grant`, { order: entry.order });
    }
    const category = await categoryOf(order.sku, categories, readProduct);
    if (!inScope(grant.scope, category, order.createdAt)) {
      invalid(`order ${entry.order} is outside the grant's scope`, { order: entry.order, category });
    }
    orders.push(order);
  }
  return { grant, header, orders };
}
