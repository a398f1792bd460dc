/**
 * DEV ONLY. On a local development network started by `hanglian devnet`, the node hands the console the
 * organisations' operations keys (`/console/dev-keys.json`, see packages/node/src/api/console.ts), so
 * one person can click through the whole story: the console then acts as the platform gateway that
 * submits a shopper's order (which the shopper's own order key co-signs), as the payment provider's
 * checkout, the merchant, the carrier. On any other network the file does not exist and the console only
 * reads. These keys are never stored by the console.
 */

import { hexToBytes } from '@hanglian/core';
import { memberSignerFromSeed, type Signer } from '@hanglian/sdk';
import { nodeUrl } from './nodeUrl.js';

interface DevKeysFile {
  warning: string;
  chainId: string;
  keys: Array<{ org: string; label: string; seed: string }>;
}

let loading: Promise<Map<string, Signer> | undefined> | undefined;

/** The dev signers by organisation, or undefined when the node gives none (not a dev network). */
export function devSigners(): Promise<Map<string, Signer> | undefined> {
  loading ??= (async () => {
    const response = await fetch(`${nodeUrl()}/console/dev-keys.json`, {
      headers: { accept: 'application/json' },
    });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`dev keys: HTTP ${response.status}`);
    const file = (await response.json()) as DevKeysFile;
    return new Map(file.keys.map((k) => [k.org, memberSignerFromSeed(hexToBytes(k.seed))]));
  })();
  return loading;
}

export async function devSigner(org: string): Promise<Signer> {
  const signers = await devSigners();
  const signer = signers?.get(org);
  if (signer === undefined)
    throw new Error(`this node gives the console no key of ${org} (only dev networks do)`);
  return signer;
}
