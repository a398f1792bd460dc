/**
 * The composition root of the kernel modules: the one place that knows how they depend on each other.
 * Each module states what it needs in its own expected.ts; here those needs are met with constructor
 * arguments (no globals, no registry lookups), so a test can wire a module against a stub instead.
 *
 *   identity  <-  governance   (admission, suspension, roles, root keys)
 *   identity  <-  settlement   (issuer role, permissions)
 *   identity  <-  evidence     (which organisation a validator key belongs to)
 *   identity, distribution's channel judge  <-  items   (the producer role, the organisation of a
 *                                  signer; whether a verified item is outside its channel or region)
 *   identity, items  <-  distribution   (organisations; moving items with their trace events)
 *   identity, items, distribution  <-  catalog   (roles; stock; channel verdicts)
 *   identity, items, catalog, settlement, registry, insights  <-  orders   (gateways and roles;
 *                                  reserving and moving items; listings and sessions; escrow; calling
 *                                  implementations; counting demand and sales)
 *   items  <-  insights   (the producer of a SKU)
 *   identity  <-  privacy      (grantees are active organisations; grants name no order)
 *   identity, interchain's method  <-  items (sending codes across)
 *   identity, lightclients, orders, items  <-  interchain   (a sender's organisation; verified state roots of
 *                                  other chains; orders takes proven deliveries)
 *
 * The registry runs contract code on a worker thread, so it joins only when the caller supplies one
 * (`options.registry`); the orders module, which calls implementations through it, comes with it.
 *
 * The order of `modules` is the order of genesis and of block hooks: identity first, because the others
 * check organisations while they read their own genesis sections.
 */
import { type CryptoSuite, ed25519Sha256 } from '@hanglian/core';
import type { MembershipOracle } from './execution/stateMachine.js';
import type { Module } from './framework/module.js';
import type { StateReader } from './framework/state.js';
import type { UpgradeDescription } from './framework/upgrades.js';
import { CatalogModule } from './modules/catalog/module.js';
import { DistributionMethod } from './modules/distribution/method.js';
import { DistributionModule } from './modules/distribution/module.js';
import { EvidenceModule } from './modules/evidence/module.js';
import { GovernanceModule } from './modules/governance/module.js';
import { IdentityModule } from './modules/identity/module.js';
import { InsightsModule } from './modules/insights/module.js';
import type { InterchainApp } from './modules/interchain/expected.js';
import { InterchainMethod } from './modules/interchain/method.js';
import { InterchainModule } from './modules/interchain/module.js';
import { ItemsModule } from './modules/items/module.js';
import { STOCK_INDEX_UPGRADE } from './modules/items/stores.js';
import { LightClientsModule } from './modules/lightclients/module.js';
import { OrdersModule } from './modules/orders/module.js';
import { PrivacyModule } from './modules/privacy/module.js';
import type { RegistryModule } from './modules/registry/module.js';
import { ReviewsMethod } from './modules/reviews/method.js';
import { ReviewsModule } from './modules/reviews/module.js';
import { SettlementModule } from './modules/settlement/module.js';

/**
 * The software upgrades this release of the kernel carries, oldest first (framework/upgrades.ts and
 * docs/decisions/0012-upgrades-with-migrations.md). A new chain is born with all of them (its genesis
 * lists them); a chain from before one takes it at the height governance schedules. Names are never
 * reused or removed: a release must still replay a chain from its genesis.
 */
export const KERNEL_UPGRADES: readonly UpgradeDescription[] = [
  {
    name: STOCK_INDEX_UPGRADE,
    summary:
      "Items' owner index keeps the status in the key, so a merchant's stock is one prefix however many of its copies are in open orders.",
  },
];

/** The names of KERNEL_UPGRADES: what a release carries, and what a new genesis lists. */
export const KERNEL_UPGRADE_NAMES: readonly string[] = KERNEL_UPGRADES.map((upgrade) => upgrade.name);

export interface KernelOptions {
  /** The chain's crypto suite, for modules that check signatures inside transactions (evidence). */
  readonly suite?: CryptoSuite;
  /**
   * The standards registry. When given, it and the orders module join the kernel (after catalog, in
   * that order); without it the kernel has no commerce (orders need implementations to call).
   */
  readonly registry?: RegistryModule;
  /** Further modules that take or send interchain messages, by module name (tests, extra modules). */
  readonly interchainApps?: Readonly<Record<string, InterchainApp>>;
  /** Modules built on the kernel, run after the kernel modules in this order. */
  readonly extraModules?: readonly Module[];
}

