/**
 * The sandbox on a dedicated Worker thread, called synchronously from the executor's thread.
 *
 * Why: QuickJS's stack limit is deterministic only if the host's native stack is much larger than the
 * WebAssembly shadow stack (contract-runtime README, "Native stack"); Node's main thread has ~1 MB, a Worker
 * can have 8 MiB (`resourceLimits.stackSizeMb`). Commands are synchronous, so the caller blocks in
 * `Atomics.wait` while the worker runs the call. The worker asks for state through the same channel:
 * it posts a host request and blocks in turn; the caller answers it and waits again. Messages travel on a
 * MessagePort and are taken with `receiveMessageOnPort` (synchronous); a two-slot Int32Array on a
 * SharedArrayBuffer says "a message is waiting for you". The two sides strictly alternate, so one flag per
 * direction is enough.
 *
 * Nested calls (a contract calling another through `chain.call('contract.call', ...)`): the worker asked
 * for a host call and is blocked waiting for its answer; the registry, serving it on this thread, runs the
 * callee through this executor again. That nested `run` is posted to the blocked worker instead of an
 * answer; the worker runs it itself on the same sandbox (which keeps one QuickJS instance per nesting
 * level, so the suspended outer call is untouched), with host operations routed here exactly like the outer
 * call's, sends `done`, and goes back to waiting for the outer answer. Writes and events do not cost a round
 * trip each: the worker sends them with its next message and they are applied here first. Messages therefore
 * nest like a call stack; both sides keep a depth counter and check it on every `run`/`done`.
 */
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import {
  type CallRequest,
  type CallResult,
  type ContractHost,
  SandboxFaultError,
} from '@hanglian/contract-runtime';
import type { EffectOp, HostOp, ToCaller, ToWorker } from './executionProtocol.js';
import type { ContractExecutor } from './executor.js';

export interface ContractExecutionThreadOptions {
  /** Native stack of the worker, MiB. The runtime needs ≥ 4; default 8. */
  readonly stackSizeMb?: number;
  /**
   * How long the caller waits for one message from the worker before it declares a fault. Gas bounds a
   * call far below this (a call's whole gas limit runs in well under a second, see the contract runtime's
   * README); it exists so that a worker that died (its heap limit, a crash) does not hang the node. It never
   * decides a result: hitting it is a fault of this node (see `onFault`). Default 120 s.
   */
  readonly replyTimeoutMs?: number;
  /**
   * Told of every fault before it is thrown (the worker timed out, failed or broke the protocol, or the host
   * threw). A fault is this node's, never the contract's: the state machine does not record it as a result
   * but stops the block, and the node given here stops itself (loudly, recoverable by a restart), because
   * another node would have gone on. Called at most once per fault, possibly once per nesting level.
   */
  readonly onFault?: (fault: SandboxFaultError) => void;
}

const TO_CALLER = 0;
const TO_WORKER = 1;

export class ContractExecutionThread implements ContractExecutor {
  readonly #stackSizeMb: number;
  readonly #replyTimeoutMs: number;
  readonly #onFault: ((fault: SandboxFaultError) => void) | undefined;
  #worker: Worker | undefined;
  #port: MessagePort | undefined;
  #signal: Int32Array | undefined;
  /** Calls in progress on this executor: 0 idle, 1 a call, more while nested calls run. */
  #depth = 0;

  constructor(options: ContractExecutionThreadOptions = {}) {
    this.#stackSizeMb = options.stackSizeMb ?? 8;
    this.#replyTimeoutMs = options.replyTimeoutMs ?? 120_000;
    this.#onFault = options.onFault;
  }

