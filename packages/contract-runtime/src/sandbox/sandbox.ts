import {
  DefaultIntrinsics,
  type Intrinsics,
  newQuickJSWASMModule,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSWASMModule,
  RELEASE_SYNC,
} from 'quickjs-emscripten';
import { ContractErrorCode, SandboxFaultError } from '../errors.js';
import { GasMeter } from '../gas.js';
import type { CallRequest, CallResult, ContractHost, JsonValue } from '../interface.js';
import { DEFAULT_SANDBOX_OPTIONS, type SandboxOptions } from '../options.js';
import { encodePlainJson, parsePlainJson } from './json.js';
import { GuestStatus, PRELUDE_SOURCE } from './prelude.js';
import { CallEffects } from './writeBuffer.js';

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
const MAX_MESSAGE_LENGTH = 1024;

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Why a call was stopped from the host side; these win over whatever the guest reported. */
type StickyStop =
  | { kind: 'none' }
  | { kind: 'readOnly'; what: string }
  | { kind: 'hostFault'; cause: unknown };

/**
 * Runs contract methods in QuickJS (WebAssembly), one fresh runtime and context per call, so no call can see
 * anything another call left behind. `call` and `query` are synchronous.
 */
export class ContractSandbox {
  private faulted: SandboxFaultError | undefined;

  private constructor(
    private module: QuickJSWASMModule,
    readonly options: SandboxOptions,
  ) {}

  static async create(options: Partial<SandboxOptions> = {}): Promise<ContractSandbox> {
    return new ContractSandbox(await newQuickJSWASMModule(RELEASE_SYNC), {
      ...DEFAULT_SANDBOX_OPTIONS,
      ...options,
    });
  }

  /** True after a fault that may have corrupted the WebAssembly instance; `reset()` replaces it. */
  get isFaulted(): boolean {
    return this.faulted !== undefined;
  }

  /** Replaces the WebAssembly instance after a fault. */
  async reset(): Promise<void> {
    this.module = await newQuickJSWASMModule(RELEASE_SYNC);
    this.faulted = undefined;
  }

  /** Executes a method as part of a transaction: writes and events reach the host only if it succeeds. */
  call(request: CallRequest, host: ContractHost): CallResult {
    return this.execute(request, host, false);
  }

  /** Executes a method read-only: any write or event fails the call with CONTRACT_READ_ONLY. */
  query(request: CallRequest, host: ContractHost): CallResult {
    return this.execute(request, host, true);
  }

