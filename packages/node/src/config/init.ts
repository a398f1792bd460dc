/**
 * Creates a local network directory (network.ts): one organisation directory per member, made as
 * `hanglian org init` makes it, and the genesis every member signed, made as the genesis ceremony makes
 * it. Used by `hanglian init`, the devnet and the tests.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { bytesToHex, ed25519Sha256, HanglianError } from '@hanglian/core';
import type { GenesisDocument } from '@hanglian/state-machine';
import { NodeErrors } from '../errors.js';
import { writeKeyFile } from '../keystore/keystore.js';
import {
  addOrganisationToGenesis,
  addServiceIdentityToGenesis,
  newGenesis,
  requireFoundersSigned,
  signGenesis,
} from './ceremony.js';
import {
  ensureDir,
  type ManifestNode,
  type ManifestOrganisation,
  type NetworkManifest,
  networkPaths,
  writeJsonFile,
} from './network.js';
import {
  derivedKeySeed,
  initOrganisation,
  ORG_KEY_LABELS,
  type OrganisationCard,
  orgPaths,
  readOrgKey,
} from './organisation.js';

/** Where a local network's nodes listen. */
const HOST = '127.0.0.1';
/**
 * scrypt cost of a development network's key files (the production default is 2^15): their passphrase
 * is on disk beside them (DEV-ONLY-PASSPHRASE.txt).
 */
export const DEV_NETWORK_SCRYPT_N = 2 ** 12;
/** Voting power of each validator of a local network. */
const VALIDATOR_POWER = 10;

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
  /** Validator nodes to create: the nodes of the first organisations, in order. */
  readonly validators?: number;
  /** Non-voting full nodes to create: the nodes of the organisations after the validators'. */
  readonly fullNodes?: number;
  readonly organisations?: readonly OrganisationSpec[];
  /** The key passphrase. When absent, a dev network is made and its random passphrase written beside the keys. */
  readonly passphrase?: string;
  /** First port: node i gets API port basePort + 2i and P2P port basePort + 2i + 1. */
  readonly basePort?: number;
  readonly genesisTime: number;
  /** scrypt cost for the key files (tests lower it to run faster). */
  readonly scryptN?: number;
  /** SIMULATIONS AND TESTS ONLY: every key derived from this seed (see InitOrganisationOptions). */
  readonly keySeed?: Uint8Array;
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
   * Extra funded service identities of the first organisation (`orgs/<org>/keys/account-<i>.json`), for
   * load generators that need many independent submitters.
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

