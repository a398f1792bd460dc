/** What the orders module needs from other modules (Cosmos' expected keepers): wired in kernel.ts. */
import type { Address } from '@hanglian/core';
import type { StateReader, StateWriter } from '../../framework/state.js';
import type { CatalogMethod } from '../catalog/method.js';
import type { BusinessRole, Organisation, Permission } from '../identity/stores.js';
import type { ItemsMethod } from '../items/method.js';
import type { ContractExecutor } from '../registry/executor.js';
import type { RegistryMethod } from '../registry/method.js';

export interface IdentityForOrders {
  orgOf(state: StateReader, address: Address): string | undefined;
  orgHasRole(state: StateReader, orgId: string, role: BusinessRole): boolean;
  getOrganisation(state: StateReader, id: string): Organisation | undefined;
  hasPermission(state: StateReader, address: Address, permission: Permission): boolean;
  /** The organisation's registered X25519 key, to which delivery details must be sealed. */
  encryptionKeyOf(state: StateReader, orgId: string): Uint8Array | undefined;
}

export type ItemsForOrders = Pick<ItemsMethod, 'resolve' | 'apply' | 'holdings' | 'getBatch' | 'getProduct'>;
export type CatalogForOrders = Pick<CatalogMethod, 'getListing' | 'getSession'>;

/**
 * Money: the escrow moves it with `transfer` under this module's rules (no signature of the escrow
 * exists). Each escrow is a module account of `orders`: only `deposit` (the payment step) pays into it.
 */
export interface SettlementForOrders {
  balanceOf(state: StateReader, address: Address): number;
  transfer(state: StateWriter, from: Address, to: Address, amount: number): void;
  credit(state: StateWriter, to: Address, amount: number): void;
  openModuleAccount(state: StateWriter, address: Address, module: string): void;
  deposit(state: StateWriter, from: Address, to: Address, amount: number, module: string): void;
}

/**
 * Sales and demand counters (the insights module): told when an order is placed and when it ends, with
 * the order's figures and its buyer's coarse region, never its buyer.
 */
export interface InsightsForOrders {
  recordPlaced(state: StateWriter, order: OrderFigures, time: number): void;
  recordEnded(state: StateWriter, order: OrderFigures, ending: string, time: number): void;
}
export interface OrderFigures {
  readonly sku: string;
  readonly region: string;
  readonly quantity: number;
  /** Unit price × quantity (no shipping, no fees). */
  readonly amount: number;
}

/** The registry: which implementation is which, and where its code runs. */
export interface RegistryForOrders {
  readonly method: Pick<RegistryMethod, 'requireDeployment'>;
  readonly executor: ContractExecutor;
}

/**
 * The review of an order (the reviews module's store, public): a bucket answer carries it, so a wallet
 * learns its own reviews without naming its orders (docs/privacy.md, discovery).
 */
export interface ReviewsForOrders {
  getReview(state: StateReader, order: string): { rating: number; writtenAt: number } | undefined;
}
