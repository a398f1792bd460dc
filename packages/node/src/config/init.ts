/**
 * Creates a network directory: organisations with encrypted keys, nodes with encrypted validator keys,
 * the genesis document and the manifest. Used by `hanglian init`, the devnet and the tests.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import {
  addressFromPublicKey,
  bytesToHex,
  ed25519Sha256,
  HanglianError,
  type SigningKey,
} from '@hanglian/core';
import type { GenesisDocument } from '@hanglian/state-machine';
import { NodeErrors } from '../errors.js';
import { generateEncryptionKeyPair, writeEncryptionKeyFile, writeKeyFile } from '../keystore/keystore.js';
import { signGenesis } from './ceremony.js';
import {
  ensureDir,
  type ManifestNode,
  type ManifestOrganisation,
  type NetworkManifest,
  networkPaths,
  writeJsonFile,
} from './network.js';

export interface OrganisationSpec {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly string[];
}

/**
 * The organisations of the seed's book story: a publisher, a bookstore, two platforms, two payment
 * providers (also licensed issuers of the settlement unit), two carriers, a live-stream host and a
 * regulator who also arbitrates disputes.
 */
export const BOOK_STORY_ORGANISATIONS: readonly OrganisationSpec[] = [
  { id: 'regulator', name: 'Market Regulator 市场监管', roles: ['regulator', 'arbiter'] },
  { id: 'platform-a', name: 'Aggregator A 聚合平台甲', roles: ['platform'] },
  { id: 'paybank-a', name: 'PayBank A 支付甲', roles: ['payment', 'issuer'] },
  { id: 'carrier-a', name: 'Swift Logistics 迅捷物流', roles: ['carrier'] },
  { id: 'bookpress', name: 'Spring Press 春风出版社', roles: ['producer'] },
  { id: 'bookstore', name: 'Riverside Books 河畔书店', roles: ['merchant', 'distributor'] },
  { id: 'platform-b', name: 'Aggregator B 聚合平台乙', roles: ['platform'] },
  { id: 'paybank-b', name: 'PayBank B 支付乙', roles: ['payment', 'issuer'] },
  { id: 'carrier-b', name: 'Cloud Express 云端快递', roles: ['carrier'] },
  { id: 'host-a', name: 'Live Host Lin 林主播', roles: ['host'] },
];

/** Opening balance of each organisation's operations account: 1,000,000.00 in minor units. */
export const OPENING_BALANCE = 100_000_000;
/** Opening attested reserves of each issuer: 1,000,000,000.00 in minor units. */
export const ISSUER_OPENING_RESERVES = 100_000_000_000;

export interface InitNetworkOptions {
  readonly dir: string;
  readonly chainId?: string;
  /** Validator nodes to create (run by the first organisations in order). */
  readonly validators?: number;
  /** Non-voting full nodes to create. */
  readonly fullNodes?: number;
  readonly organisations?: readonly OrganisationSpec[];
  /** The key passphrase. When absent, a dev network is made and its random passphrase written beside the keys. */
  readonly passphrase?: string;
  /** First port: node i gets API port basePort + 2i and P2P port basePort + 2i + 1. */
  readonly basePort?: number;
  readonly genesisTime: number;
  /** scrypt cost for the key files (tests lower it to run faster). */
  readonly scryptN?: number;
  /** Settlement unit symbol. */
  readonly currencySymbol?: string;
  /**
   * The registry's genesis section: standards (and registry parameters) on chain from the start, e.g. the
   * commerce standards. Absent: no standards until governance adds them.
   */
  readonly registry?: unknown;
  /**
   * The insights module's genesis section, e.g. `{ devCalendarMonthMs: 60000 }` (a fast calendar, which
   * only a development network's genesis may hold). Absent: the defaults.
   */
  readonly insights?: unknown;
  /**
   * Extra funded service identities of the first organisation (`keys/<org>/account-<i>.json`), for load
   * generators that need many independent submitters.
   */
  readonly extraAccounts?: number;
}

export interface InitNetworkResult {
  readonly manifest: NetworkManifest;
  readonly genesis: GenesisDocument;
  readonly passphrase: string;
  readonly devPassphraseFile?: string;
}

