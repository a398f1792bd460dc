/**
 * An organisation's own directory, as `hanglian org init` writes it on the organisation's own machine.
 * Its secrets never leave it; only the public card does (to the genesis ceremony, or with an application
 * for admission):
 *
 *   ORGDIR/card.json                 the public card: id, name, roles, public keys, node addresses, signed
 *                                    by the root key
 *   ORGDIR/keys/root.json            the root key: signs the genesis and may certify identities; kept offline
 *   ORGDIR/keys/admin.json           an admin identity: votes and proposals in governance
 *   ORGDIR/keys/ops.json             the operations identity: day-to-day transactions
 *   ORGDIR/keys/encryption.json      the X25519 key sealed delivery details are opened with
 *   ORGDIR/node/node-key.json        the node key: links to other nodes, and votes when a validator
 *   ORGDIR/node/admin-token          the bearer token of the node's operator endpoints (/v1/admin)
 *   ORGDIR/node/data/                the node's ledger (LMDB)
 *   ORGDIR/node/consensus.wal        what the node signed in consensus
 *   ORGDIR/node/signer-state         the last height/round/step the node key signed (never from a backup)
 *   ORGDIR/node/node-key.next.json   a new node key while its rotation is under way (org rotate-node-key)
 *   ORGDIR/node/retired/             node keys rotated away, and the signer state and WAL they left
 *   ORGDIR/keys/root.next.json       a new root key while its rotation is under way (org rotate-root-key)
 *   ORGDIR/keys/retired/             root keys rotated away (revoked on chain: keep them for records only)
 *   ORGDIR/DEV-ONLY-PASSPHRASE.txt   local development only (`--dev`): the passphrase of the keys above
 *
 * Every key file is encrypted with the organisation's passphrase (scrypt + AES-256-GCM, keystore.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  addressFromPublicKey,
  bytesToHex,
  concatBytes,
  ed25519Sha256,
  encodeCanonical,
  HanglianError,
  hexToBytes,
  type SigningKey,
  sha256,
  utf8,
} from '@hanglian/core';
import { signerStateHeld, signerStateOwner } from '../consensus/signerState.js';
import { NodeErrors } from '../errors.js';
import {
  generateEncryptionKeyPair,
  readKeyFile,
  writeEncryptionKeyFile,
  writeKeyFile,
} from '../keystore/keystore.js';
import { DEV_PASSPHRASE_FILE, ensureDir, writeJsonFile } from './network.js';

export const orgPaths = {
  card: (dir: string) => join(dir, 'card.json'),
  key: (dir: string, label: OrgKeyLabel) => join(dir, 'keys', `${label}.json`),
  encryptionKey: (dir: string) => join(dir, 'keys', 'encryption.json'),
  nodeKey: (dir: string) => join(dir, 'node', 'node-key.json'),
  nodeAdminToken: (dir: string) => join(dir, 'node', 'admin-token'),
  nodeData: (dir: string) => join(dir, 'node', 'data'),
  nodeWal: (dir: string) => join(dir, 'node', 'consensus.wal'),
  nodeSignerState: (dir: string) => join(dir, 'node', 'signer-state'),
  nextNodeKey: (dir: string) => join(dir, 'node', 'node-key.next.json'),
  retired: (dir: string) => join(dir, 'node', 'retired'),
  nextRootKey: (dir: string) => join(dir, 'keys', 'root.next.json'),
  retiredKeys: (dir: string) => join(dir, 'keys', 'retired'),
  devPassphrase: (dir: string) => join(dir, DEV_PASSPHRASE_FILE),
};

export const ORG_KEY_LABELS = ['root', 'admin', 'ops'] as const;
export type OrgKeyLabel = (typeof ORG_KEY_LABELS)[number];

/** What an organisation shows the others: everything public, nothing secret. */
export interface OrganisationCard {
  readonly version: 1;
  readonly id: string;
  readonly name: string;
  readonly roles: readonly string[];
  /** Hex public keys. */
  readonly rootPublicKey: string;
  readonly adminPublicKey: string;
  readonly opsPublicKey: string;
  readonly nodePublicKey: string;
  /** X25519, hex. */
  readonly encryptionPublicKey: string;
  /** Where other nodes reach this organisation's node (HOST:PORT), and where its API listens. */
  readonly p2p: string;
  readonly api: string;
  /** The root key's signature over the rest of the card (`cardSigningBytes`): the card is its owner's. */
  readonly signature: string;
}

const CARD_DOMAIN = utf8('hanglian/organisation-card/v1\n');

