/**
 * The genesis ceremony: how separate companies agree on the first state of their chain without any of
 * them holding another's secrets (decision 0009). One of them drafts the document (`newGenesis`), adds
 * each founder's public card (`addOrganisationToGenesis`), and passes the same file round; each founder
 * checks it and signs it with its own root key (`signGenesis`). A node starts only from a genesis that
 * every founding organisation signed (`requireFoundersSigned`), so nobody can be put into a consortium,
 * or be given a validator, a role or a balance, without having agreed to exactly that document.
 *
 * The signatures cover the document without its `signatures` field (so signing in any order yields the
 * same signed bytes); the genesis hash covers the whole document, signatures included.
 */
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
import { type GenesisDocument, KERNEL_UPGRADE_NAMES } from '@hanglian/state-machine';
import { NodeErrors } from '../errors.js';
import type { OrganisationCard } from './organisation.js';

const GENESIS_CONSENT_DOMAIN = utf8('hanglian/genesis-consent/v1\n');

/** Opening attested reserves of an issuer when none are given: 1,000,000,000.00 in minor units. */
export const DEFAULT_ISSUER_RESERVES = 100_000_000_000;

/** The sections of a genesis this module reads and writes (the others are kept as they are). */
interface IdentitySection {
  organisations: Array<{
    id: string;
    name: string;
    roles: string[];
    rootPublicKey: string;
    encryptionPublicKey?: string;
  }>;
  identities: Array<{ publicKey: string; org: string; kind: string; permissions: string[] }>;
}
interface GovernanceSection {
  parameters?: Record<string, number>;
  validators: Array<{ publicKey: string; power: number; org: string }>;
}
interface SettlementSection {
  symbol: string;
  decimals: number;
  issuers: Array<{ org: string; reserves: number; reportRef: string }>;
  balances: Array<{ address: string; amount: number; issuer: string }>;
}

export interface NewGenesisOptions {
  readonly chainId: string;
  /** Unix milliseconds; the first block's time must be later. */
  readonly genesisTime: number;
  /** A development network (it may use development-only settings such as a fast insights calendar). */
  readonly dev?: boolean;
  readonly currencySymbol?: string;
  readonly votingPeriodBlocks?: number;
  readonly thresholdNumerator?: number;
  readonly thresholdDenominator?: number;
  /** The registry's section: e.g. the commerce standards, on chain from the start. */
  readonly registry?: unknown;
  /** The insights module's section. */
  readonly insights?: unknown;
  /**
   * The software upgrades the chain is born with (default every one this release carries,
   * `KERNEL_UPGRADE_NAMES`): a new chain starts with the newest layouts and never migrates.
   */
  readonly upgrades?: readonly string[];
}

/** A draft genesis with no organisation yet. */
export function newGenesis(options: NewGenesisOptions): GenesisDocument {
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(options.chainId)) {
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      'the chain id is lower-case a-z, 0-9 and -, 1-64 long',
    );
  }
  const parameters: Record<string, number> = {};
  if (options.votingPeriodBlocks !== undefined) parameters.votingPeriodBlocks = options.votingPeriodBlocks;
  if (options.thresholdNumerator !== undefined) parameters.thresholdNumerator = options.thresholdNumerator;
  if (options.thresholdDenominator !== undefined)
    parameters.thresholdDenominator = options.thresholdDenominator;
  const identity: IdentitySection = { organisations: [], identities: [] };
  const governance: GovernanceSection = {
    ...(Object.keys(parameters).length === 0 ? {} : { parameters }),
    validators: [],
  };
  const settlement: SettlementSection = {
    symbol: options.currencySymbol ?? 'CNYS',
    decimals: 2,
    issuers: [],
    balances: [],
  };
  return {
    chainId: options.chainId,
    genesisTime: options.genesisTime,
    cryptoSuite: 'ed25519-sha256',
    ...(options.dev === true ? { dev: true } : {}),
    upgrades: [...(options.upgrades ?? KERNEL_UPGRADE_NAMES)],
    modules: {
      identity,
      governance,
      settlement,
      ...(options.registry === undefined ? {} : { registry: options.registry }),
      ...(options.insights === undefined ? {} : { insights: options.insights }),
    },
  };
}

export interface AddOrganisationOptions {
  /** Voting power of the organisation's node; absent or 0: not a validator. */
  readonly validatorPower?: number;
  /** Make it an issuer of the settlement unit, with these attested reserves (minor units). */
  readonly issuerReserves?: number;
  /** An opening balance of its operations account (minor units), backed by the first issuer. */
  readonly openingBalance?: number;
}

