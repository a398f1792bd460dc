/**
 * Serving the web console (packages/console) at `/`: the built files of a directory, plus, on a local
 * development network only, the member keys the console may sign with (`/console/dev-keys.json`).
 *
 * Why dev keys exist at all: buying is an `orders.create` submitted by a member gateway (a platform) and
 * co-signed by the consumer's one-time order key; shipping, paying and delivering are signed by the
 * merchant, the payment provider and the carrier. A real deployment runs those gateways as member
 * services. A devnet has no such services, and its keys are not secret (their passphrase sits beside them
 * in DEV-ONLY-PASSPHRASE.txt), so the node may hand them to the console when told to explicitly. A
 * network that is not a dev network refuses (see `devKeysOfNetwork`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { bytesToHex, HanglianError } from '@hanglian/core';
import type { FastifyInstance } from 'fastify';
import type { NetworkManifest } from '../config/network.js';
import { NodeErrors } from '../errors.js';
import { readKeyFile } from '../keystore/keystore.js';

export interface ConsoleOptions {
  /** The console's build (packages/console/dist/web): an `index.html` and its assets. */
  readonly dir: string;
  /** DEV ONLY: the member keys handed to the console. Absent: `/console/dev-keys.json` answers 404. */
  readonly devKeys?: () => DevKeys;
  /**
   * The index (packages/indexer) the console should search and report from, told to it by
   * `/console/config.json`. Absent: the console reads the chain only and never probes for an index.
   */
  readonly indexUrl?: string;
}

/** What the console learns from the node that serves it (`/console/config.json`). */
export interface ConsoleConfig {
  readonly index: string | null;
}

export const CONSOLE_CONFIG_PATH = '/console/config.json';

export interface DevKeys {
  readonly warning: string;
  readonly chainId: string;
  /** One operations key per organisation: the seed of the Ed25519 key, as hex. */
  readonly keys: ReadonlyArray<{ readonly org: string; readonly label: string; readonly seed: string }>;
}

export const DEV_KEYS_PATH = '/console/dev-keys.json';

export async function registerConsole(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  if (!existsSync(join(options.dir, 'index.html'))) {
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      `no console build at ${options.dir} (index.html missing): run \`npm run build\``,
    );
  }
  await app.register(fastifyStatic, {
    root: options.dir,
    prefix: '/',
    // One route per built file, found at start-up: no catch-all, so API routes and 404s are untouched.
    wildcard: false,
    index: 'index.html',
    setHeaders: (res, path) => {
      // Hashed asset names never change content; the page itself must be fetched fresh after a rebuild.
      res.setHeader(
        'cache-control',
        path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
      );
    },
  });
  const config: ConsoleConfig = { index: options.indexUrl ?? null };
  app.get(CONSOLE_CONFIG_PATH, async (_request, reply) => {
    void reply.header('cache-control', 'no-cache');
    return config;
  });
  const devKeys = options.devKeys;
  app.get(DEV_KEYS_PATH, async (_request, reply) => {
    if (devKeys === undefined) {
      throw new HanglianError(
        NodeErrors.NOT_FOUND,
        'this node gives the console no keys (not a dev network)',
      );
    }
    void reply.header('cache-control', 'no-store');
    return devKeys();
  });
}

/**
 * The keys of a development network's organisations, decrypted once on first use. Throws
 * CONFIG_INVALID for a network that is not a dev network: real member keys never leave their holders.
 */
export function devKeysOfNetwork(dir: string, manifest: NetworkManifest, passphrase: string): () => DevKeys {
  if (!manifest.dev) {
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      'console dev keys are only for development networks (network.json "dev": true)',
    );
  }
  let cached: DevKeys | undefined;
  return () => {
    cached ??= {
      warning: 'DEV ONLY: keys of a local development network; never use them on a real network',
      chainId: manifest.chainId,
      keys: manifest.organisations.flatMap((o) => {
        const path = o.keys.ops;
        if (path === undefined) return [];
        const key = readKeyFile(join(dir, path), passphrase);
        return [{ org: o.id, label: 'ops', seed: bytesToHex(key.exportSeed()) }];
      }),
    };
    return cached;
  };
}