export function cardSigningBytes(card: Omit<OrganisationCard, 'signature'>): Uint8Array {
  const { signature: _signature, ...rest } = card as OrganisationCard;
  return concatBytes(CARD_DOMAIN, encodeCanonical(rest));
}

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
const HEX_KEY = /^[0-9a-f]{64}$/;

/** Splits HOST:PORT (IPv6 in brackets), refusing what a socket could not bind or dial. */
export function parseHostPort(text: string, what: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text.trim());
  const port = match === null ? Number.NaN : Number(match[2]);
  if (match === null || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new HanglianError(NodeErrors.CONFIG_INVALID, `${what} must be HOST:PORT, not "${text}"`);
  }
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/** Checks a card's shape and its root signature; returns it typed. */
export function checkCard(value: unknown, source = 'the card'): OrganisationCard {
  const card = value as Partial<OrganisationCard> | null;
  const fail = (what: string) =>
    new HanglianError(NodeErrors.CARD_INVALID, `${source}: ${what}`, { details: { id: card?.id } });
  if (card === null || typeof card !== 'object' || card.version !== 1) throw fail('not a version-1 card');
  if (typeof card.id !== 'string' || !ID_PATTERN.test(card.id))
    throw fail('id must be lower-case a-z, 0-9, -');
  if (typeof card.name !== 'string' || card.name.length === 0 || card.name.length > 200)
    throw fail('name must be 1-200 characters');
  if (!Array.isArray(card.roles) || card.roles.some((r) => typeof r !== 'string')) throw fail('roles');
  for (const field of [
    'rootPublicKey',
    'adminPublicKey',
    'opsPublicKey',
    'nodePublicKey',
    'encryptionPublicKey',
  ] as const) {
    if (typeof card[field] !== 'string' || !HEX_KEY.test(card[field])) throw fail(`${field} is not 64 hex`);
  }
  const keys = [card.rootPublicKey, card.adminPublicKey, card.opsPublicKey, card.nodePublicKey];
  if (new Set(keys).size !== keys.length) throw fail('the same key is used twice');
  parseHostPort(String(card.p2p), `${source}: p2p`);
  parseHostPort(String(card.api), `${source}: api`);
  if (typeof card.signature !== 'string' || !/^[0-9a-f]{128}$/.test(card.signature))
    throw fail('no signature');
  const ok = ed25519Sha256.verify(
    hexToBytes(card.rootPublicKey!),
    cardSigningBytes(card as OrganisationCard),
    hexToBytes(card.signature),
  );
  if (!ok) throw fail('the signature is not its root key’s (the card was changed after it was made)');
  return card as OrganisationCard;
}

