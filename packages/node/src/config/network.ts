/**
 * A network directory, as `hanglian init` writes it and `hanglian node start` reads it:
 *
 *   DIR/network.json                 the manifest: chain id, organisations, nodes and their ports
 *   DIR/genesis.json                 the genesis document every node starts from
 *   DIR/DEV-ONLY-PASSPHRASE.txt      local development networks only: the passphrase of the keys below
 *   DIR/keys/<org>/<identity>.json   encrypted member keys (admin root key, operations key)
 *   DIR/nodes/<node>/node-key.json   the node's encrypted validator key
 *   DIR/nodes/<node>/data/           the node's ledger (LMDB)
 *   DIR/nodes/<node>/consensus.wal   what the node signed in consensus (kept when the ledger is wiped)
 *   DIR/nodes/<node>/signer-state    the last height/round/step the validator key signed (never from a backup)
 *   DIR/nodes/<node>/admin-token     the bearer token of the node's operator endpoints (/v1/admin)
 *
 * A production node never reads DEV-ONLY-PASSPHRASE.txt: it takes its passphrase from a file named on
 * the command line or from the HANGLIAN_PASSPHRASE environment variable.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HanglianError } from '@hanglian/core';
import type { GenesisDocument } from '@hanglian/state-machine';
import { NodeErrors } from '../errors.js';

export const DEV_PASSPHRASE_FILE = 'DEV-ONLY-PASSPHRASE.txt';

export interface ManifestOrganisation {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly string[];
  /** Key files relative to the network directory, by identity label (`admin`, `ops`). */
  readonly keys: Readonly<Record<string, string>>;
  /** The organisation's X25519 key file for sealed delivery details (relative), when it has one. */
  readonly encryptionKey?: string;
}

export interface ManifestNode {
  readonly name: string;
  readonly org: string;
  /** The node key's public key (hex): peers dial it expecting exactly this key. */
  readonly publicKey: string;
  /** Where the node is reached by other nodes and by clients. */
  readonly host: string;
  readonly validator: boolean;
  readonly apiPort: number;
  readonly p2pPort: number;
}

export interface NetworkManifest {
  readonly version: 1;
  readonly chainId: string;
  /** True for a local development network whose passphrase sits in DEV-ONLY-PASSPHRASE.txt. */
  readonly dev: boolean;
  readonly organisations: readonly ManifestOrganisation[];
  readonly nodes: readonly ManifestNode[];
}

export const networkPaths = {
  manifest: (dir: string) => join(dir, 'network.json'),
  genesis: (dir: string) => join(dir, 'genesis.json'),
  devPassphrase: (dir: string) => join(dir, DEV_PASSPHRASE_FILE),
  orgKeys: (dir: string, org: string) => join(dir, 'keys', org),
  nodeDir: (dir: string, node: string) => join(dir, 'nodes', node),
  nodeKey: (dir: string, node: string) => join(dir, 'nodes', node, 'node-key.json'),
  nodeData: (dir: string, node: string) => join(dir, 'nodes', node, 'data'),
  nodeWal: (dir: string, node: string) => join(dir, 'nodes', node, 'consensus.wal'),
  /** The validator signer's last-signed state, beside the node key (never restored from a backup). */
  nodeSignerState: (dir: string, node: string) => join(dir, 'nodes', node, 'signer-state'),
  nodeAdminToken: (dir: string, node: string) => join(dir, 'nodes', node, 'admin-token'),
};

function readJson<T>(path: string, what: string): T {
  if (!existsSync(path)) {
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      `${what} not found at ${path} (run \`hanglian init --dir …\` first)`,
    );
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new HanglianError(NodeErrors.CONFIG_INVALID, `${what} at ${path} is not valid JSON`, {
      cause: error,
    });
  }
}

export function readManifest(dir: string): NetworkManifest {
  const manifest = readJson<NetworkManifest>(networkPaths.manifest(dir), 'network manifest');
  if (manifest.version !== 1 || !Array.isArray(manifest.nodes) || !Array.isArray(manifest.organisations)) {
    throw new HanglianError(NodeErrors.CONFIG_INVALID, 'network.json is not a version-1 manifest');
  }
  return manifest;
}

export function readGenesis(dir: string): GenesisDocument {
  return readJson<GenesisDocument>(networkPaths.genesis(dir), 'genesis document');
}

export function writeJsonFile(path: string, value: unknown, mode = 0o644): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode });
}

export function ensureDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
}

/**
 * Where a node's key passphrase comes from, in order: an explicit file, the HANGLIAN_PASSPHRASE
 * environment variable (read by the CLI and handed in here), and only for a dev network, its dev file.
 */
export function resolvePassphrase(args: {
  dir: string;
  manifest: NetworkManifest;
  passphraseFile?: string | undefined;
  envPassphrase?: string | undefined;
}): string {
  if (args.passphraseFile !== undefined) {
    if (!existsSync(args.passphraseFile)) {
      throw new HanglianError(NodeErrors.CONFIG_INVALID, `passphrase file ${args.passphraseFile} not found`);
    }
    return readFileSync(args.passphraseFile, 'utf8').trim();
  }
  if (args.envPassphrase !== undefined && args.envPassphrase.length > 0) return args.envPassphrase;
  const devFile = networkPaths.devPassphrase(args.dir);
  if (args.manifest.dev && existsSync(devFile)) return readFileSync(devFile, 'utf8').trim();
  throw new HanglianError(
    NodeErrors.CONFIG_INVALID,
    'no key passphrase: pass --passphrase-file FILE or set HANGLIAN_PASSPHRASE',
  );
}