function sections(genesis: GenesisDocument): {
  identity: IdentitySection;
  governance: GovernanceSection;
  settlement: SettlementSection;
} {
  const m = genesis.modules as Record<string, unknown>;
  const identity = m.identity as IdentitySection | undefined;
  const governance = m.governance as GovernanceSection | undefined;
  const settlement = m.settlement as SettlementSection | undefined;
  if (
    !Array.isArray(identity?.organisations) ||
    !Array.isArray(identity?.identities) ||
    !Array.isArray(governance?.validators) ||
    !Array.isArray(settlement?.issuers) ||
    !Array.isArray(settlement?.balances)
  ) {
    throw new HanglianError(
      NodeErrors.GENESIS_CEREMONY,
      'the genesis lacks the identity, governance or settlement section (make it with `hanglian genesis new`)',
    );
  }
  return { identity, governance, settlement };
}

/**
 * Adds a founding organisation from its card: its root key, its admin, operations and node identities,
 * its encryption key, and optionally a validator, an issuer's reserves and an opening balance. Any
 * signature already on the document is dropped (they were for another document); returns how many.
 */
export function addOrganisationToGenesis(
  genesis: GenesisDocument,
  card: OrganisationCard,
  options: AddOrganisationOptions = {},
): { genesis: GenesisDocument; droppedSignatures: number } {
  const copy = structuredClone(genesis) as GenesisDocument & { signatures?: unknown[] };
  const { identity, governance, settlement } = sections(copy);
  const refuse = (what: string) =>
    new HanglianError(NodeErrors.GENESIS_CEREMONY, what, { details: { org: card.id } });
  if (identity.organisations.some((o) => o.id === card.id))
    throw refuse(`${card.id} is already in the genesis`);
  const keysInUse = new Set([
    ...identity.organisations.map((o) => o.rootPublicKey),
    ...identity.identities.map((i) => i.publicKey),
  ]);
  for (const key of [card.rootPublicKey, card.adminPublicKey, card.opsPublicKey, card.nodePublicKey]) {
    if (keysInUse.has(key)) throw refuse(`key ${key.slice(0, 12)}… of ${card.id} is already in the genesis`);
  }
  identity.organisations.push({
    id: card.id,
    name: card.name,
    roles: [...card.roles],
    rootPublicKey: card.rootPublicKey,
    encryptionPublicKey: card.encryptionPublicKey,
  });
  identity.identities.push(
    { publicKey: card.adminPublicKey, org: card.id, kind: 'service', permissions: ['admin', 'transact'] },
    { publicKey: card.opsPublicKey, org: card.id, kind: 'service', permissions: ['transact'] },
    { publicKey: card.nodePublicKey, org: card.id, kind: 'node', permissions: ['transact'] },
  );
  const power = options.validatorPower ?? 0;
  if (!Number.isInteger(power) || power < 0 || power > 1_000_000)
    throw refuse('the validator power is a whole number 0 … 1,000,000');
  if (power > 0) governance.validators.push({ publicKey: card.nodePublicKey, power, org: card.id });
  if (options.issuerReserves !== undefined) {
    if (!card.roles.includes('issuer')) throw refuse(`${card.id} does not have the issuer role on its card`);
    settlement.issuers.push({
      org: card.id,
      reserves: options.issuerReserves,
      reportRef: 'genesis-attestation',
    });
  }
  if (options.openingBalance !== undefined && options.openingBalance > 0) {
    const issuer = settlement.issuers[0];
    if (issuer === undefined)
      throw refuse('an opening balance needs an issuer in the genesis: add one first');
    settlement.balances.push({
      address: addressFromPublicKey(hexToBytes(card.opsPublicKey)),
      amount: options.openingBalance,
      issuer: issuer.org,
    });
  }
  const droppedSignatures = copy.signatures?.length ?? 0;
  delete copy.signatures;
  return { genesis: copy, droppedSignatures };
}

/**
 * Adds a further service identity (transact only) of an organisation already in the genesis, with an
 * optional opening balance backed by the first issuer: the funded accounts a local network's load
 * generators submit from. Signatures already on the document are dropped, as with an added organisation.
 */
export function addServiceIdentityToGenesis(
  genesis: GenesisDocument,
  account: { readonly org: string; readonly publicKey: string; readonly openingBalance?: number },
): GenesisDocument {
  const copy = structuredClone(genesis) as GenesisDocument & { signatures?: unknown[] };
  const { identity, settlement } = sections(copy);
  const refuse = (what: string) =>
    new HanglianError(NodeErrors.GENESIS_CEREMONY, what, { details: { org: account.org } });
  if (!identity.organisations.some((o) => o.id === account.org))
    throw refuse(`${account.org} is not in the genesis`);
  if (
    identity.organisations.some((o) => o.rootPublicKey === account.publicKey) ||
    identity.identities.some((i) => i.publicKey === account.publicKey)
  )
    throw refuse(`key ${account.publicKey.slice(0, 12)}… is already in the genesis`);
  identity.identities.push({
    publicKey: account.publicKey,
    org: account.org,
    kind: 'service',
    permissions: ['transact'],
  });
  if (account.openingBalance !== undefined && account.openingBalance > 0) {
    const issuer = settlement.issuers[0];
    if (issuer === undefined)
      throw refuse('an opening balance needs an issuer in the genesis: add one first');
    settlement.balances.push({
      address: addressFromPublicKey(hexToBytes(account.publicKey)),
      amount: account.openingBalance,
      issuer: issuer.org,
    });
  }
  delete copy.signatures;
  return copy;
}

