/**
 * The ContractHost the registry gives a call: the implementation's own key space over a state, and the
 * small, permission-checked set of kernel methods a contract may reach with `chain.call`:
 *
 *   settlement.balanceOf(address?)   → integer   balance of an account (default: the contract's own)
 *   settlement.transfer(to, amount)  → null      pay from the contract's own account, never another's
 *   contract.call(implementation, method, args)  → the callee's result   (routed to `callContract`, calls.ts)
 *
 * Anything else is refused with REGISTRY_HOST_CALL_DENIED, which the contract sees as a HostCallError.
 * The contract's own account is an address derived from its implementation id (`contractAccount`): nobody
 * holds a key for it, so only the contract moves its money.
 */
import {
  type CallContext,
  ContractErrorCode,
  type ContractEvent,
  type ContractHost,
  type HostCallRequest,
  type HostCallResult,
} from '@hanglian/contract-runtime';
import { type Address, addressFromPublicKey, HanglianError, isAddress, sha256, utf8 } from '@hanglian/core';
import { ExecutionErrors } from '../../framework/errors.js';
import type { StateWriter } from '../../framework/state.js';
import { RegistryErrors } from './errors.js';
import type { SettlementForRegistry } from './expected.js';
import { contractStatePrefix } from './stores.js';

const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
const decoder = new TextDecoder();
/**
 * A stored value as text. Values are written from well-formed strings only (the sandbox refuses lone
 * surrogates), so both decoders read them the same; Node's Buffer where it exists, else TextDecoder
 * (a wallet's local run in a browser).
 */
function utf8Text(bytes: Uint8Array): string {
  return NodeBuffer !== undefined
    ? NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
    : decoder.decode(bytes);
}

/** Gas of kernel methods reached from a contract, on top of the runtime's per-call crossing charge. */
export const HostCallGas = {
  balanceOf: 10_000,
  transfer: 50_000,
} as const;

/** The settlement account of an implementation: hash of a domain-separated id, used as if it were a key. */
export function contractAccount(implementationId: string): Address {
  return addressFromPublicKey(sha256(utf8(`hanglian/contract-account/v1\n${implementationId}`)));
}

export interface ContractTransfer {
  readonly from: Address;
  readonly to: Address;
  readonly amount: number;
}

export interface ImplementationHostOptions {
  /** Where the contract's key space and the kernel's state live; a throw-away layer for read-only calls. */
  readonly state: StateWriter;
  readonly implementationId: string;
  readonly codeHash: string;
  readonly source: string;
  readonly context: CallContext;
  readonly settlement: SettlementForRegistry;
  /**
   * Runs a method of another implementation for this contract (calls.ts owns the depth, re-entry and revert
   * rules). Absent: `contract.call` is refused.
   */
  readonly callContract?: (call: NestedContractCall) => HostCallResult;
}

/** What a contract asked for with `chain.call('contract.call', implementation, method, args)`. */
export interface NestedContractCall {
  readonly implementationId: string;
  readonly method: string;
  readonly args: readonly unknown[];
  /** The caller runs read-only, so the callee must too. */
  readonly readOnly: boolean;
  /** The caller's remaining gas: the callee cannot use more. */
  readonly gasLimit: number;
}

function isReadDenied(error: unknown): boolean {
  return error instanceof HanglianError && error.code === ExecutionErrors.QUERY_READ_DENIED;
}

/** A host for one call; collects the contract's events and transfers for the caller to record. */
export class ImplementationHost implements ContractHost {
  readonly context: CallContext;
  readonly events: ContractEvent[] = [];
  readonly transfers: ContractTransfer[] = [];
  readonly #options: ImplementationHostOptions;
  readonly #prefix: string;

  constructor(options: ImplementationHostOptions) {
    this.#options = options;
    this.context = options.context;
    this.#prefix = contractStatePrefix(options.implementationId);
  }

  getCode(codeId: string): string | undefined {
    return codeId === this.#options.codeHash ? this.#options.source : undefined;
  }

  getState(key: string): string | undefined {
    let value: Uint8Array | undefined;
    try {
      value = this.#options.state.get(utf8(this.#prefix + key));
    } catch (error) {
      // A read-only call answered to the public cannot read contract state (members-only): the view
      // keeps the refusal and the query throws it after the call (registry.callReadOnly).
      if (isReadDenied(error)) return undefined;
      throw error;
    }
    return value === undefined ? undefined : utf8Text(value);
  }

  setState(key: string, value: string): void {
    this.#options.state.set(utf8(this.#prefix + key), utf8(value));
  }

  deleteState(key: string): void {
    this.#options.state.delete(utf8(this.#prefix + key));
  }

  emitEvent(event: ContractEvent): void {
    this.events.push(event);
  }

  hostCall(request: HostCallRequest): HostCallResult {
    let args: unknown;
    try {
      args = JSON.parse(request.argsJson);
    } catch {
      return refuse(RegistryErrors.REGISTRY_HOST_CALL_DENIED, 'arguments are not JSON', 0);
    }
    const list = Array.isArray(args) ? args : [args];
    const { state, settlement } = this.#options;
    const self = this.context.contract;
    switch (request.name) {
      case 'settlement.balanceOf': {
        const address = list[0] ?? self;
        if (!isAddress(address))
          return refuse(RegistryErrors.REGISTRY_HOST_CALL_DENIED, 'not an address', HostCallGas.balanceOf);
        let balance: number;
        try {
          balance = settlement.balanceOf(state, address);
        } catch (error) {
          if (isReadDenied(error))
            return refuse(
              ExecutionErrors.QUERY_READ_DENIED,
              'balances are members-only',
              HostCallGas.balanceOf,
            );
          throw error;
        }
        return { ok: true, resultJson: String(balance), gasUsed: HostCallGas.balanceOf };
      }
      case 'settlement.transfer': {
        const gasUsed = HostCallGas.transfer;
        if (request.readOnly)
          return refuse(ContractErrorCode.READ_ONLY, 'a read-only call cannot pay', gasUsed);
        const [to, amount] = list;
        if (!isAddress(to) || typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
          return refuse(
            RegistryErrors.REGISTRY_HOST_CALL_DENIED,
            'transfer takes (address, positive integer)',
            gasUsed,
          );
        }
        try {
          settlement.transfer(state, self, to, amount);
        } catch (error) {
          if (error instanceof HanglianError) return refuse(error.code, error.message, gasUsed);
          throw error;
        }
        this.transfers.push({ from: self, to, amount });
        return { ok: true, resultJson: 'null', gasUsed };
      }
      case 'contract.call': {
        const [implementationId, method, callArgs] = list;
        if (
          this.#options.callContract === undefined ||
          typeof implementationId !== 'string' ||
          typeof method !== 'string' ||
          !Array.isArray(callArgs)
        ) {
          return refuse(
            RegistryErrors.REGISTRY_HOST_CALL_DENIED,
            'contract.call takes (implementation, method, args[])',
            0,
          );
        }
        return this.#options.callContract({
          implementationId,
          method,
          args: callArgs,
          readOnly: request.readOnly,
          gasLimit: request.gasAvailable,
        });
      }
      default:
        return refuse(RegistryErrors.REGISTRY_HOST_CALL_DENIED, `no host call ${request.name}`, 0);
    }
  }
}

function refuse(code: string, message: string, gasUsed: number): HostCallResult {
  return { ok: false, code, message, gasUsed };
}
