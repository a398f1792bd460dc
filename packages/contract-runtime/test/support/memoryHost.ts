import type {
  CallContext,
  ContractEvent,
  ContractHost,
  HostCallRequest,
  HostCallResult,
} from '../../src/index.js';

/** An in-memory ContractHost for tests: one contract's state, its events, deployed code, and routed host calls. */
export class MemoryHost implements ContractHost {
  readonly state = new Map<string, string>();
  readonly events: ContractEvent[] = [];
  readonly hostCalls: HostCallRequest[] = [];
  context: CallContext = { contract: 'contract-1', caller: 'alice', height: 7, time: 1_700_000_000_000 };

  constructor(
    readonly code: Record<string, string>,
    /** Routes host calls; the default echoes `kernel.echo` and refuses everything else. */
    readonly route: (request: HostCallRequest) => HostCallResult = (request) =>
      request.name === 'kernel.echo'
        ? { ok: true, resultJson: request.argsJson, gasUsed: 1_000 }
        : { ok: false, code: 'HOST_CALL_UNKNOWN', message: `no route for ${request.name}`, gasUsed: 500 },
  ) {}

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
  emitEvent(event: ContractEvent): void {
    this.events.push(event);
  }
  hostCall(request: HostCallRequest): HostCallResult {
    this.hostCalls.push(request);
    return this.route(request);
  }

  /** Everything the host holds, for before/after comparisons. */
  snapshot(): string {
    return JSON.stringify({ state: [...this.state].sort(), events: this.events });
  }
}

export const GAS = 200_000_000;
export const MEMORY = 8 * 1024 * 1024;

export function request(method: string, args: unknown[] = [], overrides: Record<string, unknown> = {}) {
  return {
    codeId: 'main',
    method,
    args: args as never[],
    gasLimit: GAS,
    memoryLimitBytes: MEMORY,
    ...overrides,
  };
}
