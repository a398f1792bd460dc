import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten';
import { ContractErrorCode, SandboxFaultError } from '../errors.js';
import { GasMeter } from '../gas.js';
import type { CallRequest, CallResult, ContractHost, JsonValue } from '../interface.js';
import { DEFAULT_SANDBOX_OPTIONS, type SandboxOptions } from '../options.js';
import { Engine, type EngineCall, type EngineOutcome } from './engine.js';
import { encodePlainJson, parsePlainJson } from './json.js';
import { GuestStatus } from './prelude.js';
import { CallEffects } from './writeBuffer.js';

export { CONTRACT_INTRINSICS } from './engine.js';

/** Calls one sandbox runs at once by default: the registry's MAX_CONTRACT_CALL_DEPTH (4) frames. */
export const DEFAULT_MAX_NESTING = 4;

/**
 * Node's Buffer when it exists (native), else a count over the code units: the sandbox runs in browsers too
 * (a wallet's local calls), where Buffer does not exist. Both count a lone surrogate as 3 bytes (U+FFFD).
 */
const NodeBuffer: { byteLength(s: string, encoding: 'utf8'): number } | undefined = (
  globalThis as { Buffer?: { byteLength(s: string, encoding: 'utf8'): number } }
).Buffer;
function utf8Length(s: string): number {
  if (NodeBuffer !== undefined) return NodeBuffer.byteLength(s, 'utf8');
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Why a call was stopped from the host side; these win over whatever the guest reported. */
type StickyStop =
  | { kind: 'none' }
  | { kind: 'readOnly'; what: string }
  | { kind: 'hostFault'; cause: unknown };

/**
 * Runs contract methods in QuickJS (WebAssembly). Each call starts from the same copy of an instance's memory
 * taken right after the prelude was evaluated (engine.ts), so no call can see anything another call left
 * behind, and the prelude is not parsed per call. `call` and `query` are synchronous.
 */
export class ContractSandbox {
  private faulted: SandboxFaultError | undefined;
  /** Calls running on this sandbox right now: the outer call and the nested calls made inside it. */
  private depth = 0;

  private constructor(
    private engines: Engine[],
    readonly options: SandboxOptions,
    private readonly maxNesting: number,
  ) {}

  /**
   * `maxNesting`: calls that may run on this sandbox at once (an outer call and the calls nested in it through
   * `hostCall`); one WebAssembly instance each, created here. A call nested deeper fails with
   * CONTRACT_INVALID_REQUEST.
   */
  static async create(
    options: Partial<SandboxOptions> = {},
    { maxNesting = DEFAULT_MAX_NESTING }: { maxNesting?: number } = {},
  ): Promise<ContractSandbox> {
    const full = { ...DEFAULT_SANDBOX_OPTIONS, ...options };
    return new ContractSandbox(await createEngines(full, maxNesting), full, maxNesting);
  }

  /** True after a fault that may have corrupted the WebAssembly instance; `reset()` replaces it. */
  get isFaulted(): boolean {
    return this.faulted !== undefined;
  }

  /** Replaces the WebAssembly instances after a fault. */
  async reset(): Promise<void> {
    for (const engine of this.engines) engine.dispose();
    this.engines = await createEngines(this.options, this.maxNesting);
    this.faulted = undefined;
    this.depth = 0;
  }

  /** Bytes of WebAssembly memory copied back before each call (the benchmark reports it). */
  get restoredBytesPerCall(): number {
    return this.engines[0]?.restoredBytes ?? 0;
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
    if (utf8Length(args.json) > options.maxArgumentBytes) {
      return fail(ContractErrorCode.INVALID_REQUEST, `arguments exceed ${options.maxArgumentBytes} bytes`, 0);
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
    // The source and arguments are converted and copied by the host; parsing and running them is metered
    // by the engine itself.
    meter.charge((codeBytes + utf8Length(args.json)) * gas.ioByte);
    if (meter.isExhausted) return outOfGas(meter);

    if (this.depth >= this.engines.length) {
      return fail(
        ContractErrorCode.INVALID_REQUEST,
        `calls nested deeper than ${this.engines.length} on one sandbox`,
        0,
      );
    }
    const engine = this.engines[this.depth]!;

    const effects = new CallEffects();
    let stop: StickyStop = { kind: 'none' };
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
      (fn: (ctx: QuickJSContext, ...handles: QuickJSHandle[]) => QuickJSHandle | undefined) =>
      (ctx: QuickJSContext, ...handles: QuickJSHandle[]): QuickJSHandle | undefined => {
        try {
          return fn(ctx, ...handles);
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

    const engineCall: EngineCall = {
      interrupt: () => stop.kind !== 'none',
      gasAvailable: () => (meter.isExhausted ? -1 : meter.remaining),
      engineUsed: (used) => void meter.charge(used),
      hostFunctions: {
        get: guarded((ctx, keyHandle) => {
          charge(gas.hostCallBase + gas.hostRoundTrip);
          const key = ctx.getString(keyHandle!);
          const keyBytes = checkSize(key, options.maxKeyBytes, 'state key');
          const value = effects.read(key, (k) => host.getState(k));
          charge((keyBytes + (value === undefined ? 0 : utf8Length(value))) * gas.stateReadByte);
          return value === undefined ? ctx.null : ctx.newString(value);
        }),
        set: guarded((ctx, keyHandle, valueHandle) => {
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
        delete: guarded((ctx, keyHandle) => {
          refuseIfReadOnly('state.delete');
          charge(gas.hostCallBase);
          const key = ctx.getString(keyHandle!);
          charge(checkSize(key, options.maxKeyBytes, 'state key') * gas.stateWriteByte);
          effects.delete(key);
          return undefined;
        }),
        emit: guarded((ctx, nameHandle, dataHandle) => {
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
        call: guarded((ctx, nameHandle, argsHandle) => {
          charge(gas.hostCallBase + gas.hostRoundTrip);
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
      },
    };
    let outcome: EngineOutcome;
    this.depth++;
    try {
      outcome = engine.run(engineCall, request.memoryLimitBytes, {
        contextJson: JSON.stringify(host.context),
        source,
        method: request.method,
        argsJson: args.json,
      });
    } catch (error) {
      this.faulted = new SandboxFaultError('the QuickJS WebAssembly instance failed', { cause: error });
      throw this.faulted;
    } finally {
      this.depth--;
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
    if (outcome.kind === 'outOfGas') return outOfGas(meter);
    // No status: the guest could not even report (it only fails so while allocating): out of memory.
    if (outcome.kind === 'escaped') return outOfMemory(request, meter);
    const status = outcome.status;
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

async function createEngines(options: SandboxOptions, count: number): Promise<Engine[]> {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new RangeError('maxNesting must be a positive integer');
  const engines: Engine[] = [];
  for (let i = 0; i < count; i++) engines.push(await Engine.create(options));
  return engines;
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