/** The bytes every founder signs: the document without its signatures, canonically encoded. */
export function genesisSigningBytes(genesis: GenesisDocument): Uint8Array {
  const { signatures: _signatures, ...unsigned } = genesis;
  return concatBytes(GENESIS_CONSENT_DOMAIN, encodeCanonical(unsigned));
}

/** Hex SHA-256 of what the founders sign: the same for every founder, whatever the signatures. */
export function genesisConsentHash(genesis: GenesisDocument): string {
  return bytesToHex(sha256(genesisSigningBytes(genesis)));
}

/** Adds (or replaces) `org`'s signature, made with its root key. */
export function signGenesis(genesis: GenesisDocument, org: string, rootKey: SigningKey): GenesisDocument {
  const { identity } = sections(genesis);
  const founder = identity.organisations.find((o) => o.id === org);
  if (founder === undefined)
    throw new HanglianError(NodeErrors.GENESIS_CEREMONY, `${org} is not a founder in this genesis`);
  if (founder.rootPublicKey !== bytesToHex(rootKey.publicKey)) {
    throw new HanglianError(
      NodeErrors.GENESIS_CEREMONY,
      `the key given is not ${org}'s root key in this genesis`,
    );
  }
  const signature = bytesToHex(rootKey.sign(genesisSigningBytes(genesis)));
  const others = (genesis.signatures ?? []).filter((s) => s.org !== org);
  return { ...genesis, signatures: [...others, { org, publicKey: founder.rootPublicKey, signature }] };
}

export interface GenesisSignatureReport {
  /** What the founders signed (hex SHA-256 of the signing bytes). */
  readonly consentHash: string;
  readonly founders: readonly string[];
  readonly signed: readonly string[];
  readonly missing: readonly string[];
  /** Signatures that do not verify, or are by a key that is not that founder's root key, or by a stranger. */
  readonly invalid: readonly string[];
}

export function checkGenesisSignatures(genesis: GenesisDocument): GenesisSignatureReport {
  const { identity } = sections(genesis);
  const bytes = genesisSigningBytes(genesis);
  const roots = new Map(identity.organisations.map((o) => [o.id, o.rootPublicKey]));
  const signed = new Set<string>();
  const invalid: string[] = [];
  for (const entry of genesis.signatures ?? []) {
    const root = roots.get(entry.org);
    const ok =
      root !== undefined &&
      root === entry.publicKey &&
      !signed.has(entry.org) &&
      ed25519Sha256.verify(hexToBytes(root), bytes, hexToBytes(entry.signature));
    if (ok) signed.add(entry.org);
    else invalid.push(entry.org);
  }
  const founders = [...roots.keys()];
  return {
    consentHash: bytesToHex(sha256(bytes)),
    founders,
    signed: founders.filter((o) => signed.has(o)),
    missing: founders.filter((o) => !signed.has(o)),
    invalid,
  };
}

/** Throws GENESIS_UNSIGNED unless every founder signed this very document and no signature is bad. */
export function requireFoundersSigned(genesis: GenesisDocument): GenesisSignatureReport {
  let report: GenesisSignatureReport;
  try {
    report = checkGenesisSignatures(genesis);
  } catch (error) {
    throw new HanglianError(NodeErrors.GENESIS_UNSIGNED, (error as Error).message, { cause: error });
  }
  if (report.founders.length === 0 || report.missing.length > 0 || report.invalid.length > 0) {
    const parts = [
      report.founders.length === 0 ? 'it names no founding organisation' : '',
      report.missing.length > 0 ? `not signed by ${report.missing.join(', ')}` : '',
      report.invalid.length > 0 ? `signatures that do not verify: ${report.invalid.join(', ')}` : '',
    ].filter((p) => p !== '');
    throw new HanglianError(
      NodeErrors.GENESIS_UNSIGNED,
      `the genesis of ${genesis.chainId} is refused: ${parts.join('; ')} (each founder runs \`hanglian genesis sign\`)`,
      { details: { missing: report.missing, invalid: report.invalid } },
    );
  }
  return report;
}