  private execute(request: CallRequest, host: ContractHost, readOnly: boolean): CallResult {
    if (this.faulted) throw this.faulted;
    const { options } = this;
    const gas = options.gas;

    const invalid = this.checkRequest(request);
    if (invalid !== undefined) return fail(ContractErrorCode.INVALID_REQUEST, invalid, 0);
    const args = encodePlainJson(request.args, options.maxJsonDepth);
    if (!args.ok) return fail(ContractErrorCode.INVALID_REQUEST, args.reason, 0);
    if (utf8Length(args.json) > options.maxJsonBytes) {
      return fail(ContractErrorCode.INVALID_REQUEST, `arguments exceed ${options.maxJsonBytes} bytes`, 0);
    }

    const meter = new GasMeter(request.gasLimit);
    meter.charge(gas.callBase);
    const source = callHost(() => host.getCode(request.codeId));
    if (source === undefined) {
      return fail(ContractErrorCode.CODE_NOT_FOUND, `no code under id ${request.codeId}`, meter.gasUsed);
    }
    const codeBytes = utf8Length(source);
    if (codeBytes > options.maxCodeBytes) {
      return fail(ContractErrorCode.LOAD_FAILED, `code exceeds ${options.maxCodeBytes} bytes`, meter.gasUsed);
    }
    meter.charge(codeBytes * gas.codeByte + utf8Length(args.json) * gas.ioByte);
    if (meter.isExhausted) return outOfGas(meter);

    const effects = new CallEffects();
    let stop: StickyStop = { kind: 'none' };
    const runtime = this.module.newRuntime();
    let status: string | undefined;
    try {
      // Everything the runtime allocates, the engine's own baseline included, counts: the same on every node.
      runtime.setMemoryLimit(request.memoryLimitBytes);
      runtime.setMaxStackSize(options.maxStackBytes);
      runtime.setInterruptHandler(() => !meter.charge(gas.executionTick) || stop.kind !== 'none');
      const ctx = runtime.newContext({ intrinsics: CONTRACT_INTRINSICS });
      try {
        // Host functions: each charges gas first, then checks, then acts. A thrown Error becomes a guest
        // exception (name and message only); the sticky `stop` and the meter make sure a contract that
        // catches it still fails.
        const charge = (amount: number): void => {
          if (!meter.charge(amount)) throw guestError('OutOfGas', 'out of gas');
        };
        const refuseIfReadOnly = (what: string): void => {
          if (!readOnly) return;
          if (stop.kind === 'none') stop = { kind: 'readOnly', what };
          throw guestError('ReadOnlyError', `${what} is not allowed in a read-only call`);
        };
        const guarded =
          (fn: (...handles: QuickJSHandle[]) => QuickJSHandle | undefined) =>
          (...handles: QuickJSHandle[]): QuickJSHandle | undefined => {
            try {
              return fn(...handles);
            } catch (error) {
              if (error instanceof GuestError) throw error;
              // The host interface failed: a node fault, not the contract's doing.
              if (stop.kind !== 'hostFault') stop = { kind: 'hostFault', cause: error };
              throw guestError('HostFault', 'host failure');
            }
          };
        const checkSize = (s: string, max: number, what: string): number => {
          const bytes = utf8Length(s);
          if (bytes > max) throw guestError('RangeError', `${what} exceeds ${max} bytes`);
          return bytes;
        };

        const rawGet = ctx.newFunction(
          'get',
          guarded((keyHandle) => {
            charge(gas.hostCallBase);
            const key = ctx.getString(keyHandle!);
            const keyBytes = checkSize(key, options.maxKeyBytes, 'state key');
            const value = effects.read(key, (k) => host.getState(k));
            charge((keyBytes + (value === undefined ? 0 : utf8Length(value))) * gas.stateReadByte);
            return value === undefined ? ctx.null : ctx.newString(value);
          }),
        );
        const rawSet = ctx.newFunction(
          'set',
          guarded((keyHandle, valueHandle) => {
            refuseIfReadOnly('state.set');
            charge(gas.hostCallBase);
            const key = ctx.getString(keyHandle!);
            const value = ctx.getString(valueHandle!);
            const bytes =
              checkSize(key, options.maxKeyBytes, 'state key') +
              checkSize(value, options.maxValueBytes, 'state value');
            charge(bytes * gas.stateWriteByte);
            effects.set(key, value);
            return undefined;
          }),
        );
        const rawDelete = ctx.newFunction(
          'delete',
          guarded((keyHandle) => {
            refuseIfReadOnly('state.delete');
            charge(gas.hostCallBase);
            const key = ctx.getString(keyHandle!);
            charge(checkSize(key, options.maxKeyBytes, 'state key') * gas.stateWriteByte);
            effects.delete(key);
            return undefined;
          }),
        );
        const rawEmit = ctx.newFunction(
          'emit',
          guarded((nameHandle, dataHandle) => {
            refuseIfReadOnly('emit');
            charge(gas.hostCallBase);
            const name = ctx.getString(nameHandle!);
            const dataJson = ctx.getString(dataHandle!);
            const bytes =
              checkSize(name, options.maxKeyBytes, 'event name') +
              checkSize(dataJson, options.maxJsonBytes, 'event data');
            charge(bytes * gas.eventByte);
            effects.emit(name, dataJson);
            return undefined;
          }),
        );
        const rawCall = ctx.newFunction(
          'call',
          guarded((nameHandle, argsHandle) => {
            charge(gas.hostCallBase);
            const name = ctx.getString(nameHandle!);
            const argsJson = ctx.getString(argsHandle!);
            const bytes =
              checkSize(name, options.maxKeyBytes, 'host call name') +
              checkSize(argsJson, options.maxJsonBytes, 'host call arguments');
            charge(bytes * gas.ioByte);
            const result = host.hostCall({ name, argsJson, readOnly, gasAvailable: meter.remaining });
            charge(result.gasUsed);
            // A nested call that ran out of gas spent all this call had left: this call is out of gas too,
            // and catching the error must not let it finish.
            if (!result.ok && result.code === ContractErrorCode.OUT_OF_GAS) meter.exhaust();
            if (!result.ok) throw guestError('HostCallError', `${result.code}: ${result.message}`);
            charge(checkSize(result.resultJson, options.maxJsonBytes, 'host call result') * gas.ioByte);
            return ctx.newString(result.resultJson);
          }),
        );
        const rawCharge = ctx.newFunction(
          'charge',
          guarded((sizeHandle, kindHandle) => {
            // Kinds as in the prelude: 0 characters, 1 array elements, 2 eight-byte words of binary data.
            const kind = kindHandle === undefined ? 0 : ctx.getNumber(kindHandle);
            const rate = kind === 1 ? gas.builtinElement : kind === 2 ? gas.binaryWord : gas.builtinByte;
            const size = ctx.getNumber(sizeHandle!);
            // A size that is not a positive finite number (NaN from hostile code) is charged as zero, never
            // as NaN, which would poison the gas meter's comparisons.
            charge(Number.isFinite(size) && size > 0 ? size * rate : 0);
            return undefined;
          }),
        );
        const contextJson = JSON.stringify(host.context);
        status = runGuest(ctx, [rawGet, rawSet, rawDelete, rawEmit, rawCall, rawCharge], {
          contextJson,
          maxJsonDepth: options.maxJsonDepth,
          source,
          method: request.method,
          argsJson: args.json,
        });
      } finally {
        // Reading the outcome and tearing down must not be stopped by the contract's limits.
        runtime.setMemoryLimit(-1);
        runtime.removeInterruptHandler();
        ctx.dispose();
      }
    } catch (error) {
      this.faulted = new SandboxFaultError('the QuickJS WebAssembly instance failed', { cause: error });
      throw this.faulted;
    } finally {
      if (!this.faulted) runtime.dispose();
    }

    // Host-side reasons to stop win over what the guest reported: a contract cannot catch them away.
    const stopped = stop as StickyStop;
    if (stopped.kind === 'hostFault') {
      throw new SandboxFaultError('the contract host failed during a call', { cause: stopped.cause });
    }
    if (meter.isExhausted) return outOfGas(meter);
    if (stopped.kind === 'readOnly') {
      return fail(
        ContractErrorCode.READ_ONLY,
        `${stopped.what} is not allowed in a read-only call`,
        meter.gasUsed,
      );
    }
    // No status: the guest could not even report (it only fails so while allocating): out of memory.
    if (status === undefined) return outOfMemory(request, meter);
    const payload = status.slice(1);
    switch (status[0]) {
      case GuestStatus.RESULT: {
        if (!meter.charge(utf8Length(payload) * gas.ioByte)) return outOfGas(meter);
        if (utf8Length(payload) > options.maxJsonBytes) {
          return fail(
            ContractErrorCode.BAD_RETURN,
            `result exceeds ${options.maxJsonBytes} bytes`,
            meter.gasUsed,
          );
        }
        const value: JsonValue = parsePlainJson(payload);
        callHost(() => {
          for (const [key, pending] of effects.pendingWrites) {
            if (pending === null) host.deleteState(key);
            else host.setState(key, pending);
          }
          for (const event of effects.pendingEvents) host.emitEvent(event);
        });
        return { ok: true, value, gasUsed: meter.gasUsed };
      }
      case GuestStatus.THREW:
        return fail(ContractErrorCode.THREW, payload, meter.gasUsed);
      case GuestStatus.OUT_OF_MEMORY:
        return outOfMemory(request, meter);
      case GuestStatus.STACK_OVERFLOW:
        return fail(
          ContractErrorCode.STACK_OVERFLOW,
          `stack limit of ${options.maxStackBytes} bytes exceeded`,
          meter.gasUsed,
        );
      case GuestStatus.BAD_RETURN:
        return fail(ContractErrorCode.BAD_RETURN, payload, meter.gasUsed);
      case GuestStatus.METHOD_NOT_FOUND:
        return fail(
          ContractErrorCode.METHOD_NOT_FOUND,
          `the code exports no method ${payload}`,
          meter.gasUsed,
        );
      case GuestStatus.LOAD_FAILED:
        return fail(ContractErrorCode.LOAD_FAILED, payload, meter.gasUsed);
      default:
        throw new SandboxFaultError(`unknown guest status ${JSON.stringify(status[0])}`);
    }
  }

