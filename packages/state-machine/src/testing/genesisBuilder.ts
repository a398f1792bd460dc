import { bytesToHex } from '@hanglian/core';
import type { GenesisDocument } from '../execution/stateMachine.js';
import { KERNEL_UPGRADE_NAMES } from '../kernel.js';
import type { GovernanceGenesis } from '../modules/governance/module.js';
import type { GovernanceParameters } from '../modules/governance/stores.js';
import type { IdentityGenesis } from '../modules/identity/module.js';
import type { BusinessRole, IdentityKind, Permission } from '../modules/identity/stores.js';
import type { SettlementGenesis } from '../modules/settlement/module.js';
import { testKey } from './keys.js';
import { testEncryptionKey } from './sealed.js';

export const TEST_CHAIN_ID = 'hanglian-test';
/** 2026-01-01T00:00:00Z: a fixed genesis time keeps block times, and so results, reproducible. */
export const TEST_GENESIS_TIME = 1_767_225_600_000;

/**
 * Builds a genesis document from labels: every key is `testKey(label)`. An organisation's root key is
 * `testKey('<org>/root')`.
 */
export class GenesisBuilder {
  readonly chainId: string;
  readonly genesisTime: number;
  readonly #identity: IdentityGenesis = { organisations: [], identities: [] };
  readonly #governance: GovernanceGenesis = { validators: [] };
  readonly #settlement: SettlementGenesis = { symbol: 'CNYS', decimals: 2, issuers: [], balances: [] };
  #upgrades: readonly string[] = KERNEL_UPGRADE_NAMES;

  constructor(options: { chainId?: string; genesisTime?: number } = {}) {
    this.chainId = options.chainId ?? TEST_CHAIN_ID;
    this.genesisTime = options.genesisTime ?? TEST_GENESIS_TIME;
  }

  /**
   * The software upgrades the chain is born with (default all the kernel carries, as a new chain's
   * genesis). `[]` makes a chain from before every upgrade: one that must migrate when they are scheduled.
   */
  upgrades(names: readonly string[]): this {
    this.#upgrades = [...names];
    return this;
  }

  organisation(id: string, roles: readonly BusinessRole[], name = id): this {
    this.#identity.organisations.push({
      id,
      name,
      roles: [...roles],
      rootPublicKey: bytesToHex(testKey(`${id}/root`).publicKey),
    });
    return this;
  }

  /** Gives an organisation listed before its X25519 key for sealed data (default: `testEncryptionKey(org)`). */
  encryptionKey(org: string, publicKey: Uint8Array = testEncryptionKey(org)): this {
    const entry = this.#identity.organisations.find((o) => o.id === org);
    if (entry === undefined) throw new Error(`organisation ${org} is not listed yet`);
    entry.encryptionPublicKey = bytesToHex(publicKey);
    return this;
  }

  identity(
    label: string,
    options: { org: string; kind?: IdentityKind; permissions?: readonly Permission[]; expiresAt?: number },
  ): this {
    const entry: IdentityGenesis['identities'][number] = {
      publicKey: bytesToHex(testKey(label).publicKey),
      org: options.org,
      kind: options.kind ?? 'person',
      permissions: [...(options.permissions ?? ['admin', 'transact'])],
    };
    if (options.expiresAt !== undefined) entry.expiresAt = options.expiresAt;
    this.#identity.identities.push(entry);
    return this;
  }

  validator(label: string, org: string, power = 1): this {
    this.#governance.validators.push({ publicKey: bytesToHex(testKey(label).publicKey), power, org });
    return this;
  }

  governanceParameters(parameters: Partial<GovernanceParameters>): this {
    this.#governance.parameters = { ...this.#governance.parameters, ...parameters };
    return this;
  }

  unit(symbol: string, decimals: number): this {
    this.#settlement.symbol = symbol;
    this.#settlement.decimals = decimals;
    return this;
  }

  issuer(org: string, reserves: number, reportRef = 'genesis-report'): this {
    this.#settlement.issuers.push({ org, reserves, reportRef });
    return this;
  }

  balance(address: string, amount: number, issuer: string): this {
    this.#settlement.balances.push({ address, amount, issuer });
    return this;
  }

  build(): GenesisDocument {
    return structuredClone({
      chainId: this.chainId,
      genesisTime: this.genesisTime,
      cryptoSuite: 'ed25519-sha256' as const,
      ...(this.#upgrades.length === 0 ? {} : { upgrades: [...this.#upgrades] }),
      modules: { identity: this.#identity, governance: this.#governance, settlement: this.#settlement },
    });
  }
}

/**
 * The network most tests start from: four organisations, each with an admin person `<org>/admin`, a
 * node identity `<org>/node` that is also a validator (power 1), and a clerk `<org>/clerk` who may only
 * transact. `pay` is a payment provider and licensed issuer with 1,000,000.00 CNYS of attested reserves.
 *
 *   brand  producer          shop  merchant, host
 *   pay    payment, issuer   reg   regulator, arbiter
 */
export function standardTestNetwork(
  options: { chainId?: string; genesisTime?: number } = {},
): GenesisBuilder {
  const builder = new GenesisBuilder(options)
    .organisation('brand', ['producer'], 'Brand Co.')
    .organisation('shop', ['merchant', 'host'], 'Shop Co.')
    .organisation('pay', ['payment', 'issuer'], 'Pay Co.')
    .organisation('reg', ['regulator', 'arbiter'], 'Market Regulator');
  for (const org of ['brand', 'shop', 'pay', 'reg']) {
    builder
      .identity(`${org}/admin`, { org, kind: 'person', permissions: ['admin', 'transact'] })
      .identity(`${org}/node`, { org, kind: 'node', permissions: ['transact'] })
      .identity(`${org}/clerk`, { org, kind: 'person', permissions: ['transact'] })
      .validator(`${org}/node`, org);
  }
  return builder.issuer('pay', 100_000_000);
}