export function readCard(path: string): OrganisationCard {
  if (!existsSync(path)) throw new HanglianError(NodeErrors.CONFIG_INVALID, `no card at ${path}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new HanglianError(NodeErrors.CARD_INVALID, `${path} is not JSON`, { cause: error });
  }
  return checkCard(parsed, path);
}

/** True when `dir` is an organisation directory (it holds a card). */
export function isOrganisationDir(dir: string): boolean {
  return existsSync(orgPaths.card(dir));
}

export interface InitOrganisationOptions {
  readonly dir: string;
  readonly id: string;
  readonly name: string;
  readonly roles: readonly string[];
  /** Absent: a development organisation, its random passphrase written beside the keys. */
  readonly passphrase?: string;
  readonly p2p?: string;
  readonly api?: string;
  /** scrypt cost for the key files (tests lower it). */
  readonly scryptN?: number;
  /**
   * SIMULATIONS AND TESTS ONLY: every key derived from this seed and its label instead of the system's
   * randomness, so a network (and its genesis) is the same on every run of the seed.
   */
  readonly keySeed?: Uint8Array;
}

/** A key's 32-byte seed derived from a test seed and the key's label (see `keySeed`). */
export function derivedKeySeed(keySeed: Uint8Array, label: string): Uint8Array {
  return sha256(concatBytes(keySeed, utf8(label)));
}

export interface InitOrganisationResult {
  readonly card: OrganisationCard;
  readonly passphrase: string;
  readonly devPassphraseFile?: string;
}

export const DEFAULT_ORG_P2P = '127.0.0.1:26656';
export const DEFAULT_ORG_API = '127.0.0.1:26657';

/** Creates an organisation's keys and card in `dir` (which must be empty or absent). */
export function initOrganisation(options: InitOrganisationOptions): InitOrganisationResult {
  const { dir } = options;
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      `${dir} is not empty: an organisation directory is made once (keys are never overwritten)`,
    );
  }
  if (!ID_PATTERN.test(options.id)) {
    throw new HanglianError(NodeErrors.CONFIG_INVALID, '--id must be lower-case a-z, 0-9 and -, 1-64 long');
  }
  const p2p = options.p2p ?? DEFAULT_ORG_P2P;
  const api = options.api ?? DEFAULT_ORG_API;
  parseHostPort(p2p, '--p2p');
  parseHostPort(api, '--api');
  const dev = options.passphrase === undefined;
  const passphrase = options.passphrase ?? randomBytes(24).toString('base64url');
  ensureDir(join(dir, 'keys'));
  ensureDir(join(dir, 'node'));
  const make = (path: string, label: string): SigningKey => {
    const key =
      options.keySeed === undefined
        ? ed25519Sha256.generateSigningKey()
        : ed25519Sha256.signingKeyFromSeed(derivedKeySeed(options.keySeed, `${options.id}/${label}`));
    writeKeyFile(path, key, passphrase, `${options.id}/${label}`, options.scryptN);
    return key;
  };
  const root = make(orgPaths.key(dir, 'root'), 'root');
  const admin = make(orgPaths.key(dir, 'admin'), 'admin');
  const ops = make(orgPaths.key(dir, 'ops'), 'ops');
  const node = make(orgPaths.nodeKey(dir), 'node');
  const encryption = generateEncryptionKeyPair(
    options.keySeed === undefined ? undefined : derivedKeySeed(options.keySeed, `${options.id}/encryption`),
  );
  writeEncryptionKeyFile(
    orgPaths.encryptionKey(dir),
    encryption,
    passphrase,
    `${options.id}/encryption`,
    options.scryptN,
  );
  writeFileSync(orgPaths.nodeAdminToken(dir), `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  const unsigned: Omit<OrganisationCard, 'signature'> = {
    version: 1,
    id: options.id,
    name: options.name,
    roles: [...options.roles].sort(),
    rootPublicKey: bytesToHex(root.publicKey),
    adminPublicKey: bytesToHex(admin.publicKey),
    opsPublicKey: bytesToHex(ops.publicKey),
    nodePublicKey: bytesToHex(node.publicKey),
    encryptionPublicKey: bytesToHex(encryption.publicKey),
    p2p,
    api,
  };
  const card: OrganisationCard = {
    ...unsigned,
    signature: bytesToHex(root.sign(cardSigningBytes(unsigned))),
  };
  writeJsonFile(orgPaths.card(dir), card);
  if (dev) {
    writeFileSync(orgPaths.devPassphrase(dir), `${passphrase}\n`, { mode: 0o600 });
    return { card, passphrase, devPassphraseFile: orgPaths.devPassphrase(dir) };
  }
  return { card, passphrase };
}

/**
 * The passphrase of an organisation directory's keys: a file named on the command line, else
 * HANGLIAN_PASSPHRASE (handed in by the CLI), else a development organisation's dev file.
 */
export function resolveOrgPassphrase(args: {
  dir: string;
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
  if (existsSync(orgPaths.devPassphrase(args.dir)))
    return readFileSync(orgPaths.devPassphrase(args.dir), 'utf8').trim();
  throw new HanglianError(
    NodeErrors.CONFIG_INVALID,
    'no key passphrase: pass --passphrase-file FILE or set HANGLIAN_PASSPHRASE',
  );
}

/** One of the organisation's signing keys, decrypted. */
export function readOrgKey(dir: string, label: OrgKeyLabel | 'node', passphrase: string): SigningKey {
  const path = label === 'node' ? orgPaths.nodeKey(dir) : orgPaths.key(dir, label);
  if (!existsSync(path)) {
    throw new HanglianError(NodeErrors.CONFIG_INVALID, `no ${label} key in ${dir} (looked for ${path})`);
  }
  return readKeyFile(path, passphrase);
}

// ---- node key rotation (hanglian org rotate-node-key; governance rotateNodeKey) ----

/**
 * The new node key of a rotation: the one made by an earlier attempt that did not finish (so a rotation
 * interrupted after its transaction committed resumes with the key the chain now knows), else a new one,
 * written encrypted beside the current key before anything is submitted.
 */
export function nextNodeKey(dir: string, passphrase: string, scryptN?: number): SigningKey {
  const path = orgPaths.nextNodeKey(dir);
  if (existsSync(path)) return readKeyFile(path, passphrase);
  const card = readCard(orgPaths.card(dir));
  const key = ed25519Sha256.generateSigningKey();
  writeKeyFile(path, key, passphrase, `${card.id}/node`, scryptN);
  return key;
}

/**
 * After the rotation committed: the new key becomes the node key, the old key file goes to
 * `node/retired/` (named by its address), and the card names the new key, signed again by the root key.
 * The signer state and WAL of the old key are retired when the node next starts with the new key
 * (`retireSignerFilesOfOtherKey`): a node still running with the old key may write them until it stops.
 */
export function completeNodeKeyRotation(dir: string, passphrase: string): OrganisationCard {
  const card = readCard(orgPaths.card(dir));
  const next = readKeyFile(orgPaths.nextNodeKey(dir), passphrase);
  const root = readOrgKey(dir, 'root', passphrase);
  const oldAddress = addressFromPublicKey(hexToBytes(card.nodePublicKey));
  ensureDir(orgPaths.retired(dir));
  if (existsSync(orgPaths.nodeKey(dir))) {
    renameSync(orgPaths.nodeKey(dir), join(orgPaths.retired(dir), `node-key.${oldAddress}.json`));
  }
  renameSync(orgPaths.nextNodeKey(dir), orgPaths.nodeKey(dir));
  const { signature: _signature, ...rest } = card;
  const unsigned: Omit<OrganisationCard, 'signature'> = {
    ...rest,
    nodePublicKey: bytesToHex(next.publicKey),
  };
  const updated: OrganisationCard = {
    ...unsigned,
    signature: bytesToHex(root.sign(cardSigningBytes(unsigned))),
  };
  writeJsonFile(orgPaths.card(dir), updated);
  return updated;
}

/**
 * When the node key changed (a rotation), the signer state and consensus WAL on disk are the old key's:
 * they say nothing about what the new key signed (nothing yet), and the signer refuses a state of another
 * key. Moves them to `node/retired/`, named by the key they belong to, and returns that key's hex, or
 * undefined when they are this key's (or absent). A state held by a running process is left alone: the
 * signer then refuses to start (SIGNER_IN_USE), as for any second process.
 */
export function retireSignerFilesOfOtherKey(dir: string, nodePublicKey: Uint8Array): string | undefined {
  const path = orgPaths.nodeSignerState(dir);
  if (!existsSync(path)) return undefined;
  const owner = signerStateOwner(path);
  const current = bytesToHex(nodePublicKey);
  if (owner === undefined || owner === current) return undefined;
  if (signerStateHeld(path)) return undefined;
  const tag = addressFromPublicKey(hexToBytes(owner));
  ensureDir(orgPaths.retired(dir));
  renameSync(path, join(orgPaths.retired(dir), `signer-state.${tag}`));
  if (existsSync(orgPaths.nodeWal(dir))) {
    renameSync(orgPaths.nodeWal(dir), join(orgPaths.retired(dir), `consensus.wal.${tag}`));
  }
  return owner;
}

// ---- root key rotation (hanglian org rotate-root-key; identity rotateKey signed by the root) ----

/**
 * The new root key of a rotation: the one an earlier attempt made and did not finish (so a rotation
 * interrupted after its transaction committed resumes with the key the chain now knows), else a new one,
 * written encrypted beside the current root key before anything is submitted.
 */
export function nextRootKey(dir: string, passphrase: string, scryptN?: number): SigningKey {
  const path = orgPaths.nextRootKey(dir);
  if (existsSync(path)) return readKeyFile(path, passphrase);
  const card = readCard(orgPaths.card(dir));
  const key = ed25519Sha256.generateSigningKey();
  writeKeyFile(path, key, passphrase, `${card.id}/root`, scryptN);
  return key;
}

/**
 * After the root rotation committed: the new key becomes `keys/root.json`, the old one goes to
 * `keys/retired/` (named by its address), and the card names the new root and is signed by it (a card
 * is its current root's: `checkCard` verifies it against the root it names).
 */
export function completeRootKeyRotation(dir: string, passphrase: string): OrganisationCard {
  const card = readCard(orgPaths.card(dir));
  const next = readKeyFile(orgPaths.nextRootKey(dir), passphrase);
  const oldAddress = addressFromPublicKey(hexToBytes(card.rootPublicKey));
  ensureDir(orgPaths.retiredKeys(dir));
  if (existsSync(orgPaths.key(dir, 'root'))) {
    renameSync(orgPaths.key(dir, 'root'), join(orgPaths.retiredKeys(dir), `root.${oldAddress}.json`));
  }
  renameSync(orgPaths.nextRootKey(dir), orgPaths.key(dir, 'root'));
  const { signature: _signature, ...rest } = card;
  const unsigned: Omit<OrganisationCard, 'signature'> = {
    ...rest,
    rootPublicKey: bytesToHex(next.publicKey),
  };
  const updated: OrganisationCard = {
    ...unsigned,
    signature: bytesToHex(next.sign(cardSigningBytes(unsigned))),
  };
  writeJsonFile(orgPaths.card(dir), updated);
  return updated;
}
