/**
 * The contract worker: one ContractSandbox on a thread with a large native stack. It runs one call at a
 * time, asking the caller for state synchronously; a nested call arrives while it waits in a host call and
 * runs right there, on the same sandbox (executionThread.ts explains the protocol).
 */
import { type MessagePort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import {
  type CallContext,
  type CallResult,
  type ContractEvent,
  type ContractHost,
  ContractSandbox,
  type HostCallRequest,
  type HostCallResult,
} from '@hanglian/contract-runtime';
import {
  type EffectOp,
  type HostOp,
  SIGNAL_TO_CALLER,
  SIGNAL_TO_WORKER,
  type ToCaller,
  type ToWorker,
} from './executionProtocol.js';

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };

function send(message: ToCaller): void {
  port.postMessage(message);
  Atomics.store(signal, SIGNAL_TO_CALLER, 1);
  Atomics.notify(signal, SIGNAL_TO_CALLER);
}

/** Calls running on this worker: the outer call and the nested calls made inside it. */
let depth = 0;

/**
 * Asks the caller to do one host operation and blocks until it answers. While it waits, the caller may send
 * nested calls (a `contract.call` host call being served): each runs here, to completion, before the answer.
 */
function ask(op: HostOp, effects: EffectOp[]): unknown {
  send({ kind: 'host', op, effects: effects.splice(0) });
  for (;;) {
    Atomics.wait(signal, SIGNAL_TO_WORKER, 0);
    Atomics.store(signal, SIGNAL_TO_WORKER, 0);
    const received = receiveMessageOnPort(port);
    if (received === undefined) continue;
    const reply = received.message as ToWorker;
    if (reply.kind === 'run') {
      if (readySandbox === undefined || reply.depth !== depth + 1) {
        throw new Error(`nested call at depth ${reply.depth} while running depth ${depth}`);
      }
      send(runOn(readySandbox, reply));
      continue;
    }
    // The sandbox turns a throwing host into a SandboxFaultError: a node fault, never a contract result.
    if (!reply.ok) throw new Error(`host failed: ${reply.message}`);
    return reply.value;
  }
}

/**
 * Writes and events answer nothing, so they are not a round trip each: they queue in `effects` and travel
 * with the next message (the next host request, or `done`), where the caller applies them in order before
 * anything else. The sandbox only writes after the contract finished, so in practice they ride on `done`.
 */
function proxyHost(
  context: CallContext,
  codeId: string,
  source: string | null,
  effects: EffectOp[],
): ContractHost {
  return {
    context,
    getCode: (id) =>
      id === codeId && source !== null
        ? source
        : ((ask({ name: 'getCode', codeId: id }, effects) as string | null) ?? undefined),
    getState: (key) => (ask({ name: 'getState', key }, effects) as string | null) ?? undefined,
    setState: (key, value) => void effects.push({ name: 'setState', key, value }),
    deleteState: (key) => void effects.push({ name: 'deleteState', key }),
    emitEvent: (event: ContractEvent) => void effects.push({ name: 'emitEvent', event }),
    hostCall: (request: HostCallRequest) => ask({ name: 'hostCall', request }, effects) as HostCallResult,
  };
}

const sandboxReady = ContractSandbox.create();
/** The sandbox once created; nested calls run synchronously and cannot await it. */
let readySandbox: ContractSandbox | undefined;
let queue: Promise<void> = Promise.resolve();

/** Runs one call (outer or nested) synchronously; its host operations go through `ask`. */
function runOn(sandbox: ContractSandbox, message: Extract<ToWorker, { kind: 'run' }>): ToCaller {
  const effects: EffectOp[] = [];
  const host = proxyHost(message.context, message.request.codeId, message.source, effects);
  let result: CallResult;
  depth++;
  try {
    result =
      message.mode === 'call' ? sandbox.call(message.request, host) : sandbox.query(message.request, host);
  } catch (error) {
    return {
      kind: 'fault',
      message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      wasmFailed: sandbox.isFaulted,
    };
  } finally {
    depth--;
  }
  return { kind: 'done', result, depth: message.depth, effects };
}

async function run(message: Extract<ToWorker, { kind: 'run' }>): Promise<void> {
  const sandbox = await sandboxReady;
  if (sandbox.isFaulted) await sandbox.reset();
  readySandbox = sandbox;
  send(runOn(sandbox, message));
}

port.on('message', (message: ToWorker) => {
  if (message.kind !== 'run') return;
  // One call at a time, in arrival order (the caller blocks, so there is never more than one).
  queue = queue.then(() => run(message));
});
