/**
 * What other modules may call. `transfer` moves money without asking who is allowed to: authorisation is
 * the caller's job (escrow, for one, moves money it holds under its own rules). Commands of this module
 * check signatures before they call it.
 */
import { type Address, HanglianError } from '@hanglian/core';
import type { StateReader, StateWriter } from '../../framework/state.js';
import { SettlementErrors } from './errors.js';
import {
  balanceStore,
  type IssuerAccount,
  issuerStore,
  moduleAccountStore,
  type Totals,
  totalsStore,
  type UnitConfig,
  unitConfigStore,
} from './stores.js';

export class SettlementMethod {
  unit(state: StateReader): UnitConfig | undefined {
    return unitConfigStore.get(state, 'unit');
  }

  balanceOf(state: StateReader, address: Address): number {
    return balanceStore.get(state, address)?.amount ?? 0;
  }

  totals(state: StateReader): Totals {
    return totalsStore.get(state, 'all') ?? { supply: 0, reserves: 0 };
  }

  issuer(state: StateReader, org: string): IssuerAccount | undefined {
    return issuerStore.get(state, org);
  }

  listIssuers(state: StateReader): IssuerAccount[] {
    return [...issuerStore.entries(state)].map(([, account]) => account);
  }

  /**
   * Moves `amount` from one account to another. Throws SETTLEMENT_INSUFFICIENT_BALANCE,
   * SETTLEMENT_SELF_TRANSFER, or SETTLEMENT_MODULE_ACCOUNT when `to` is a module's account (only its module
   * pays into it, with `deposit`). Does not check who may move the money: the caller must.
   */
  transfer(state: StateWriter, from: Address, to: Address, amount: number): void {
    if (from === to) {
      throw new HanglianError(SettlementErrors.SETTLEMENT_SELF_TRANSFER, `${from} cannot pay itself`);
    }
    this.requireOpen(state, to);
    this.debit(state, from, amount);
    this.credit(state, to, amount);
  }

  /**
   * Registers `address` as an account only `module` pays into (an order's escrow, when the order is
   * created). Money already there stays, for the module to give back (see the orders README).
   */
  openModuleAccount(state: StateWriter, address: Address, module: string): void {
    moduleAccountStore.set(state, address, { module });
  }

  /** The module whose account `address` is, if it is one. */
  moduleOf(state: StateReader, address: Address): string | undefined {
    return moduleAccountStore.get(state, address)?.module;
  }

  /** Throws SETTLEMENT_MODULE_ACCOUNT when `to` is a module's account: no ordinary payment may reach it. */
  requireOpen(state: StateReader, to: Address): void {
    const module = this.moduleOf(state, to);
    if (module !== undefined) {
      throw new HanglianError(
        SettlementErrors.SETTLEMENT_MODULE_ACCOUNT,
        `${to} is an account of the ${module} module: only its own steps pay into it`,
        { details: { account: to, module } },
      );
    }
  }

  /**
   * The owning module pays into its own account (the orders module funding an escrow). Throws
   * SETTLEMENT_MODULE_ACCOUNT when `to` is not an account of `module`, and the errors of `debit`.
   */
  deposit(state: StateWriter, from: Address, to: Address, amount: number, module: string): void {
    if (this.moduleOf(state, to) !== module) {
      throw new HanglianError(
        SettlementErrors.SETTLEMENT_MODULE_ACCOUNT,
        `${to} is not an account of the ${module} module`,
        { details: { account: to, module } },
      );
    }
    this.debit(state, from, amount);
    this.credit(state, to, amount);
  }

  /** Removes money from an account (part of transfer and redeem). */
  debit(state: StateWriter, from: Address, amount: number): void {
    const balance = this.balanceOf(state, from);
    if (!Number.isSafeInteger(amount) || amount <= 0 || balance < amount) {
      throw new HanglianError(
        SettlementErrors.SETTLEMENT_INSUFFICIENT_BALANCE,
        `${from} holds ${balance}, less than ${amount}`,
        { details: { account: from, balance, amount } },
      );
    }
    // Zero balances are deleted, so the state holds only accounts that hold money.
    if (balance === amount) balanceStore.delete(state, from);
    else balanceStore.set(state, from, { amount: balance - amount });
  }

  /** Adds money to an account. Cannot overflow: every balance is at most the supply, itself at most the reserves. */
  credit(state: StateWriter, to: Address, amount: number): void {
    balanceStore.set(state, to, { amount: this.balanceOf(state, to) + amount });
  }
}
