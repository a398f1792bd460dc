/**
 * The search history at rest (issue 19): what a wallet keeps on the device for personal ranking (its
 * purchases with categories, its reviews, its grants) is the most personal data it holds, so it is
 * stored encrypted under a key only the wallet's secret gives, never in the clear (browser storage can be
 * read by anything that reads the profile: another user of the machine, a backup, a support tool).
 *
 * WebCrypto only, in browsers and Node alike: HKDF-SHA256 from the wallet's seed, with a fresh 16-byte salt
 * per record and the scope (the chain's genesis hash) in its info, gives a non-extractable AES-256-GCM key;
 * a fresh 12-byte IV per record; the scope is also the additional data, so a record moved to another
 * chain's slot does not open. A record written before this (the history as plain JSON) opens once and
 * comes back with its encryption, for the caller to write in its place (`openKeptHistory`).
 */
import { bytesToHex, hexToBytes } from '@hanglian/core';
import { HanglianSdkError, SdkErrors } from '../errors.js';
import type { Wallet } from '../wallet/wallet.js';
import type { SearchContext } from './search.js';

/** An encrypted history as kept (JSON-safe). */
export interface EncryptedHistory {
  readonly v: 1;
  readonly kind: 'hanglian/search-history';
  readonly cipher: 'AES-256-GCM';
  readonly kdf: 'HKDF-SHA256';
  /** HKDF salt, 16 bytes (hex). */
  readonly salt: string;
  /** AES-GCM IV, 12 bytes (hex). */
  readonly iv: string;
  /** The history's JSON, encrypted, with its 16-byte tag (hex). */
  readonly ciphertext: string;
}

const DOMAIN = 'hanglian/search-history/v1\n';
const encoder = new TextEncoder();

function subtle(): SubtleCrypto {
  const found = globalThis.crypto?.subtle;
  if (found === undefined) throw new Error('WebCrypto (crypto.subtle) is not available here');
  return found;
}

async function historyKey(wallet: Wallet, salt: Uint8Array, scope: string): Promise<CryptoKey> {
  const seed = wallet.exportSeed();
  try {
    const base = await subtle().importKey('raw', seed as BufferSource, 'HKDF', false, ['deriveKey']);
    return await subtle().deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: salt as BufferSource, info: encoder.encode(DOMAIN + scope) },
      base,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    );
  } finally {
    seed.fill(0);
  }
}

function invalid(message: string): never {
  throw new HanglianSdkError(SdkErrors.SDK_HISTORY_INVALID, message);
}

/**
 * Checks that a value is a history ({purchases, reviews, grants}, arrays) and keeps only those.
 *
 * @example
 * ```ts
 * const context = asSearchContext(JSON.parse(exportedFile)); // SDK_HISTORY_INVALID if it is not one
 * ```
 */
export function asSearchContext(value: unknown): SearchContext {
  const context = value as Partial<SearchContext> | null;
  if (
    typeof context !== 'object' ||
    context === null ||
    !Array.isArray(context.purchases) ||
    !Array.isArray(context.reviews) ||
    !Array.isArray(context.grants)
  ) {
    invalid('not a history: {purchases, reviews, grants} expected');
  }
  return { purchases: context.purchases, reviews: context.reviews, grants: context.grants };
}

/**
 * Whether `value` is an encrypted history record (its shape; whether it opens is `decryptHistory`'s).
 *
 * @example
 * ```ts
 * const kept = JSON.parse(localStorage.getItem(slot) ?? 'null');
 * if (isEncryptedHistory(kept)) context = await decryptHistory(wallet, kept, { scope });
 * ```
 */
export function isEncryptedHistory(value: unknown): value is EncryptedHistory {
  const record = value as Partial<EncryptedHistory> | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    record.v === 1 &&
    record.kind === 'hanglian/search-history' &&
    record.cipher === 'AES-256-GCM' &&
    record.kdf === 'HKDF-SHA256' &&
    typeof record.salt === 'string' &&
    /^[0-9a-f]{32}$/.test(record.salt) &&
    typeof record.iv === 'string' &&
    /^[0-9a-f]{24}$/.test(record.iv) &&
    typeof record.ciphertext === 'string' &&
    /^(?:[0-9a-f]{2}){16,}$/.test(record.ciphertext)
  );
}

/**
 * Encrypts a history under the wallet's key for `scope` (the chain's genesis hash, or any name of the
 * slot it is kept in).
 *
 * @example
 * ```ts
 * const record = await encryptHistory(wallet, context, { scope: status.genesisHash });
 * localStorage.setItem(`history.${status.genesisHash}`, JSON.stringify(record));
 * ```
 */
export async function encryptHistory(
  wallet: Wallet,
  context: SearchContext,
  options: { readonly scope: string },
): Promise<EncryptedHistory> {
  const plain = encoder.encode(JSON.stringify(asSearchContext(context)));
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const key = await historyKey(wallet, salt, options.scope);
  const sealed = await subtle().encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(DOMAIN + options.scope) },
    key,
    plain,
  );
  return {
    v: 1,
    kind: 'hanglian/search-history',
    cipher: 'AES-256-GCM',
    kdf: 'HKDF-SHA256',
    salt: bytesToHex(salt),
    iv: bytesToHex(iv),
    ciphertext: bytesToHex(new Uint8Array(sealed)),
  };
}

/**
 * Opens an encrypted history with the wallet that wrote it, for the same scope. Throws
 * `SDK_HISTORY_UNREADABLE` for another wallet or scope, or an altered record.
 *
 * @example
 * ```ts
 * const context = await decryptHistory(wallet, JSON.parse(kept), { scope: status.genesisHash });
 * ```
 */
export async function decryptHistory(
  wallet: Wallet,
  record: EncryptedHistory,
  options: { readonly scope: string },
): Promise<SearchContext> {
  if (!isEncryptedHistory(record)) invalid('not an encrypted history record');
  const key = await historyKey(wallet, hexToBytes(record.salt), options.scope);
  let plain: ArrayBuffer;
  try {
    plain = await subtle().decrypt(
      {
        name: 'AES-GCM',
        iv: hexToBytes(record.iv) as BufferSource,
        additionalData: encoder.encode(DOMAIN + options.scope),
      },
      key,
      hexToBytes(record.ciphertext) as BufferSource,
    );
  } catch (error) {
    throw new HanglianSdkError(
      SdkErrors.SDK_HISTORY_UNREADABLE,
      'the kept history does not open with this wallet for this chain (another wallet or chain, or altered)',
      { cause: error },
    );
  }
  return asSearchContext(JSON.parse(new TextDecoder().decode(plain)));
}

/**
 * Reads what a device kept (the text of its history slot): an encrypted record opens with the wallet; a
 * history kept in the clear by an earlier version opens as is and comes back with `reseal`, its
 * encryption, which the caller writes in its place (the migration). Anything else: SDK_HISTORY_INVALID.
 *
 * @example
 * ```ts
 * const { context, reseal } = await openKeptHistory(wallet, kept, { scope });
 * if (reseal !== undefined) localStorage.setItem(slot, JSON.stringify(reseal));
 * ```
 */
export async function openKeptHistory(
  wallet: Wallet,
  kept: string,
  options: { readonly scope: string },
): Promise<{ context: SearchContext; reseal?: EncryptedHistory }> {
  let value: unknown;
  try {
    value = JSON.parse(kept);
  } catch {
    return invalid('the kept history is not JSON');
  }
  if (isEncryptedHistory(value)) return { context: await decryptHistory(wallet, value, options) };
  const context = asSearchContext(value);
  return { context, reseal: await encryptHistory(wallet, context, options) };
}
