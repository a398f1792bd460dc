/**
 * What other modules (orders, later) and the SDK may use: lookups as pure functions of a state, and
 * `runReadOnlyCall`, which runs a read-only call wherever the caller has the code and the state: on a node
 * (the `callReadOnly` query) or in a wallet, so a consumer's private inputs never leave it.
 */
import type { Address } from '@hanglian/core';
import { HanglianError } from '@hanglian/core';
import { StateOverlay, type StateReader } from '../../framework/state.js';
import { type ContractOutcome, runContractCall } from './calls.js';
import { RegistryErrors } from './errors.js';
import type { ContractExecutor } from './executor.js';
import type { SettlementForRegistry } from './expected.js';
import {
  byStandardStore,
  codeStore,
  contractStatePrefix,
  type DeployedCode,
  type Implementation,
  implementationStore,
  type Standard,
  standardStore,
} from './stores.js';

export interface Deployment {
  readonly implementation: Implementation;
  readonly standard: Standard;
  readonly code: DeployedCode;
}

export class RegistryMethod {
  getStandard(state: StateReader, id: string): Standard | undefined {
    return standardStore.get(state, id);
  }

  listStandards(state: StateReader): Standard[] {
    return [...standardStore.entries(state)].map(([, s]) => s);
  }

  getImplementation(state: StateReader, id: string): Implementation | undefined {
    return implementationStore.get(state, id);
  }

  /** Implementations of one standard (by id order), or all of them. */
  listImplementations(state: StateReader, standard?: string): Implementation[] {
    if (standard === undefined) return [...implementationStore.entries(state)].map(([, i]) => i);
    const out: Implementation[] = [];
    for (const [key] of byStandardStore.entries(state, `${standard}/`)) {
      const implementation = implementationStore.get(state, key.slice(standard.length + 1));
      if (implementation !== undefined) out.push(implementation);
    }
    return out;
  }

  getCode(state: StateReader, hash: string): DeployedCode | undefined {
    return codeStore.get(state, hash);
  }

  /** The implementation with its standard and code; throws REGISTRY_IMPLEMENTATION_NOT_FOUND. */
  requireDeployment(state: StateReader, implementationId: string): Deployment {
    const implementation = implementationStore.get(state, implementationId);
    if (implementation === undefined) {
      throw new HanglianError(
        RegistryErrors.REGISTRY_IMPLEMENTATION_NOT_FOUND,
        `no implementation ${implementationId}`,
      );
    }
    // Both exist by construction: registration checked them, and neither is ever deleted.
    const standard = standardStore.get(state, implementation.standard)!;
    const code = codeStore.get(state, implementation.codeHash)!;
    return { implementation, standard, code };
  }

  /** The state key of one entry of a contract's own state (for proofs: `GET /v1/state/proof`). */
  contractStateKey(implementationId: string, key: string): string {
    return contractStatePrefix(implementationId) + key;
  }
}

export interface ReadOnlyCallInput {
  readonly executor: ContractExecutor;
  readonly deployment: Deployment;
  /** The chain state to read (a node's, or one a wallet rebuilt from proven values). Never written. */
  readonly state: StateReader;
  readonly settlement: SettlementForRegistry;
  readonly method: string;
  readonly args: readonly unknown[];
  readonly caller: Address;
  readonly height: number;
  readonly time: number;
  readonly gasLimit: number;
  readonly memoryLimitBytes: number;
}

/** Runs a method read-only over a throw-away layer: same code, same checks, same gas as on chain. */
export function runReadOnlyCall(input: ReadOnlyCallInput): ContractOutcome {
  const { implementation, standard, code } = input.deployment;
  return runContractCall({
    executor: input.executor,
    standard,
    implementationId: implementation.id,
    codeHash: code.hash,
    source: code.source,
    method: input.method,
    args: input.args,
    caller: input.caller,
    height: input.height,
    time: input.time,
    state: new StateOverlay(input.state),
    settlement: input.settlement,
    gasLimit: input.gasLimit,
    memoryLimitBytes: input.memoryLimitBytes,
    readOnly: true,
  }).outcome;
}
