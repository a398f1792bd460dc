/**
 * Failure codes of a contract call. They are part of consensus: a call's code is recorded on chain and
 * every node must produce the same one, so a code never changes meaning once released.
 */
export const ContractErrorCode = {
  /** The request itself is unusable (limits out of range, arguments not JSON). Nothing ran. */
  INVALID_REQUEST: 'CONTRACT_INVALID_REQUEST',
  /** No code is deployed under the requested code id. */
  CODE_NOT_FOUND: 'CONTRACT_CODE_NOT_FOUND',
  /** The code did not evaluate (syntax error, top-level throw) or defines no `contract` object. */
  LOAD_FAILED: 'CONTRACT_LOAD_FAILED',
  /** The code has no exported method of that name. */
  METHOD_NOT_FOUND: 'CONTRACT_METHOD_NOT_FOUND',
  /** The method threw; the message is the thrown value's `name: message`. */
  THREW: 'CONTRACT_THREW',
  /** The method returned something that is not plain JSON data (function, cycle, undefined, NaN...). */
  BAD_RETURN: 'CONTRACT_BAD_RETURN',
  /** The call used more gas than its limit. */
  OUT_OF_GAS: 'CONTRACT_OUT_OF_GAS',
  /** The call allocated more than its memory limit. */
  OUT_OF_MEMORY: 'CONTRACT_OUT_OF_MEMORY',
  /** The call recursed deeper than the sandbox's stack limit. */
  STACK_OVERFLOW: 'CONTRACT_STACK_OVERFLOW',
  /** A read-only call (query) tried to write state or emit an event. */
  READ_ONLY: 'CONTRACT_READ_ONLY',
} as const;

export type ContractErrorCode = (typeof ContractErrorCode)[keyof typeof ContractErrorCode];

/** A contract call failed in a way that is the contract's (or the request's) fault: deterministic, recordable. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  constructor(
    readonly code: ContractErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The sandbox itself failed on this node (the host's native stack overflowed inside WebAssembly, the host
 * interface threw an unexpected error, the WebAssembly module aborted). This is NOT a contract result and must
 * never be recorded as one: another node may not fail the same way. The state machine should stop executing
 * the block and surface the fault, like a storage error.
 */
export class SandboxFaultError extends Error {
  override readonly name = 'SandboxFaultError';
  readonly code = 'SANDBOX_FAULT';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
