/**
 * Loads the QuickJS engine with gas metering compiled into it (wasmMeter.ts): the release build of
 * `@jitl/quickjs-wasmfile-release-sync` rewritten once per thread, checked against a pinned hash, and
 * instantiated with a memory of fixed size.
 *
 * Why a fixed memory: the engine's allocator asks for more memory by growing the WebAssembly memory, and
 * whether it has to depends on how far an earlier call on this node already grew it. With every
 * instruction metered, that difference would show in gas. With a memory that can never grow, every
 * allocation beyond it fails the same way on every node (QuickJS reports out of memory).
 */
import { bytesToHex, sha256 } from '@hanglian/core';
import { newQuickJSWASMModule, newVariant, type QuickJSWASMModule, RELEASE_SYNC } from 'quickjs-emscripten';
import { originalEngineWasm } from '#engine-wasm';
import { DEFAULT_INSTRUCTION_WEIGHTS, METERING_EXPORTS, meterWasm } from './wasmMeter.js';

/**
 * SHA-256 of the metered engine: the QuickJS 0.32.0 release build rewritten by `meterWasm` with the default
 * weights. Every node must run exactly these bytes (the count of every instruction is consensus), so the
 * engine refuses to start on anything else. Changing the rewrite, the weights or the QuickJS version
 * changes gas: update this on purpose, together with the README's schedule.
 */
export const METERED_ENGINE_SHA256 = '9eda5a9b82f6b09f133f9a65cfbb7345c1629407e35c462d242a4fa76a06254a';

/**
 * The part of the WebAssembly JavaScript API used here. TypeScript declares it only in its DOM libraries,
 * which a Node package does not load.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
type WasmModule = object;
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
  readonly Instance: new (module: WasmModule, imports: object) => { readonly exports: object };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Bytes of WebAssembly memory of every engine instance (static data, 5 MiB stack, heap). Never grows. */
export const ENGINE_MEMORY_BYTES = 128 * 1024 * 1024;

const WASM_PAGE = 64 * 1024;

/** One instance of the metered engine and the handles on its counter and stack pointer. */
export interface MeteredQuickJS {
  readonly module: QuickJSWASMModule;
  readonly memory: WasmMemory;
  /** The gas counter: what the engine may still use; negative once it went past (it then trapped). */
  getGas(): bigint;
  setGas(value: bigint): void;
  /** The counter while a host function runs (wasmMeter.ts): the host reads and lowers it. */
  getBudget(): bigint;
  setBudget(value: bigint): void;
  /** The emscripten shadow stack pointer (a trap leaves it where the trap happened). */
  getStackPointer(): number;
  setStackPointer(value: number): void;
}

interface MeteringFunctions {
  hl_gas_get(): bigint;
  hl_gas_set(value: bigint): void;
  hl_budget_get(): bigint;
  hl_budget_set(value: bigint): void;
  hl_sp_get(): number;
  hl_sp_set(value: number): void;
}

let compiled: { module: WasmModule; sha256: string } | undefined;

/** The metered engine's compiled module, built once per thread; its SHA-256 for checks and the README. */
export function meteredEngineModule(): { module: WasmModule; sha256: string } {
  if (compiled !== undefined) return compiled;
  const { bytes } = meterWasm(originalEngineWasm(), DEFAULT_INSTRUCTION_WEIGHTS);
  const hash = bytesToHex(sha256(bytes));
  if (hash !== METERED_ENGINE_SHA256) {
    throw new Error(
      `the metered QuickJS engine hashes to ${hash}, not the pinned ${METERED_ENGINE_SHA256}: ` +
        'another QuickJS build or rewrite would meter differently from the rest of the network',
    );
  }
  compiled = { module: new wasm.Module(bytes), sha256: hash };
  return compiled;
}

/**
 * The emscripten runtime gives the engine the process's environment (the script's path, LANG) and the wall
 * clock at start-up: the C library copies the environment into the heap, and QuickJS seeds its random state
 * from the clock. Neither is visible to a contract, but both change the memory every call starts from (the
 * heap's layout, a few bytes), and so, with every instruction metered, gas. Here every node gets the same:
 * an empty environment and a clock at 0.
 *
 * The names are the minified import names of this pinned build (`@jitl/quickjs-wasmfile-release-sync`
 * 0.32.0: `e` environ_get, `f` environ_sizes_get, `p` emscripten_date_now); a build that renamed them is
 * refused here, and its different binary would fail the pinned hash anyway.
 */
function fixEnvironment(env: Record<string, unknown>): void {
  for (const name of ['e', 'f', 'p']) {
    if (typeof env[name] !== 'function') throw new Error(`the QuickJS build has no import ${name}`);
  }
  env.e = () => 0; // environ_get: nothing to copy
  env.f = (countPointer: number, sizePointer: number) => {
    // environ_sizes_get: zero variables, zero bytes.
    const view = new DataView((env.a as WasmMemory).buffer);
    view.setUint32(countPointer, 0, true);
    view.setUint32(sizePointer, 0, true);
    return 0;
  };
  env.p = () => 0; // the clock
}

/** A new instance of the metered engine with its own fixed-size memory. */
export async function createMeteredQuickJS(): Promise<MeteredQuickJS> {
  const { module: wasmModule } = meteredEngineModule();
  const pages = ENGINE_MEMORY_BYTES / WASM_PAGE;
  const memory = new wasm.Memory({ initial: pages, maximum: pages });
  let exports: MeteringFunctions | undefined;
  const variant = newVariant(RELEASE_SYNC, {
    wasmMemory: memory as never,
    emscriptenModule: {
      // Emscripten's hook to instantiate the module itself: here, to keep the instance's exports.
      instantiateWasm(imports: { a: Record<string, unknown> }, onSuccess: (instance: object) => void) {
        fixEnvironment(imports.a);
        const instance = new wasm.Instance(wasmModule, imports);
        exports = instance.exports as unknown as MeteringFunctions;
        onSuccess(instance);
        return instance.exports;
      },
    } as never,
  });
  const module = await newQuickJSWASMModule(variant);
  if (exports === undefined) throw new Error('the metered engine was not instantiated through its hook');
  const fns = exports;
  for (const name of Object.values(METERING_EXPORTS)) {
    if (typeof (fns as unknown as Record<string, unknown>)[name] !== 'function') {
      throw new Error(`the metered engine does not export ${name}`);
    }
  }
  return {
    module,
    memory,
    getGas: () => fns.hl_gas_get(),
    setGas: (value) => fns.hl_gas_set(value),
    getBudget: () => fns.hl_budget_get(),
    setBudget: (value) => fns.hl_budget_set(value),
    getStackPointer: () => fns.hl_sp_get(),
    setStackPointer: (value) => fns.hl_sp_set(value),
  };
}
