import {
  DefaultIntrinsics,
  type Intrinsics,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
} from 'quickjs-emscripten';
import { createMeteredQuickJS, type MeteredQuickJS } from '../metering/meteredQuickJS.js';
import { UNMETERED_GAS } from '../metering/wasmMeter.js';
import type { SandboxOptions } from '../options.js';
import { PRELUDE_SOURCE } from './prelude.js';

/**
 * QuickJS intrinsics given to contracts: the defaults minus Date (a clock). Promise stays: QuickJS 2025-09-13
 * aborts the whole WebAssembly instance when a runtime without the Promise intrinsic touches an async
 * function, which a hostile contract could use to crash the node. The sandbox never drains the job queue, so
 * promise reactions and code after `await` never run: contracts are synchronous, and a promise returned is
 * CONTRACT_BAD_RETURN. Eval stays as an intrinsic because the host's own evaluation goes through it; the
 * prelude removes `eval` and the Function constructors from the contract's reach.
 */
export const CONTRACT_INTRINSICS: Intrinsics = Object.freeze({ ...DefaultIntrinsics, Date: false });

/** Longest thrown message kept in a failure result; longer ones are cut (deterministically). */
export const MAX_MESSAGE_LENGTH = 1024;

/** The host functions the prelude receives, in its parameter order. */
export const HOST_FUNCTION_NAMES = ['get', 'set', 'delete', 'emit', 'call'] as const;

export type HostFunctionName = (typeof HOST_FUNCTION_NAMES)[number];

/** What the engine's host functions and interrupt handler dispatch to while a call runs. */
export interface EngineCall {
  readonly hostFunctions: Record<
    HostFunctionName,
    (ctx: QuickJSContext, ...handles: QuickJSHandle[]) => QuickJSHandle | undefined
  >;
  /** Called at every interrupt poll that reaches the handler; true stops the guest (uncatchable). */
  readonly interrupt: () => boolean;
  /** Gas the engine may still use (-1 once the call's meter is exhausted). */
  readonly gasAvailable: () => number;
  /** The engine's own instructions used this much gas since it was last told `gasAvailable`. */
  readonly engineUsed: (gas: number) => void;
}

/** What a call on the engine ended with. */
export type EngineOutcome =
  /** The status string the prelude's entry function returned. */
  | { readonly kind: 'status'; readonly status: string }
  /** An exception escaped the entry function (interrupt, allocation failure while reporting). */
  | { readonly kind: 'escaped' }
  /** The metered engine's counter went below zero and it trapped. */
  | { readonly kind: 'outOfGas' };

/**
 * A region of linear memory that is copied back before every call. Everything live between calls is in one of
 * them: static data and bss at the bottom, the heap (runtime, context, prelude) at the top. Between them lies
 * the emscripten shadow stack, dead whenever no call is running on this instance (the stack pointer is back at
 * its top), so what a call leaves there is never read: C code writes a stack slot before reading it.
 */
interface Region {
  readonly start: number;
  readonly bytes: Uint8Array;
}

/**
 * The static-data region is restored up to this far past its last non-zero byte at snapshot time, so
 * zero-initialised variables (bss) after the last written one are reset too. QuickJS's bss is a few KiB.
 */
const STATIC_MARGIN_BYTES = 256 * 1024;
/** The heap region is restored from this far below its first non-zero byte (covers the live stack top). */
const STACK_TOP_MARGIN_BYTES = 256 * 1024;
/** A zero run at least this long is taken for the shadow stack between static data and heap. */
const MIN_STACK_GAP_BYTES = 1024 * 1024;

/**
 * The snapshot of the first engine built on this thread, shared by the engines built after it whose memory
 * holds the same bytes in its regions. Finding the regions reads the whole 128 MiB, and almost all of it was
 * never touched: the kernel maps every such page on its first read, which made each scan cost ~0.7 s of CPU
 * (a second scan of the same memory takes ~50 ms), ~2.5 s for a sandbox's four engines, on every node start
 * and in every contract worker. The engines of a thread are built alike (the same binary, prelude, empty
 * environment and clock at 0, which is what makes every node's engines byte-identical), so they have the
 * same regions. An engine whose regions differ, or that wrote just past them, is scanned as before.
 */
let threadSnapshot: Region[] | undefined;

/** Bytes checked to be zero on each side of the shared regions' gaps: a heap or stack that grew past them. */
const GUARD_BYTES = 4096;

/** Regions start and end on whole words (`snapshotRanges` counts in words), so they compare word by word. */
function wordsEqual(memory: Uint8Array, region: Region): boolean {
  const length = region.bytes.length >>> 2;
  const live = new Uint32Array(memory.buffer, memory.byteOffset + region.start, length);
  const kept = new Uint32Array(region.bytes.buffer, region.bytes.byteOffset, length);
  for (let i = 0; i < length; i++) if (live[i] !== kept[i]) return false;
  return true;
}

