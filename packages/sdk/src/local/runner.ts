/**
 * Running a verified implementation's read-only method in the wallet: the chain's own sandbox build (QuickJS
 * metered at load and checked against the pinned engine hash, so the gas is the chain's), the registry's
 * own call path (`runContractCall`: the standard's argument and output schemas), the chain's gas and memory
 * limits for read-only calls. The arguments — a consumer's private context among them — go into the
 * sandbox and nowhere else: a run makes no request.
 *
 * A wallet holds no chain state, so a method that reads its contract state, a balance or another contract
 * could answer differently here than on chain: the run then fails with SDK_LOCAL_STATE_READ instead of
 * giving a possibly different answer. Standards meant for local runs (commerce.search/2) forbid such reads.
 */
import { ContractSandbox, provideEngineWasm } from '@hanglian/contract-runtime';
import type { Address } from '@hanglian/core';
import {
  CONFORMANCE_CALLER,
  type ContractOutcome,
  MemoryState,
  runContractCall,
  type SettlementForRegistry,
  type StateEntry,
  type StateReader,
} from '@hanglian/state-machine/registry-local';
import { HanglianSdkError, SdkErrors } from '../errors.js';
import type { VerifiedImplementation } from './fetchImplementation.js';

/** The result of a local run: as the chain's `callReadOnly` answers it, plus where it ran. */
export type LocalCallResult = ContractOutcome & {
  readonly implementation: string;
  readonly codeHash: string;
  /** The height the code and limits were proven at. */
  readonly height: number;
  /** Milliseconds the call took in this process (engine preparation not included). */
  readonly elapsedMs: number;
};

export interface LocalCallOptions {
  /** What the contract sees as `chain.caller` (default the chain's anonymous query caller). */
  readonly caller?: Address;
  /** What the contract sees as `chain.time` (default 0, as a node's `callReadOnly` without `time`). */
  readonly time?: number;
}

/** A state that is empty and remembers whether anyone looked: a local run has no chain state. */
class WatchedEmptyState extends MemoryState {
  reads = 0;
  override get(key: Uint8Array): Uint8Array | undefined {
    this.reads++;
    return super.get(key);
  }
  override *iterate(prefix: Uint8Array): Iterable<StateEntry> {
    this.reads++;
    yield* super.iterate(prefix);
  }
}

/** Balances are chain state: any read marks the run (via the state) as not reproducible. */
const NO_SETTLEMENT: SettlementForRegistry = {
  balanceOf: (state: StateReader, address: Address) => {
    state.get(new TextEncoder().encode(`settlement/balances/${address}`));
    return 0;
  },
  transfer: () => {
    throw new Error('a read-only local run cannot pay');
  },
  credit: () => {
    throw new Error('a local run has no conformance state');
  },
};

const now = (): number => globalThis.performance?.now() ?? Date.now();

export interface LocalRunnerOptions {
  /**
   * The bytes of `@jitl/quickjs-wasmfile-release-sync/wasm` (the unmetered QuickJS build). Required in a
   * browser (fetch the file; Vite: `import url from '@jitl/quickjs-wasmfile-release-sync/wasm?url'`);
   * Node reads it from the package. Metered here and checked against the chain's pinned engine hash.
   */
  readonly engineWasm?: Uint8Array;
}

/** One sandbox for a wallet's local runs; create once (preparing the engine takes a second or more). */
export class LocalRunner {
  private constructor(private readonly sandbox: ContractSandbox) {}

  static async create(options: LocalRunnerOptions = {}): Promise<LocalRunner> {
    if (options.engineWasm !== undefined) provideEngineWasm(options.engineWasm);
    // One engine instance: a local run makes no nested call (it would need chain state, see above), and each
    // instance holds 128 MiB of WebAssembly memory, which a browser tab should not multiply.
    return new LocalRunner(await ContractSandbox.create({}, { maxNesting: 1 }));
  }

  /**
   * Runs `method` of the verified implementation read-only with `args`, exactly as the chain's
   * `registry.callReadOnly` would at the proven height: same checks, same gas limit (the chain's
   * `queryGasLimit`), same memory limit. Throws SDK_LOCAL_STATE_READ when the method read chain state.
   */
  call(
    verified: VerifiedImplementation,
    method: string,
    args: readonly unknown[],
    options: LocalCallOptions = {},
  ): LocalCallResult {
    const state = new WatchedEmptyState();
    const started = now();
    const { outcome } = runContractCall({
      executor: this.sandbox,
      standard: verified.standard,
      implementationId: verified.implementation.id,
      codeHash: verified.code.hash,
      source: verified.code.source,
      method,
      args,
      caller: options.caller ?? CONFORMANCE_CALLER,
      height: verified.height,
      time: options.time ?? 0,
      state,
      settlement: NO_SETTLEMENT,
      gasLimit: verified.parameters.queryGasLimit,
      memoryLimitBytes: verified.parameters.memoryLimitBytes,
      readOnly: true,
    });
    const elapsedMs = now() - started;
    if (state.reads > 0) {
      throw new HanglianSdkError(
        SdkErrors.SDK_LOCAL_STATE_READ,
        `${verified.implementation.id}.${method} read chain state, which a local run does not have`,
        { details: { implementation: verified.implementation.id, method, reads: state.reads } },
      );
    }
    return {
      ...outcome,
      implementation: verified.implementation.id,
      codeHash: verified.code.hash,
      height: verified.height,
      elapsedMs,
    };
  }
}
