/**
 * The member keys of a local network directory (created by `hanglian init` or `hanglian devnet`), opened
 * with the directory's passphrase: what the demo, the scenario tests and the commerce benchmark act with.
 * Each organisation has an `admin` key (governance, deployments) and an `ops` key (day-to-day commands).
 */
import { join } from 'node:path';
import type { SigningKey } from '@hanglian/core';
import { readKeyFile, readManifest, resolvePassphrase } from '@hanglian/node/offline';
import { memberSigner, type Signer } from '@hanglian/sdk';

export interface NetworkMembers {
  /** The organisations of the network, in manifest order. */
  readonly organisations: readonly string[];
  /** An organisation's key by label (`ops` by default); throws when the network has no such key. */
  key(org: string, label?: string): SigningKey;
  /** The same key as an SDK signer. */
  signer(org: string, label?: string): Signer;
}

export function openNetworkMembers(
  dir: string,
  envPassphrase = process.env.HANGLIAN_PASSPHRASE,
): NetworkMembers {
  const manifest = readManifest(dir);
  const passphrase = resolvePassphrase({ dir, manifest, envPassphrase });
  // Opening a key runs scrypt: each is opened once.
  const opened = new Map<string, SigningKey>();
  const key = (org: string, label = 'ops'): SigningKey => {
    const id = `${org}/${label}`;
    const cached = opened.get(id);
    if (cached !== undefined) return cached;
    const path = manifest.organisations.find((o) => o.id === org)?.keys[label];
    if (path === undefined) throw new Error(`the network in ${dir} has no ${label} key for ${org}`);
    const found = readKeyFile(join(dir, path), passphrase);
    opened.set(id, found);
    return found;
  };
  return {
    organisations: manifest.organisations.map((o) => o.id),
    key,
    signer: (org, label) => memberSigner(key(org, label)),
  };
}