function zeroBetween(memory: Uint8Array, start: number, end: number): boolean {
  for (let i = Math.max(0, start); i < Math.min(end, memory.length); i++) if (memory[i] !== 0) return false;
  return true;
}

/** True when `memory` holds exactly `regions`' bytes and zeros right past each of them. */
function matchesSnapshot(memory: Uint8Array, regions: readonly Region[]): boolean {
  for (const region of regions) {
    if (!wordsEqual(memory, region)) return false;
    const end = region.start + region.bytes.length;
    if (!zeroBetween(memory, end, end + GUARD_BYTES)) return false;
    if (region.start > 0 && !zeroBetween(memory, region.start - GUARD_BYTES, region.start)) return false;
  }
  return true;
}

/**
 * The byte ranges of an engine's memory (as 32-bit words) that a snapshot keeps: everything up to the
 * last non-zero word, less the longest run of zero words below it when that run is long enough to be the
 * shadow stack's unused part (then two ranges: static data with a margin, and the stack top and heap).
 */
export function snapshotRanges(words: Uint32Array): Array<[number, number]> {
  let last = words.length - 1;
  while (last >= 0 && words[last] === 0) last--;
  const end = (last + 1) * 4;
  let gapStart = 0;
  let gapEnd = 0;
  let runStart = -1;
  for (let i = 0; i < last; i++) {
    if (words[i] === 0) {
      if (runStart < 0) runStart = i;
    } else if (runStart >= 0) {
      if (i - runStart > gapEnd - gapStart) {
        gapStart = runStart;
        gapEnd = i;
      }
      runStart = -1;
    }
  }
  const low = Math.min(gapStart * 4 + STATIC_MARGIN_BYTES, end);
  const high = Math.max(gapEnd * 4 - STACK_TOP_MARGIN_BYTES, low);
  return (gapEnd - gapStart) * 4 >= MIN_STACK_GAP_BYTES && high > low
    ? [
        [0, low],
        [high, end],
      ]
    : [[0, end]];
}

/**
 * One QuickJS WebAssembly instance holding one runtime and one context in which the prelude has been
 * evaluated, and a copy of the instance's memory taken right then. Before every call the memory is copied
 * back, so each call starts from the byte-identical state (same objects, same allocator layout, same
 * interrupt counter, same GC thresholds and memory accounting) whatever ran before: the prelude is parsed
 * once per instance instead of once per call, and no call can see what another left behind.
 *
 * An instance serves one call at a time from the JavaScript top level (the memory copy would destroy a call
 * below it), so nested calls use another engine.
 */
export class Engine {
  private current: EngineCall | undefined;
  private regions: Region[] = [];
  private entry!: QuickJSHandle;
  /** The shadow stack pointer when no call runs: restored before every call (a trap leaves it deeper). */
  private idleStackPointer = 0;
  /** What the engine was last given: what it used since is this minus what is left. */
  private given = 0;

  private constructor(
    private readonly engine: MeteredQuickJS,
    private readonly runtime: QuickJSRuntime,
    private readonly ctx: QuickJSContext,
  ) {}

  static async create(options: SandboxOptions): Promise<Engine> {
    const metered = await createMeteredQuickJS();
    const runtime = metered.module.newRuntime();
    runtime.setMaxStackSize(options.maxStackBytes);
    const ctx = runtime.newContext({ intrinsics: CONTRACT_INTRINSICS });
    const engine = new Engine(metered, runtime, ctx);
    engine.build(options);
    return engine;
  }

  private build(options: SandboxOptions): void {
    const { runtime, ctx } = this;
    // Installed once (it is state inside the runtime, so it is part of the snapshot). It charges nothing:
    // the engine meters its own instructions; it only lets the host stop a call (read-only, host fault).
    runtime.setInterruptHandler(() => this.current?.interrupt() ?? false);
    const functions = HOST_FUNCTION_NAMES.map((name) =>
      ctx.newFunction(name, (...handles: QuickJSHandle[]) => {
        const call = this.current;
        if (call === undefined) throw new Error('host function called outside a call');
        // The engine handed its counter over in the budget and runs unmetered while the host works
        // (wasmMeter.ts): what the contract used so far is reported first, and the budget is set to what
        // is left after the host's charges; the contract's code takes it back on return.
        this.report(call, this.engine.getBudget());
        try {
          return call.hostFunctions[name](ctx, ...handles);
        } finally {
          this.engine.setBudget(BigInt(this.give(call)));
        }
      }),
    );
    const limits = [ctx.newNumber(options.maxJsonDepth), ctx.newNumber(MAX_MESSAGE_LENGTH)];
    const factory = ctx.unwrapResult(ctx.evalCode(PRELUDE_SOURCE, 'prelude.js'));
    this.entry = ctx.unwrapResult(ctx.callFunction(factory, ctx.undefined, ...functions, ...limits));
    factory.dispose();
    for (const handle of [...functions, ...limits]) handle.dispose();
    this.idleStackPointer = this.engine.getStackPointer();
    this.snapshot();
  }