export interface Kernel {
  readonly identity: IdentityModule;
  readonly governance: GovernanceModule;
  readonly settlement: SettlementModule;
  readonly evidence: EvidenceModule;
  readonly items: ItemsModule;
  readonly distribution: DistributionModule;
  readonly catalog: CatalogModule;
  /** Present when `options.registry` was given. */
  readonly registry?: RegistryModule;
  readonly orders?: OrdersModule;
  readonly reviews?: ReviewsModule;
  /** Grants of purchase history (needs identity only, so always present). */
  readonly privacy: PrivacyModule;
  /** Sales and demand aggregates for producers (needs items only; orders feed it when present). */
  readonly insights: InsightsModule;
  /** Light clients of other chains, admitted by governance. */
  readonly lightclients: LightClientsModule;
  /** Verified messages with linked chains. */
  readonly interchain: InterchainModule;
  /** Every module for the StateMachine, in genesis and hook order. */
  readonly modules: readonly Module[];
  /** Who may submit transactions: active identities of active organisations, not expired. */
  readonly membership: MembershipOracle;
  /** The upgrade governance scheduled, for the StateMachine's `upgradePlan` (its migrations run at its height). */
  readonly upgradePlan: (
    state: StateReader,
  ) => { readonly name: string; readonly height: number } | undefined;
}

export function createKernel(options: KernelOptions = {}): Kernel {
  const identity = new IdentityModule();
  const governance = new GovernanceModule(identity.method);
  const settlement = new SettlementModule(identity.method);
  const evidence = new EvidenceModule(identity.method, options.suite ?? ed25519Sha256);
  // Channels are distribution's, but an item's verification reports 串货 too: one stateless judge for both.
  const channels = new DistributionMethod();
  // Linked chains: the light clients and the packet outbox come first, so items can send across.
  const lightclients = new LightClientsModule(options.suite ?? ed25519Sha256);
  const interchainMethod = new InterchainMethod(lightclients.method);
  const items = new ItemsModule(identity.method, channels, {
    interchain: interchainMethod,
    organisationIsActive: (state, org) => identity.method.getOrganisation(state, org)?.status === 'active',
  });
  const distribution = new DistributionModule(identity.method, items.method, channels);
  const catalog = new CatalogModule(identity.method, items.method, distribution.method);
  const registry = options.registry;
  const insights = new InsightsModule(items.method);
  const orders =
    registry === undefined
      ? undefined
      : new OrdersModule({
          identity: identity.method,
          items: items.method,
          catalog: catalog.method,
          settlement: settlement.method,
          registry,
          insights: insights.method,
          reviews: new ReviewsMethod(),
        });
  const reviews = orders === undefined ? undefined : new ReviewsModule(orders.method, identity.method);
  const privacy = new PrivacyModule(identity.method);
  const apps: Record<string, InterchainApp> = {
    ...(items.interchain === undefined ? {} : { items: items.interchain }),
    ...(orders === undefined ? {} : { orders: orders.interchain }),
    ...options.interchainApps,
  };
  const interchain = new InterchainModule({
    identity: identity.method,
    lightClients: lightclients.method,
    apps,
    method: interchainMethod,
  });
  return {
    identity,
    governance,
    settlement,
    evidence,
    items,
    distribution,
    catalog,
    ...(registry === undefined ? {} : { registry }),
    ...(orders === undefined ? {} : { orders }),
    ...(reviews === undefined ? {} : { reviews }),
    privacy,
    insights,
    lightclients,
    interchain,
    modules: [
      identity,
      governance,
      settlement,
      evidence,
      items,
      distribution,
      catalog,
      ...(registry === undefined || orders === undefined || reviews === undefined
        ? []
        : [registry, orders, reviews]),
      insights,
      privacy,
      lightclients,
      interchain,
      ...(options.extraModules ?? []),
    ],
    membership: identity,
    upgradePlan: (state) => governance.method.upgradePlan(state),
  };
}