/**
 * Makes a local network by the consortium's own steps, all on this machine: each organisation makes its
 * directory as `hanglian org init` does (`initOrganisation`), the genesis is drafted, given every card
 * and signed by every root key as in `hanglian genesis new/add-org/sign` (ceremony.ts), and the manifest
 * says which organisation runs which node on which ports. Node i is the node of organisation i.
 */
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
  const nodeCount = validatorCount + fullNodeCount;
  if (!Number.isInteger(fullNodeCount) || fullNodeCount < 0 || nodeCount > organisations.length) {
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      `each node is one organisation's: validators and full nodes together are at most the number of organisations (${organisations.length})`,
    );
  }
  const dev = options.passphrase === undefined;
  const passphrase = options.passphrase ?? randomBytes(24).toString('base64url');
  // A dev network's passphrase is written beside its keys, so a costly key derivation protects nothing
  // there: it only made `npm start`'s first run slow (six key files per organisation).
  const scryptN = options.scryptN ?? (dev ? DEV_NETWORK_SCRYPT_N : undefined);
  ensureDir(dir);
  const port = (i: number, which: 'api' | 'p2p') =>
    basePort === 0 ? 0 : basePort + 2 * i + (which === 'p2p' ? 1 : 0);

  // 1. Every organisation makes its own directory: keys encrypted at rest, a card signed by its root key.
  const cards: OrganisationCard[] = organisations.map((org, i) => {
    const orgDir = networkPaths.orgDir(dir, org.id);
    const { card } = initOrganisation({
      dir: orgDir,
      id: org.id,
      name: org.name,
      roles: org.roles,
      passphrase,
      p2p: `${HOST}:${port(i, 'p2p')}`,
      api: `${HOST}:${port(i, 'api')}`,
      ...(scryptN === undefined ? {} : { scryptN }),
      ...(options.keySeed === undefined ? {} : { keySeed: options.keySeed }),
    });
    // A dev network's organisation directories open without a passphrase file, as `org init --dev`'s.
    if (dev) writeFileSync(orgPaths.devPassphrase(orgDir), `${passphrase}\n`, { mode: 0o600 });
    return card;
  });

  // 2. The genesis: drafted, then each card added. Issuers go first, so every opening balance has the
  // first issuer's reserves behind it (what `genesis add-org --balance` asks).
  let genesis = newGenesis({
    chainId,
    genesisTime: options.genesisTime,
    // A network made with a dev passphrase on disk is a development network, and its genesis says so.
    dev,
    ...(options.currencySymbol === undefined ? {} : { currencySymbol: options.currencySymbol }),
    ...(options.registry === undefined ? {} : { registry: options.registry }),
    ...(options.insights === undefined ? {} : { insights: options.insights }),
  });
  const isIssuer = (card: OrganisationCard) => card.roles.includes('issuer');
  const anyIssuer = cards.some(isIssuer);
  const order = [...cards.filter(isIssuer), ...cards.filter((c) => !isIssuer(c))];
  for (const card of order) {
    const index = cards.indexOf(card);
    genesis = addOrganisationToGenesis(genesis, card, {
      ...(index < validatorCount ? { validatorPower: VALIDATOR_POWER } : {}),
      ...(isIssuer(card) ? { issuerReserves: ISSUER_OPENING_RESERVES } : {}),
      ...(anyIssuer ? { openingBalance: OPENING_BALANCE } : {}),
    }).genesis;
  }
  const first = cards[0]!;
  const firstKeys: Record<string, string> = {};
  for (let i = 0; i < (options.extraAccounts ?? 0); i++) {
    const label = `account-${i}`;
    const key =
      options.keySeed === undefined
        ? ed25519Sha256.generateSigningKey()
        : ed25519Sha256.signingKeyFromSeed(derivedKeySeed(options.keySeed, `${first.id}/${label}`));
    const path = networkPaths.orgKey(dir, first.id, label);
    writeKeyFile(path, key, passphrase, `${first.id}/${label}`, scryptN);
    firstKeys[label] = relative(dir, path);
    genesis = addServiceIdentityToGenesis(genesis, {
      org: first.id,
      publicKey: bytesToHex(key.publicKey),
      ...(anyIssuer ? { openingBalance: OPENING_BALANCE } : {}),
    });
  }

  // 3. Every founder signs the same document with its root key (`hanglian genesis sign`).
  for (const card of cards) {
    genesis = signGenesis(
      genesis,
      card.id,
      readOrgKey(networkPaths.orgDir(dir, card.id), 'root', passphrase),
    );
  }
  requireFoundersSigned(genesis);

  const manifestOrgs: ManifestOrganisation[] = cards.map((card) => ({
    id: card.id,
    name: card.name,
    roles: [...card.roles],
    dir: relative(dir, networkPaths.orgDir(dir, card.id)),
    keys: {
      ...Object.fromEntries(
        ORG_KEY_LABELS.map((label) => [label, relative(dir, networkPaths.orgKey(dir, card.id, label))]),
      ),
      ...(card.id === first.id ? firstKeys : {}),
    },
    encryptionKey: relative(dir, networkPaths.orgKey(dir, card.id, 'encryption')),
  }));
  const nodes: ManifestNode[] = cards.slice(0, nodeCount).map((card, i) => ({
    name: `node${i}`,
    org: card.id,
    publicKey: card.nodePublicKey,
    host: HOST,
    validator: i < validatorCount,
    apiPort: port(i, 'api'),
    p2pPort: port(i, 'p2p'),
  }));
  const manifest: NetworkManifest = { version: 2, chainId, dev, organisations: manifestOrgs, nodes };
  writeJsonFile(networkPaths.genesis(dir), genesis);
  writeJsonFile(networkPaths.manifest(dir), manifest);
  if (dev) {
    writeFileSync(networkPaths.devPassphrase(dir), `${passphrase}\n`, { mode: 0o600 });
    return { manifest, genesis, passphrase, devPassphraseFile: networkPaths.devPassphrase(dir) };
  }
  return { manifest, genesis, passphrase };
}
