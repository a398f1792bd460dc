/**
 * A local network directory, as `hanglian init` and `hanglian devnet` write it: several organisation
 * directories on one machine, made by the same steps separate companies take (decision 0009), plus the
 * genesis they all signed and an index of which organisations run which node on which ports:
 *
 *   DIR/network.json                 the manifest (version 2): chain id, organisations, nodes and ports
 *   DIR/genesis.json                 the genesis every organisation signed (`genesis new/add-org/sign`)
 *   DIR/DEV-ONLY-PASSPHRASE.txt      local development networks only: the passphrase of every key below
 *                                    (their scrypt cost is DEV_NETWORK_SCRYPT_N: the passphrase is here)
 *   DIR/orgs/<org>/                  one organisation directory each, exactly as `hanglian org init`
 *                                    makes it (card.json, keys/root|admin|ops|encryption.json, node/…;
 *                                    see organisation.ts); a dev network also puts its passphrase there
 *   DIR/orgs/<org>/keys/account-<i>.json   extra funded service identities of the first organisation
 *                                    (load generators)
 *
 * Node `nodeN` of the manifest is the node of its organisation's directory (`node/node-key.json`,
 * `node/data/`, …): `hanglian node start --dir DIR --node nodeN` runs it with the same code as
 * `hanglian node start --dir DIR/orgs/<org> --genesis DIR/genesis.json --peers …` (launch.ts).
 *
 * A production node never reads DEV-ONLY-PASSPHRASE.txt: it takes its passphrase from a file named on
 * the command line or from the HANGLIAN_PASSPHRASE environment variable. Version 1 directories (every
 * key under DIR/keys/ and DIR/nodes/, made by releases before the organisation directories) are refused
 * with NETWORK_LAYOUT_OLD, which says how to start a new one.
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
  /** The organisation directory, relative to the network directory (`orgs/<id>`). */
  readonly dir: string;
  /**
   * Key files relative to the network directory, by identity label (`root`, `admin`, `ops`, and the
   * first organisation's `account-<i>`): the files of its organisation directory.
   */
  readonly keys: Readonly<Record<string, string>>;
  /** The organisation's X25519 key file for sealed delivery details (relative). */
  readonly encryptionKey?: string;
}

export interface ManifestNode {
  readonly name: string;
  /** The organisation whose directory the node runs from. */
  readonly org: string;
  /** The node key's public key (hex) when the network was made (its card names the current one). */
  readonly publicKey: string;
  /** Where the node is reached by other nodes and by clients. */
  readonly host: string;
  readonly validator: boolean;
  readonly apiPort: number;
  readonly p2pPort: number;
}

export interface NetworkManifest {
  readonly version: 2;
  readonly chainId: string;
  /** True for a local development network whose passphrase sits in DEV-ONLY-PASSPHRASE.txt. */
  readonly dev: boolean;
  readonly organisations: readonly ManifestOrganisation[];
  readonly nodes: readonly ManifestNode[];
}

/** The organisation directory node `node` of the network in `dir` runs from (read from the manifest). */
function nodeOrgDir(dir: string, node: string): string {
  const entry = readManifest(dir).nodes.find((n) => n.name === node);
  if (entry === undefined) {
    throw new HanglianError(NodeErrors.CONFIG_INVALID, `no node "${node}" in ${networkPaths.manifest(dir)}`);
  }
  return networkPaths.orgDir(dir, entry.org);
}

export const networkPaths = {
  manifest: (dir: string) => join(dir, 'network.json'),
  genesis: (dir: string) => join(dir, 'genesis.json'),
  devPassphrase: (dir: string) => join(dir, DEV_PASSPHRASE_FILE),
  /** An organisation's own directory (`hanglian org init`'s layout). */
  orgDir: (dir: string, org: string) => join(dir, 'orgs', org),
  /** One of an organisation's key files: `root`, `admin`, `ops`, `encryption`, `account-<i>`. */
  orgKey: (dir: string, org: string, label: string) => join(dir, 'orgs', org, 'keys', `${label}.json`),
  /**
   * A key by the label tests and tools use: a node name (`node0`: that node's key) or `<org>/<identity>`
   * (`bookstore/ops`).
   */
  key: (dir: string, label: string) =>
    /^node\d+$/.test(label)
      ? networkPaths.nodeKey(dir, label)
      : networkPaths.orgKey(dir, label.split('/')[0]!, label.split('/')[1] ?? ''),
  // The node's files are its organisation directory's `node/` (organisation.ts, orgPaths).
  nodeDir: (dir: string, node: string) => join(nodeOrgDir(dir, node), 'node'),
  nodeKey: (dir: string, node: string) => join(nodeOrgDir(dir, node), 'node', 'node-key.json'),
  nodeData: (dir: string, node: string) => join(nodeOrgDir(dir, node), 'node', 'data'),
  nodeWal: (dir: string, node: string) => join(nodeOrgDir(dir, node), 'node', 'consensus.wal'),
  /** The validator signer's last-signed state, beside the node key (never restored from a backup). */
  nodeSignerState: (dir: string, node: string) => join(nodeOrgDir(dir, node), 'node', 'signer-state'),
  nodeAdminToken: (dir: string, node: string) => join(nodeOrgDir(dir, node), 'node', 'admin-token'),
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
  const manifest = readJson<{ version?: unknown }>(networkPaths.manifest(dir), 'network manifest');
  if (manifest.version === 1) {
    throw new HanglianError(
      NodeErrors.NETWORK_LAYOUT_OLD,
      `${dir} was made by an older release (every key in one directory; a network is now one organisation directory per member): start a new network with \`hanglian devnet --dir ${dir} --fresh\` (\`npm start -- --fresh\` for the quick start) or \`hanglian init --dir NEWDIR\`; its chain data cannot be carried over`,
      { details: { dir } },
    );
  }
  const checked = manifest as Partial<NetworkManifest>;
  if (checked.version !== 2 || !Array.isArray(checked.nodes) || !Array.isArray(checked.organisations)) {
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      `${networkPaths.manifest(dir)} is not a version-2 manifest`,
    );
  }
  return checked as NetworkManifest;
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
