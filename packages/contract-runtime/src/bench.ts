import { newQuickJSWASMModule, RELEASE_SYNC } from 'quickjs-emscripten';
import { originalEngineWasm } from '#engine-wasm';
import type {
  CallRequest,
  ContractEvent,
  ContractHost,
  HostCallRequest,
  HostCallResult,
} from './interface.js';
import { DEFAULT_INSTRUCTION_WEIGHTS, meterWasm } from './metering/wasmMeter.js';
import { CONTRACT_INTRINSICS, ContractSandbox } from './sandbox/sandbox.js';

export interface Throughput {
  readonly callsPerSecond: number;
  readonly microsPerCall: number;
}

export interface SandboxBenchmark {
  /** A method that returns null: the fixed cost of a sandboxed call. */
  readonly emptyCall: Throughput & { readonly gasUsed: number };
  /** 5 state reads and 3 writes of ~100 bytes, one event: a typical commerce step. */
  readonly typicalCall: Throughput & { readonly gasUsed: number };
  /** The same logic as `typicalCall`, as a plain TypeScript function on a Map: what a kernel module costs. */
  readonly kernelEquivalent: Throughput;
  /** typicalCall.microsPerCall / kernelEquivalent.microsPerCall. */
  readonly sandboxToKernelRatio: number;
  /** Creating and disposing a fresh QuickJS runtime and context (what every call paid before the copy). */
  readonly freshRuntimeAndContext: Throughput;
  /** Only a fresh context in a reused runtime (an alternative considered; see README). */
  readonly pooledRuntimeFreshContext: Throughput;
  /**
   * What a node's execution worker pays once at start, in ms of this process's CPU (median of 3): metering
   * the QuickJS engine (`meterWasm`, done once per thread) and creating a sandbox (its engines, each
   * instantiated, given the prelude and snapshotted).
   */
  readonly start: { readonly meterMillis: number; readonly sandboxCreateMillis: number };
}

const EMPTY_CONTRACT = 'var contract = { empty() { return null; } };';
const VALUE = 'v'.repeat(100);
const TYPICAL_CONTRACT = `var contract = {
  step(order) {
    let total = 0;
    for (let i = 0; i < 5; i++) { const v = chain.state.get('item:' + i); total += v === null ? 0 : v.length; }
    for (let i = 0; i < 3; i++) chain.state.set('out:' + i, order.payload);
    chain.emit('Stepped', { order: order.id, total });
    return total;
  },
};`;

/** The kernel-module version of TYPICAL_CONTRACT's `step`, against a plain Map. */
function kernelStep(
  state: Map<string, string>,
  events: unknown[],
  order: { id: string; payload: string },
): number {
  let total = 0;
  for (let i = 0; i < 5; i++) total += state.get(`item:${i}`)?.length ?? 0;
  for (let i = 0; i < 3; i++) state.set(`out:${i}`, order.payload);
  events.push({ name: 'Stepped', data: { order: order.id, total } });
  return total;
}

class BenchHost implements ContractHost {
  readonly context = { contract: 'bench', caller: 'bench', height: 1, time: 0 };
  readonly state = new Map<string, string>();
  constructor(readonly code: Record<string, string>) {
    for (let i = 0; i < 5; i++) this.state.set(`item:${i}`, VALUE);
  }
  getCode(codeId: string): string | undefined {
    return this.code[codeId];
  }
  getState(key: string): string | undefined {
    return this.state.get(key);
  }
  setState(key: string, value: string): void {
    this.state.set(key, value);
  }
  deleteState(key: string): void {
    this.state.delete(key);
  }
  emitEvent(_event: ContractEvent): void {}
  hostCall(_request: HostCallRequest): HostCallResult {
    return { ok: false, code: 'UNSUPPORTED', message: 'no host calls in the benchmark', gasUsed: 0 };
  }
}

function measure(iterations: number, fn: () => void): Throughput {
  for (let i = 0; i < Math.min(50, iterations); i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  const micros = Number(process.hrtime.bigint() - start) / 1000 / iterations;
  return { callsPerSecond: Math.round(1e6 / micros), microsPerCall: Math.round(micros * 100) / 100 };
}

/** Measures the sandbox on this machine. Library code: returns figures, prints nothing. */
export async function benchmarkSandbox(options: { iterations?: number } = {}): Promise<SandboxBenchmark> {
  const iterations = options.iterations ?? 500;
  const sandbox = await ContractSandbox.create();
  const host = new BenchHost({ empty: EMPTY_CONTRACT, typical: TYPICAL_CONTRACT });
  const base = { args: [], gasLimit: 100_000_000, memoryLimitBytes: 8 * 1024 * 1024 };
  const emptyRequest: CallRequest = { ...base, codeId: 'empty', method: 'empty' };
  const order = { id: 'order-1', payload: VALUE };
  const typicalRequest: CallRequest = { ...base, codeId: 'typical', method: 'step', args: [order] };

  const emptyGas = sandbox.call(emptyRequest, host).gasUsed;
  const emptyCall = measure(iterations, () => sandbox.call(emptyRequest, host));
  const typicalResult = sandbox.call(typicalRequest, host);
  if (!typicalResult.ok) throw new Error(`benchmark contract failed: ${typicalResult.message}`);
  const typicalCall = measure(iterations, () => sandbox.call(typicalRequest, host));

  const kernelState = new Map(host.state);
  const kernelEvents: unknown[] = [];
  const kernelEquivalent = measure(iterations * 200, () => {
    kernelStep(kernelState, kernelEvents, order);
    kernelEvents.length = 0;
  });

  const module = await newQuickJSWASMModule(RELEASE_SYNC);
  const freshRuntimeAndContext = measure(iterations, () => {
    const runtime = module.newRuntime();
    runtime.newContext({ intrinsics: CONTRACT_INTRINSICS }).dispose();
    runtime.dispose();
  });
  const pooled = module.newRuntime();
  const pooledRuntimeFreshContext = measure(iterations, () => {
    pooled.newContext({ intrinsics: CONTRACT_INTRINSICS }).dispose();
  });
  pooled.dispose();

  const cpuMillis = async (fn: () => unknown): Promise<number> => {
    const before = process.cpuUsage();
    await fn();
    const { user, system } = process.cpuUsage(before);
    return (user + system) / 1000;
  };
  const medianOfThree = async (fn: () => unknown): Promise<number> => {
    const values: number[] = [];
    for (let i = 0; i < 3; i++) values.push(await cpuMillis(fn));
    return values.sort((a, b) => a - b)[1]!;
  };
  const meterMillis = await medianOfThree(() => meterWasm(originalEngineWasm(), DEFAULT_INSTRUCTION_WEIGHTS));
  // Each sandbox is dropped at once: the garbage collector frees its instances.
  const sandboxCreateMillis = await medianOfThree(() => ContractSandbox.create());

  return {
    emptyCall: { ...emptyCall, gasUsed: emptyGas },
    typicalCall: { ...typicalCall, gasUsed: typicalResult.gasUsed },
    kernelEquivalent,
    sandboxToKernelRatio: Math.round(typicalCall.microsPerCall / kernelEquivalent.microsPerCall),
    freshRuntimeAndContext,
    pooledRuntimeFreshContext,
    start: { meterMillis, sandboxCreateMillis },
  };
}