function isEmptyDir(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

export function initNetwork(options: InitNetworkOptions): InitNetworkResult {
  const dir = options.dir;
  if (!isEmptyDir(dir)) {
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      `${dir} is not empty: choose a new directory or remove it first`,
    );
  }
  const chainId = options.chainId ?? 'hanglian-local';
  const organisations = options.organisations ?? BOOK_STORY_ORGANISATIONS;
  const validatorCount = options.validators ?? 1;
  const fullNodeCount = options.fullNodes ?? 0;
  const basePort = options.basePort ?? 26_650;
  if (!Number.isInteger(validatorCount) || validatorCount < 1 || validatorCount > organisations.length) {
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      `--validators must be between 1 and the number of organisations (${organisations.length})`,
    );
  }
  const dev = options.passphrase === undefined;
  const passphrase = options.passphrase ?? randomBytes(24).toString('base64url');
  ensureDir(dir);

  const keyOf = (path: string, label: string): SigningKey => {
    const key = ed25519Sha256.generateSigningKey();
    writeKeyFile(path, key, passphrase, label, options.scryptN);
    return key;
  };

  const manifestOrgs: ManifestOrganisation[] = [];
  /** Root keys, to sign the finished genesis as each founder would in the ceremony. */
  const rootKeys = new Map<string, SigningKey>();
  const openingBalances: Array<{ address: string; amount: number; issuer: string }> = [];
  const issuers = organisations.filter((o) => o.roles.includes('issuer')).map((o) => o.id);
  const genesisOrgs: Array<{
    id: string;
    name: string;
    roles: string[];
    rootPublicKey: string;
    encryptionPublicKey: string;
  }> = [];
  const genesisIdentities: Array<{ publicKey: string; org: string; kind: string; permissions: string[] }> =
    [];
  for (const org of organisations) {
    const keysDir = networkPaths.orgKeys(dir, org.id);
    ensureDir(keysDir);
    const admin = keyOf(`${keysDir}/admin.json`, `${org.id}/admin`);
    const ops = keyOf(`${keysDir}/ops.json`, `${org.id}/ops`);
    rootKeys.set(org.id, admin);
    // Every organisation gets an X25519 key for sealed data (carriers and merchants open delivery
    // details with it); the private half is encrypted like the signing keys.
    const encryption = generateEncryptionKeyPair();
    writeEncryptionKeyFile(
      `${keysDir}/encryption.json`,
      encryption,
      passphrase,
      `${org.id}/encryption`,
      options.scryptN,
    );
    genesisOrgs.push({
      id: org.id,
      name: org.name,
      roles: [...org.roles],
      rootPublicKey: bytesToHex(admin.publicKey),
      encryptionPublicKey: bytesToHex(encryption.publicKey),
    });
    genesisIdentities.push({
      publicKey: bytesToHex(ops.publicKey),
      org: org.id,
      kind: 'service',
      permissions: ['transact'],
    });
    if (issuers.length > 0) {
      const issuer = issuers[0]!;
      openingBalances.push({ address: addressFromPublicKey(ops.publicKey), amount: OPENING_BALANCE, issuer });
    }
    manifestOrgs.push({
      id: org.id,
      name: org.name,
      roles: [...org.roles],
      keys: { admin: relative(dir, `${keysDir}/admin.json`), ops: relative(dir, `${keysDir}/ops.json`) },
      encryptionKey: relative(dir, `${keysDir}/encryption.json`),
    });
  }

  const firstOrg = organisations[0]!;
  for (let i = 0; i < (options.extraAccounts ?? 0); i++) {
    const label = `account-${i}`;
    const key = keyOf(`${networkPaths.orgKeys(dir, firstOrg.id)}/${label}.json`, `${firstOrg.id}/${label}`);
    genesisIdentities.push({
      publicKey: bytesToHex(key.publicKey),
      org: firstOrg.id,
      kind: 'service',
      permissions: ['transact'],
    });
    if (issuers.length > 0) {
      openingBalances.push({
        address: addressFromPublicKey(key.publicKey),
        amount: OPENING_BALANCE,
        issuer: issuers[0]!,
      });
    }
  }

  const nodes: ManifestNode[] = [];
  const validators: Array<{ publicKey: string; power: number; org: string }> = [];
  for (let i = 0; i < validatorCount + fullNodeCount; i++) {
    const isValidator = i < validatorCount;
    const org = organisations[i % organisations.length]!;
    const name = `node${i}`;
    ensureDir(networkPaths.nodeDir(dir, name));
    const key = keyOf(networkPaths.nodeKey(dir, name), `${name} (${org.id})`);
    writeFileSync(networkPaths.nodeAdminToken(dir, name), `${randomBytes(24).toString('base64url')}\n`, {
      mode: 0o600,
    });
    genesisIdentities.push({
      publicKey: bytesToHex(key.publicKey),
      org: org.id,
      kind: 'node',
      permissions: ['transact'],
    });
    if (isValidator) validators.push({ publicKey: bytesToHex(key.publicKey), power: 10, org: org.id });
    nodes.push({
      name,
      org: org.id,
      publicKey: bytesToHex(key.publicKey),
      host: '127.0.0.1',
      validator: isValidator,
      apiPort: basePort === 0 ? 0 : basePort + 2 * i,
      p2pPort: basePort === 0 ? 0 : basePort + 2 * i + 1,
    });
  }

  let genesis: GenesisDocument = {
    chainId,
    genesisTime: options.genesisTime,
    cryptoSuite: 'ed25519-sha256',
    // A network made with a dev passphrase on disk is a development network, and its genesis says so.
    ...(dev ? { dev: true } : {}),
    modules: {
      identity: { organisations: genesisOrgs, identities: genesisIdentities },
      governance: { validators },
      ...(options.registry === undefined ? {} : { registry: options.registry }),
      ...(options.insights === undefined ? {} : { insights: options.insights }),
      settlement: {
        symbol: options.currencySymbol ?? 'CNYS',
        decimals: 2,
        // Each issuer starts with an attested reserve that backs the opening balances and leaves room to
        // issue more; a real consortium replaces these figures with audited ones.
        issuers: issuers.map((org) => ({
          org,
          reserves: ISSUER_OPENING_RESERVES,
          reportRef: 'genesis-attestation',
        })),
        balances: openingBalances,
      },
    },
  };
  // Every founder signs, as in the ceremony (config/ceremony.ts): here one machine holds every root
  // key, which is what makes this a local network and not a consortium.
  for (const [org, key] of rootKeys) genesis = signGenesis(genesis, org, key);
  const manifest: NetworkManifest = { version: 1, chainId, dev, organisations: manifestOrgs, nodes };
  writeJsonFile(networkPaths.genesis(dir), genesis);
  writeJsonFile(networkPaths.manifest(dir), manifest);
  if (dev) {
    writeFileSync(networkPaths.devPassphrase(dir), `${passphrase}\n`, { mode: 0o600 });
    return { manifest, genesis, passphrase, devPassphraseFile: networkPaths.devPassphrase(dir) };
  }
  return { manifest, genesis, passphrase };
}