  /** Charges the call for the engine's instructions since it was last given gas (`left` is what remains). */
  private report(call: EngineCall, left: bigint): void {
    call.engineUsed(this.given - Number(left));
    this.given = 0;
  }

  /** What the call has left for the engine (negative when nothing: the next check traps). */
  private give(call: EngineCall): number {
    this.given = call.gasAvailable();
    return this.given;
  }

  private memory(): Uint8Array {
    return new Uint8Array(this.engine.memory.buffer);
  }

  private snapshot(): void {
    const memory = this.memory();
    // The bytes are only ever copied from, so engines may share them.
    if (threadSnapshot !== undefined && matchesSnapshot(memory, threadSnapshot)) {
      this.regions = threadSnapshot;
      return;
    }
    this.regions = snapshotRanges(new Uint32Array(memory.buffer)).map(([start, stop]) => ({
      start,
      bytes: memory.slice(start, stop),
    }));
    threadSnapshot ??= this.regions;
  }

  /** Bytes copied back before each call (for the benchmark and the README). */
  get restoredBytes(): number {
    return this.regions.reduce((sum, region) => sum + region.bytes.length, 0);
  }

  /** Copies the snapshot back and puts the stack pointer where it was: the state every call starts from. */
  private restore(): void {
    const memory = this.memory();
    for (const region of this.regions) memory.set(region.bytes, region.start);
    this.engine.setStackPointer(this.idleStackPointer);
    this.engine.setGas(UNMETERED_GAS);
  }

  /**
   * Restores the snapshot, sets the call's limits, calls the prelude's entry function with the engine
   * metered, and returns how it ended. An exception that escaped is contract-influenced, so it is disposed
   * without being read. When the engine runs out of gas it traps wherever it was: nothing of that call is
   * touched again (not even to free it); the memory is copied back at once.
   */
  run(
    call: EngineCall,
    memoryLimitBytes: number,
    args: { contextJson: string; source: string; method: string; argsJson: string },
  ): EngineOutcome {
    const { ctx, runtime } = this;
    this.restore();
    const owned: QuickJSHandle[] = [];
    let trapped = false;
    try {
      // Everything the runtime allocates counts, the engine's own baseline and the prelude included.
      runtime.setMemoryLimit(memoryLimitBytes);
      this.current = call;
      const entryArgs = [
        ctx.newString(args.contextJson),
        ctx.newString(args.source),
        ctx.newString(args.method),
        ctx.newString(args.argsJson),
      ];
      owned.push(...entryArgs);
      this.engine.setGas(BigInt(this.give(call)));
      let outcome: ReturnType<QuickJSContext['callFunction']>;
      try {
        outcome = ctx.callFunction(this.entry, ctx.undefined, ...entryArgs);
      } catch (error) {
        const left = this.engine.getGas();
        if (left < 0n) {
          trapped = true;
          this.report(call, left);
          return { kind: 'outOfGas' };
        }
        throw error;
      }
      this.report(call, this.engine.getGas());
      this.engine.setGas(UNMETERED_GAS);
      if (outcome.error) {
        outcome.error.dispose();
        return { kind: 'escaped' };
      }
      owned.push(outcome.value);
      if (ctx.typeof(outcome.value) !== 'string') return { kind: 'escaped' };
      return { kind: 'status', status: ctx.getString(outcome.value) };
    } finally {
      // Reading the outcome and tearing down must not be stopped by the contract's limits. The next call
      // restores the memory anyway; handles are disposed so that the host side holds nothing stale.
      this.current = undefined;
      if (trapped) this.restore();
      else {
        this.engine.setGas(UNMETERED_GAS);
        runtime.setMemoryLimit(-1);
        for (const handle of owned) if (handle.alive) handle.dispose();
      }
    }
  }

  /** For tests: the regions restored before each call, and whether memory outside them still matches. */
  inspect(): { regions: Array<{ start: number; length: number }>; memory: Uint8Array } {
    return {
      regions: this.regions.map((region) => ({ start: region.start, length: region.bytes.length })),
      memory: this.memory(),
    };
  }

  dispose(): void {
    try {
      this.entry.dispose();
      this.ctx.dispose();
      this.runtime.dispose();
    } catch {
      // A faulted instance may fail to tear down; it is dropped either way.
    }
  }
}
