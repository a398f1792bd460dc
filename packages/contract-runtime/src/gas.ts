/**
 * The gas schedule. Every node must use the same numbers: they are consensus parameters, and changing one
 * changes which calls run out of gas. The unit is calibrated so that 1 gas is roughly 1 ns of work on the
 * reference machine (2 cores, Node 20); see README for the measurements behind each figure.
 */
export interface GasSchedule {
  /** Every call: a fresh QuickJS runtime and context, the prelude, the entry into WebAssembly. */
  readonly callBase: number;
  /** Per byte of contract source parsed on each call (parsing is not seen by the interrupt counter). */
  readonly codeByte: number;
  /**
   * Per invocation of QuickJS's interrupt handler. QuickJS calls it once every 10,000 "poll points"
   * (function calls and backward jumps), so this prices about 10,000 interpreted steps.
   */
  readonly executionTick: number;
  /** Every host function the contract calls (state get/set/delete, emit, call). */
  readonly hostCallBase: number;
  /** Per byte of key and value read from state. */
  readonly stateReadByte: number;
  /** Per byte of key and value written (or key deleted): state is stored and hashed by every node forever. */
  readonly stateWriteByte: number;
  /** Per byte of event name and data. */
  readonly eventByte: number;
  /** Per byte of call arguments, call result, and host-call arguments and results crossing the boundary. */
  readonly ioByte: number;
  /**
   * Per character produced or consumed by the native builtins whose cost grows with their data and that the
   * interrupt counter does not see: String.prototype.repeat/padStart/padEnd, Array.prototype.join,
   * JSON.stringify/parse. Without it `'x'.repeat(1e4)` in a loop runs ~100 µs per poll point.
   */
  readonly builtinByte: number;
  /**
   * Per array element walked, moved or produced by native array builtins (fill, concat, slice, splice,
   * sort ×⌈log2 n⌉, indexOf, iteration and spread, Array.from, apply's argument list, Object.keys...).
   * Measured: Array.prototype.fill ~35 ns per element including growth; scans and copies 2–10 ns.
   */
  readonly builtinElement: number;
  /** Per 8-byte word of binary data allocated, copied or walked (ArrayBuffer and typed arrays). */
  readonly binaryWord: number;
}

export const DEFAULT_GAS_SCHEDULE: GasSchedule = Object.freeze({
  callBase: 1_500_000,
  codeByte: 150,
  executionTick: 500_000,
  hostCallBase: 5_000,
  stateReadByte: 20,
  stateWriteByte: 200,
  eventByte: 50,
  ioByte: 20,
  builtinByte: 10,
  builtinElement: 40,
  binaryWord: 8,
});

/** Counts gas for one call. Once the limit is crossed it stays exhausted; usage is then reported as the limit. */
export class GasMeter {
  private used = 0;
  private exhausted = false;

  constructor(readonly limit: number) {}

  /** Adds `amount`; returns false (and marks the meter exhausted) if the limit is now exceeded. */
  charge(amount: number): boolean {
    // Fails closed: an amount that is not a finite non-negative number (a bug, or hostile input reaching a
    // charge) exhausts the meter instead of making `used` NaN, which no limit comparison would ever stop.
    if (!Number.isFinite(amount) || amount < 0) {
      this.exhausted = true;
      return false;
    }
    this.used += amount;
    if (this.used > this.limit) this.exhausted = true;
    return !this.exhausted;
  }

  /** Marks the meter exhausted whatever was used (a nested call spent everything that was left). */
  exhaust(): void {
    this.exhausted = true;
  }

  get isExhausted(): boolean {
    return this.exhausted;
  }

  get gasUsed(): number {
    return this.exhausted ? this.limit : this.used;
  }

  get remaining(): number {
    return this.exhausted ? 0 : this.limit - this.used;
  }
}
