/**
 * What a contract call costs through the registry, beside the same logic as kernel code: where the
 * boundary between kernel modules and contracts should be. `npm run bench` prints it (node bench CLI).
 */
import { ContractSandbox } from '@hanglian/contract-runtime';
import { bytesToHex, sha256, utf8 } from '@hanglian/core';
import { MemoryState, StateOverlay, type StateWriter } from '../../framework/state.js';
import { SettlementMethod } from '../settlement/method.js';
import { runContractCall } from './calls.js';
import { ContractExecutionThread } from './executionThread.js';
import type { ContractExecutor } from './executor.js';
import type { Standard } from './stores.js';

const BENCH_SOURCE = `var contract = {
  empty() { return null; },
  typical() {
    let total = 0;
    for (let i = 0; i < 5; i++) total += (chain.state.get('k' + i) ?? '').length;
    for (let i = 0; i < 3; i++) chain.state.set('w' + i, 'v'.repeat(100));
    chain.emit('done', { total });
    return total;
  },
};`;

const BENCH_STANDARD: Standard = {
  id: 'bench.calls/1',
  title: 'bench',
  behaviour: '',
  methods: ['empty', 'typical'].map((name) => ({
    name,
    summary: '',
    params: [],
    output: {},
    readOnly: false,
  })),
  events: [],
  vectors: [],
  implementerRoles: [],
  registeredAt: 0,
};

export interface RegistryCallFigure {
  readonly label: string;
  readonly microsPerCall: number;
  readonly callsPerSecond: number;
  readonly gas?: number;
}

function seeded(): MemoryState {
  const state = new MemoryState();
  for (let i = 0; i < 5; i++) state.set(utf8(`registry/state/bench/k${i}`), utf8('x'.repeat(100)));
  return state;
}

function measure(label: string, iterations: number, run: () => number | undefined): RegistryCallFigure {
  run();
  const start = process.hrtime.bigint();
  let gas: number | undefined;
  for (let i = 0; i < iterations; i++) gas = run();
  const micros = Number(process.hrtime.bigint() - start) / 1000 / iterations;
  return {
    label,
    microsPerCall: micros,
    callsPerSecond: 1e6 / micros,
    ...(gas === undefined ? {} : { gas }),
  };
}

/** The kernel-module equivalent of `typical`: the same reads, writes and event over the same state layers. */
function typicalAsKernelCode(state: StateWriter, events: unknown[]): void {
  let total = 0;
  for (let i = 0; i < 5; i++) total += state.get(utf8(`registry/state/bench/k${i}`))?.byteLength ?? 0;
  for (let i = 0; i < 3; i++) state.set(utf8(`registry/state/bench/w${i}`), utf8('v'.repeat(100)));
  events.push({ name: 'done', data: { total } });
}

export async function benchmarkRegistryCalls(iterations = 200): Promise<RegistryCallFigure[]> {
  const codeHash = bytesToHex(sha256(utf8(BENCH_SOURCE)));
  const settlement = new SettlementMethod();
  const thread = new ContractExecutionThread();
  const inThread = await ContractSandbox.create();
  const base = seeded();
  const call = (executor: ContractExecutor, method: string) => () =>
    runContractCall({
      executor,
      standard: BENCH_STANDARD,
      implementationId: 'bench',
      codeHash,
      source: BENCH_SOURCE,
      method,
      args: [],
      caller: 'hl0000000000000000000000000000000000000000',
      height: 1,
      time: 0,
      state: new StateOverlay(base),
      settlement,
      gasLimit: 50_000_000,
      memoryLimitBytes: 16 * 1024 * 1024,
      readOnly: false,
    }).outcome.gasUsed;
  try {
    return [
      measure('registry call, empty (worker thread)', iterations, call(thread, 'empty')),
      measure(
        'registry call, 5 reads + 3 writes + event (worker thread)',
        iterations,
        call(thread, 'typical'),
      ),
      measure('same, sandbox in-thread (no worker round trips)', iterations, call(inThread, 'typical')),
      measure('same logic as kernel code', iterations * 100, () => {
        typicalAsKernelCode(new StateOverlay(base), []);
        return undefined;
      }),
    ];
  } finally {
    await thread.close();
  }
}
