import { DEFAULT_INSTRUCTION_WEIGHTS, type InstructionWeights } from './metering/wasmMeter.js';

/**
 * The gas schedule. Every node must use the same numbers: they are consensus parameters, and changing one
 * changes which calls run out of gas and the gas recorded in results. The engine meters its own
 * WebAssembly instructions (metering/wasmMeter.ts: `instruction`, baked into the engine binary, whose hash
 * is pinned); the items below price what the host does around them. Each is set from its measured worst
 * case on the reference machine so that a gas unit never takes more than the bound stated in the README
 * (`npm run bench -- --gas` measures it; test/worstCase.test.ts checks it).
 */
export interface GasSchedule {
  /**
   * Every call: copying the engine's memory snapshot back, creating the call's strings, the entry into
   * WebAssembly and back, and reading the result.
   */
  readonly callBase: number;
  /** Every host function the contract calls (state get/set/delete, emit, call): the crossing itself. */
  readonly hostCallBase: number;
  /**
   * More for a host function whose answer the contract waits for (`chain.state.get`, `chain.call`): on a
   * node the contract runs on its own thread, and each such answer is a round trip to the thread that holds
   * the state (20 µs on a quiet reference machine, over 100 µs when its 2 cores are loaded).
   */
  readonly hostRoundTrip: number;
  /** Per byte of key and value read from state. */
  readonly stateReadByte: number;
  /** Per byte of key and value written (or key deleted): state is stored and hashed by every node forever. */
  readonly stateWriteByte: number;
  /** Per byte of event name and data. */
  readonly eventByte: number;
  /**
   * Per byte of contract source, call arguments, call result, and host-call arguments and results crossing
   * the boundary (converted and copied by the host, outside the engine's own metering).
   */
  readonly ioByte: number;
}

export const DEFAULT_GAS_SCHEDULE: GasSchedule = Object.freeze({
  callBase: 200_000,
  hostCallBase: 25_000,
  hostRoundTrip: 75_000,
  stateReadByte: 20,
  stateWriteByte: 200,
  eventByte: 50,
  ioByte: 20,
});

/**
 * The promise the schedule keeps: no contract makes a million gas take longer than this on the reference
 * machine (2 cores, Node 20), so that a full block (maxBlockGas, 120 M by default) executes in at most 0.6 s,
 * a fifth of the propose timeout. Checked on every generated worst case (test/worstCase.test.ts).
 */
export const MAX_MS_PER_MILLION_GAS = 5;

/** The engine's instruction weights (part of the schedule, compiled into the engine: see wasmMeter.ts). */
export const ENGINE_INSTRUCTION_WEIGHTS: InstructionWeights = DEFAULT_INSTRUCTION_WEIGHTS;

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
