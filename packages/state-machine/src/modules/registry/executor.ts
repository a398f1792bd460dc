/**
 * How the registry runs contract code: synchronously (commands are synchronous) through something with the
 * sandbox's `call`/`query` shape. `ContractSandbox` itself fits (used in-thread by the SDK's local runner);
 * on a node the registry uses `ContractExecutionThread`, which runs the sandbox on a Worker with a large
 * native stack (docs/decisions/0005-contract-execution-thread.md).
 */
import type { CallRequest, CallResult, ContractHost } from '@hanglian/contract-runtime';

export interface ContractExecutor {
  /** A transaction's call: writes and events reach the host only on success. */
  call(request: CallRequest, host: ContractHost): CallResult;
  /** A read-only call: any write or event fails it with CONTRACT_READ_ONLY. */
  query(request: CallRequest, host: ContractHost): CallResult;
  /**
   * Starts getting ready now, without waiting (an executor whose first call would otherwise pay its
   * start-up, blocking its caller). Optional: an in-thread executor has nothing to prepare.
   */
  warm?(): void;
  /** Releases what it holds (a worker thread); the next call starts afresh. */
  close?(): Promise<void>;
}