  /** Reports a fault to the node and returns it, to be thrown. */
  #fault(message: string, cause?: unknown): SandboxFaultError {
    const fault = new SandboxFaultError(message, cause === undefined ? undefined : { cause });
    this.#onFault?.(fault);
    return fault;
  }

  call(request: CallRequest, host: ContractHost): CallResult {
    return this.#run('call', request, host);
  }

  query(request: CallRequest, host: ContractHost): CallResult {
    return this.#run('query', request, host);
  }

  /**
   * Starts the worker now, without waiting: it builds its sandbox (the QuickJS engine and the prelude's
   * snapshot) on its own thread while the node opens its ledger, instead of during the first block with a
   * contract call, when the node's thread would block on it for that long (seconds on a loaded machine:
   * the node's API answered nothing meanwhile, docs/reliability.md).
   */
  warm(): void {
    this.#start();
  }

  /** Stops the worker; the next call starts a new one. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#port?.close();
    this.#port = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  #start(): { port: MessagePort; signal: Int32Array } {
    if (this.#port !== undefined && this.#signal !== undefined)
      return { port: this.#port, signal: this.#signal };
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(8));
    const workerFile = fileURLToPath(new URL('./executionWorker.js', import.meta.url));
    const worker = new Worker(workerFile, {
      workerData: { port: port2, signal },
      transferList: [port2],
      resourceLimits: { stackSizeMb: this.#stackSizeMb },
    });
    // The worker only ever works while a caller blocks on it: it must not keep the process alive.
    worker.unref();
    port1.unref();
    this.#worker = worker;
    this.#port = port1;
    this.#signal = signal;
    return { port: port1, signal };
  }

  #receive(port: MessagePort, signal: Int32Array): ToCaller {
    for (;;) {
      const waited = Atomics.wait(signal, TO_CALLER, 0, this.#replyTimeoutMs);
      Atomics.store(signal, TO_CALLER, 0);
      const received = receiveMessageOnPort(port);
      if (received !== undefined) return received.message as ToCaller;
      if (waited === 'timed-out') {
        void this.close();
        throw this.#fault(`contract worker did not answer within ${this.#replyTimeoutMs} ms`);
      }
    }
  }

  #run(mode: 'call' | 'query', request: CallRequest, host: ContractHost): CallResult {
    // Re-entered while serving a host call of the worker: the worker is blocked in that host call and
    // accepts a nested `run` in place of the answer (see the header).
    const nested = this.#depth > 0;
    this.#depth++;
    try {
      const { port, signal } = this.#start();
      const message: ToWorker = {
        kind: 'run',
        mode,
        request,
        context: host.context,
        source: host.getCode(request.codeId) ?? null,
        depth: this.#depth,
      };
      port.postMessage(message);
      // An idle worker takes the outer `run` from its event loop; a blocked one needs the signal.
      if (nested) this.#wakeWorker(signal);
      let hostFailure: unknown;
      for (;;) {
        const reply = this.#receive(port, signal);
        if (reply.kind === 'done') {
          if (reply.depth !== this.#depth) {
            throw this.#fault(`contract worker answered depth ${reply.depth} at ${this.#depth}`);
          }
          try {
            applyEffects(host, reply.effects);
          } catch (error) {
            throw this.#fault('the contract host failed', error);
          }
          return reply.result;
        }
        if (reply.kind === 'fault') {
          // Only the outermost level may stop the worker: outer levels are still waiting on it.
          if (reply.wasmFailed && !nested) void this.close();
          throw this.#fault(`contract worker: ${reply.message}`, hostFailure);
        }
        let answer: ToWorker;
        try {
          for (const effect of reply.effects) serveHost(host, effect);
          answer = { kind: 'hostResult', ok: true, value: serveHost(host, reply.op) };
        } catch (error) {
          hostFailure = error;
          answer = {
            kind: 'hostResult',
            ok: false,
            message: error instanceof Error ? error.message : String(error),
          };
        }
        port.postMessage(answer);
        this.#wakeWorker(signal);
      }
    } finally {
      this.#depth--;
    }
  }

  #wakeWorker(signal: Int32Array): void {
    Atomics.store(signal, TO_WORKER, 1);
    Atomics.notify(signal, TO_WORKER);
  }
}

/** Writes and events the worker sent with `done` (see executionWorker.ts); a host failure is a fault. */
function applyEffects(host: ContractHost, effects: readonly EffectOp[]): void {
  for (const effect of effects) serveHost(host, effect);
}

function serveHost(host: ContractHost, op: HostOp): unknown {
  switch (op.name) {
    case 'getCode':
      return host.getCode(op.codeId) ?? null;
    case 'getState':
      return host.getState(op.key) ?? null;
    case 'setState':
      host.setState(op.key, op.value);
      return null;
    case 'deleteState':
      host.deleteState(op.key);
      return null;
    case 'emitEvent':
      host.emitEvent(op.event);
      return null;
    case 'hostCall':
      return host.hostCall(op.request);
  }
}
