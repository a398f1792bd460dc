import { DEFAULT_GAS_SCHEDULE, type GasSchedule } from './gas.js';

/** Limits of the sandbox that are the same for every call: consensus parameters like the gas schedule. */
export interface SandboxOptions {
  readonly gas: GasSchedule;
  /**
   * QuickJS's stack limit, in bytes of WebAssembly shadow stack. 128 KiB allows ~740 nested plain calls. The
   * host's native stack must be far larger (see README, "Native stack"): run execution on a Worker thread.
   */
  readonly maxStackBytes: number;
  /** Smallest memory limit a request may ask for; the engine's own baseline (~100 KiB) must fit under it. */
  readonly minMemoryLimitBytes: number;
  /** Largest memory limit a request may ask for; protects the node. */
  readonly maxMemoryLimitBytes: number;
  /** Largest contract source accepted, in UTF-8 bytes. */
  readonly maxCodeBytes: number;
  /** Largest state key, in UTF-8 bytes. */
  readonly maxKeyBytes: number;
  /** Largest state value, in UTF-8 bytes. */
  readonly maxValueBytes: number;
  /** Largest JSON text for results, event data and host-call payloads. */
  readonly maxJsonBytes: number;
  /**
   * Largest JSON text of a call's arguments. Larger than `maxJsonBytes` because a search ranks up to 1,000
   * listings with a 500-purchase history (~0.5 MiB); a transaction's arguments stay far below it (a
   * transaction is at most 64 KiB), so only read-only calls (a node's query, a wallet's local run) reach it.
   * Copying them in is charged per byte (`ioByte`) like any input.
   */
  readonly maxArgumentBytes: number;
  /** Deepest nesting of arrays/objects in data crossing the boundary, and in the contract's JSON.stringify. */
  readonly maxJsonDepth: number;
}

export const DEFAULT_SANDBOX_OPTIONS: SandboxOptions = Object.freeze({
  gas: DEFAULT_GAS_SCHEDULE,
  maxStackBytes: 128 * 1024,
  minMemoryLimitBytes: 1024 * 1024,
  maxMemoryLimitBytes: 64 * 1024 * 1024,
  maxCodeBytes: 1024 * 1024,
  maxKeyBytes: 256,
  maxValueBytes: 64 * 1024,
  maxJsonBytes: 256 * 1024,
  maxArgumentBytes: 1024 * 1024,
  maxJsonDepth: 64,
});
