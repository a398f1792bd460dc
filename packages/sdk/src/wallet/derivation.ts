/**
 * How a wallet derives its one-time order keys (docs/brief.md §2: each order is placed by a key no one can link
 * to the consumer's other orders, yet the wallet can re-derive and list all of them from its seed).
 *
 *   okm   = HKDF-SHA256(ikm = seed (32 bytes),
 *                       salt = UTF-8 "hanglian/wallet/v1",
 *                       info = UTF-8 "hanglian/order-key/v1" ‖ uint32 big-endian index,
 *                       length = 32)
 *   key   = the Ed25519 key whose RFC 8032 seed is okm
 *
 * HKDF outputs for different indexes are independent pseudorandom strings, so public keys (and the
 * addresses derived from them) reveal nothing about each other or the seed. These bytes are a public
 * contract: changing them would make every wallet lose its orders, so a new scheme gets a new version.
 */
import { ed25519Sha256, type SigningKey } from '@hanglian/core';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';

export const WALLET_SEED_LENGTH = 32;
export const WALLET_HKDF_SALT: Uint8Array = new TextEncoder().encode('hanglian/wallet/v1');
export const ORDER_KEY_INFO_PREFIX: Uint8Array = new TextEncoder().encode('hanglian/order-key/v1');
/**
 * Grant keys (privacy module) come from the same seed under another `info`, so they are independent of
 * every order key: a grant links to no order, and two grants link to each other only through the wallet.
 */
export const GRANT_KEY_INFO_PREFIX: Uint8Array = new TextEncoder().encode('hanglian/grant-key/v1');
/** Indexes are uint32: 4,294,967,296 orders per wallet. */
export const MAX_ORDER_INDEX = 0xffff_ffff;

/**
 * The HKDF `info` of order key `index`: the prefix followed by the index as 4 big-endian bytes.
 *
 * @example
 * ```ts
 * orderKeyInfo(0); // 'hanglian/order-key/v1' bytes followed by 00 00 00 00
 * ```
 */
export function orderKeyInfo(index: number): Uint8Array {
  return indexedInfo(ORDER_KEY_INFO_PREFIX, index);
}

/**
 * The HKDF `info` of grant key `index`: `hanglian/grant-key/v1` followed by the index (4 bytes, BE).
 *
 * @example
 * ```ts
 * grantKeyInfo(2); // 'hanglian/grant-key/v1' bytes followed by 00 00 00 02
 * ```
 */
export function grantKeyInfo(index: number): Uint8Array {
  return indexedInfo(GRANT_KEY_INFO_PREFIX, index);
}

function indexedInfo(prefix: Uint8Array, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index > MAX_ORDER_INDEX) {
    throw new RangeError(`a key index is an integer from 0 to ${MAX_ORDER_INDEX}`);
  }
  const info = new Uint8Array(prefix.length + 4);
  info.set(prefix);
  new DataView(info.buffer).setUint32(prefix.length, index, false);
  return info;
}

/**
 * The 32-byte Ed25519 seed of order key `index` (the `okm` above).
 *
 * @example
 * ```ts
 * const okm = deriveOrderKeySeed(walletSeed, 0);
 * const key = ed25519Sha256.signingKeyFromSeed(okm);
 * ```
 */
export function deriveOrderKeySeed(walletSeed: Uint8Array, index: number): Uint8Array {
  if (walletSeed.byteLength !== WALLET_SEED_LENGTH) throw new RangeError('a wallet seed is 32 bytes');
  return hkdf(sha256, walletSeed, WALLET_HKDF_SALT, orderKeyInfo(index), 32);
}

/**
 * The signing key of order key `index`.
 *
 * @example
 * ```ts
 * const key = deriveOrderKey(walletSeed, 7);
 * ```
 */
export function deriveOrderKey(walletSeed: Uint8Array, index: number): SigningKey {
  return ed25519Sha256.signingKeyFromSeed(deriveOrderKeySeed(walletSeed, index));
}

/**
 * The signing key of grant key `index` (HKDF as for order keys, with `grantKeyInfo(index)`).
 *
 * @example
 * ```ts
 * const key = deriveGrantKey(walletSeed, 0);
 * ```
 */
export function deriveGrantKey(walletSeed: Uint8Array, index: number): SigningKey {
  if (walletSeed.byteLength !== WALLET_SEED_LENGTH) throw new RangeError('a wallet seed is 32 bytes');
  return ed25519Sha256.signingKeyFromSeed(
    hkdf(sha256, walletSeed, WALLET_HKDF_SALT, grantKeyInfo(index), 32),
  );
}
