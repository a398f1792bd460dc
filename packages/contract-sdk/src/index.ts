/**
 * What a contract author imports. Everything here is bundled into the contract (esbuild, IIFE) and runs
 * inside the sandbox, so it imports nothing and touches only the sandbox's frozen global `chain`.
 *
 * ```ts
 * import { defineContract, emit, state } from '@hanglian/contract-sdk';
 *
 * export default defineContract({
 *   quote(weightGrams: number, from: string, to: string) {
 *     return { price: 800 + Math.ceil(weightGrams / 1000) * 200, days: from === to ? 2 : 3 };
 *   },
 *   ship(orderRef: string, weightGrams: number, from: string, to: string) {
 *     if (state.get(`shipment/${orderRef}`) !== null) throw new Error('already booked');
 *     state.set(`shipment/${orderRef}`, 'booked');
 *     emit('shipped', { orderRef });
 *     return this.quote(weightGrams, from, to);
 *   },
 * });
 * ```
 */

/** Plain JSON data: what crosses the sandbox boundary in either direction. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The sandbox's global `chain` (contract-runtime README, "What a contract sees"). */
export interface ChainGlobal {
  readonly contract: string;
  readonly caller: string;
  readonly height: number;
  readonly time: number;
  readonly state: {
    get(key: string): string | null;
    set(key: string, value: string): void;
    delete(key: string): void;
  };
  emit(name: string, data: JsonValue): void;
  call(name: string, ...args: JsonValue[]): JsonValue;
}

function chainGlobal(): ChainGlobal {
  const found = (globalThis as { chain?: ChainGlobal }).chain;
  if (found === undefined) throw new Error('no chain: this code runs inside the Hanglian contract sandbox');
  return found;
}

/** A contract's methods; each takes and returns plain JSON data. `this` is the methods object. */
export type ContractMethods = Record<string, (...args: any[]) => JsonValue>;

/**
 * Declares the contract: the default export of `src/contract.ts`. `hanglian contract build` makes this
 * object the sandbox's global `contract`. Returns its argument, typed, so a standard's interface can be
 * checked: `defineContract<LogisticsQuote>({...})`.
 */
export function defineContract<M extends ContractMethods>(methods: M & ThisType<M>): M {
  return methods;
}

/** The contract's own key space. Keys ≤ 256 UTF-8 bytes, values ≤ 64 KiB; gas per byte. */
export const state = {
  get(key: string): string | null {
    return chainGlobal().state.get(key);
  },
  set(key: string, value: string): void {
    chainGlobal().state.set(key, value);
  },
  delete(key: string): void {
    chainGlobal().state.delete(key);
  },
  /** A JSON value stored under `key`, or `fallback`. */
  getJson<T extends JsonValue>(key: string, fallback: T): T {
    const text = chainGlobal().state.get(key);
    return text === null ? fallback : (JSON.parse(text) as T);
  },
  setJson(key: string, value: JsonValue): void {
    chainGlobal().state.set(key, JSON.stringify(value));
  },
};

/** Emits an event of this contract (recorded under its implementation id on success). */
export function emit(name: string, data: JsonValue): void {
  chainGlobal().emit(name, data);
}

/** Who called, and the block the call runs in (the only clock). */
export function context(): { contract: string; caller: string; height: number; time: number } {
  const c = chainGlobal();
  return { contract: c.contract, caller: c.caller, height: c.height, time: c.time };
}

/** Kernel methods a contract may call; refusals throw a HostCallError (`CODE: message`). */
export const settlement = {
  /** Balance of an account, default the contract's own, in minor units. */
  balanceOf(address?: string): number {
    return (
      address === undefined
        ? chainGlobal().call('settlement.balanceOf')
        : chainGlobal().call('settlement.balanceOf', address)
    ) as number;
  },
  /** Pays from the contract's own account (never another's). Not allowed in read-only methods. */
  transfer(to: string, amount: number): void {
    chainGlobal().call('settlement.transfer', to, amount);
  },
};