  private checkRequest(request: CallRequest): string | undefined {
    const { options } = this;
    if (!Number.isSafeInteger(request.gasLimit) || request.gasLimit <= 0)
      return 'gasLimit must be a positive integer';
    if (
      !Number.isSafeInteger(request.memoryLimitBytes) ||
      request.memoryLimitBytes < options.minMemoryLimitBytes ||
      request.memoryLimitBytes > options.maxMemoryLimitBytes
    ) {
      return `memoryLimitBytes must be an integer in [${options.minMemoryLimitBytes}, ${options.maxMemoryLimitBytes}]`;
    }
    if (typeof request.method !== 'string' || request.method.length === 0)
      return 'method must be a non-empty string';
    if (!Array.isArray(request.args)) return 'args must be an array';
    return undefined;
  }
}

/**
 * Evaluates the prelude, calls it with the host functions to get the entry function, and calls the entry.
 * Returns the entry's status string, or undefined if an exception escaped it (gas interrupt, or allocation
 * failure while reporting). The escaped value is contract-influenced, so it is disposed without being read.
 */
function runGuest(
  ctx: QuickJSContext,
  hostFunctions: QuickJSHandle[],
  call: { contextJson: string; maxJsonDepth: number; source: string; method: string; argsJson: string },
): string | undefined {
  const owned: QuickJSHandle[] = [...hostFunctions];
  try {
    const factory = ctx.evalCode(PRELUDE_SOURCE, 'prelude.js');
    if (factory.error) return discard(factory.error);
    owned.push(factory.value);
    const setupArgs = [
      ...hostFunctions,
      ctx.newString(call.contextJson),
      ctx.newNumber(call.maxJsonDepth),
      ctx.newNumber(MAX_MESSAGE_LENGTH),
    ];
    owned.push(...setupArgs.slice(hostFunctions.length));
    const entry = ctx.callFunction(factory.value, ctx.undefined, ...setupArgs);
    if (entry.error) return discard(entry.error);
    owned.push(entry.value);
    const entryArgs = [ctx.newString(call.source), ctx.newString(call.method), ctx.newString(call.argsJson)];
    owned.push(...entryArgs);
    const outcome = ctx.callFunction(entry.value, ctx.undefined, ...entryArgs);
    if (outcome.error) return discard(outcome.error);
    owned.push(outcome.value);
    return ctx.typeof(outcome.value) === 'string' ? ctx.getString(outcome.value) : undefined;
  } finally {
    for (const handle of owned) if (handle.alive) handle.dispose();
  }
}

function discard(handle: QuickJSHandle): undefined {
  handle.dispose();
  return undefined;
}

/** An exception meant for the contract (name and message cross into QuickJS), not a host failure. */
class GuestError extends Error {}

function guestError(name: string, message: string): GuestError {
  const error = new GuestError(message);
  error.name = name;
  return error;
}

/** Runs host-interface code outside a contract call; anything it throws is a node fault. */
function callHost<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new SandboxFaultError('the contract host failed', { cause: error });
  }
}

function fail(code: ContractErrorCode, message: string, gasUsed: number): CallResult {
  return { ok: false, code, message, gasUsed };
}

function outOfGas(meter: GasMeter): CallResult {
  return fail(ContractErrorCode.OUT_OF_GAS, `gas limit of ${meter.limit} exceeded`, meter.gasUsed);
}

function outOfMemory(request: CallRequest, meter: GasMeter): CallResult {
  return fail(
    ContractErrorCode.OUT_OF_MEMORY,
    `memory limit of ${request.memoryLimitBytes} bytes exceeded`,
    meter.gasUsed,
  );
}
