import { bytesToHex } from '../encoding/hex.js';
import { sha256 } from './hash.js';

/**
 * An account address: `hl` followed by the hex of the first 20 bytes of SHA-256(public key).
 * Addresses name accounts in state (balances, owners); the full public key travels in transactions.
 */
export type Address = string;

export const ADDRESS_PATTERN = '^hl[0-9a-f]{40}$';
const addressRegExp = new RegExp(ADDRESS_PATTERN);

export function addressFromPublicKey(publicKey: Uint8Array): Address {
  return `hl${bytesToHex(sha256(publicKey).subarray(0, 20))}`;
}

export function isAddress(value: unknown): value is Address {
  return typeof value === 'string' && addressRegExp.test(value);
}
