import {
  type Address,
  addressFromPublicKey,
  ed25519Sha256,
  type SigningKey,
  sha256,
  utf8,
} from '@hanglian/core';

const cache = new Map<string, SigningKey>();

/**
 * A deterministic key from a label, e.g. `testKey('org-a/admin')`: the seed is SHA-256 of the label, so
 * every run and every test file gets the same key for the same label. For tests and local networks only.
 */
export function testKey(label: string): SigningKey {
  let key = cache.get(label);
  if (key === undefined) {
    key = ed25519Sha256.signingKeyFromSeed(sha256(utf8(label)));
    cache.set(label, key);
  }
  return key;
}

/** The address of `testKey(label)`. */
export function testAddress(label: string): Address {
  return addressFromPublicKey(testKey(label).publicKey);
}
