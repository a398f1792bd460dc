import type { ContractErrorCode } from './errors.js';

/** A value that survives JSON: what crosses the sandbox boundary in either direction. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * What a call may know about the chain, given by the host; the only source of time and identity inside the
 * sandbox.
 */
export interface CallContext {
  /** The address of the contract instance being called (its state namespace on the host side). */
  readonly contract: string;
  /** The account (or contract) that made the call. */
  readonly caller: string;
  /** Height of the block the call executes in (for a query: the height of the state it reads). */
  readonly height: number;
  /** Time of that block in milliseconds since the Unix epoch, from the block header, never a local clock. */
  readonly time: number;
}

/** A call the contract makes out of the sandbox: to another contract or to a kernel method. */
export interface HostCallRequest {
  /** What to call, e.g. `escrow.release` or `contract:<address>.reserve`; the host routes and permission-checks it. */
  readonly name: string;
  /** The arguments as JSON text, produced by the sandbox from plain data. */
  readonly argsJson: string;
  /** True inside a query: the host must run the nested call read-only as well. */
  readonly readOnly: boolean;
  /** Gas still available to the calling contract; the nested call must not use more. */
  readonly gasAvailable: number;
}

export type HostCallResult =
  | { readonly ok: true; readonly resultJson: string; readonly gasUsed: number }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly gasUsed: number };

/** One event a contract emitted; handed to the host only when the call succeeds. */
export interface ContractEvent {
  readonly name: string;
  /** The event's data as JSON text, produced by the sandbox from plain data. */
  readonly dataJson: string;
}

/**
 * What the sandbox may ask of the chain during a call. The state machine implements it.
 *
 * Keys and values of contract state are JavaScript strings that are well-formed Unicode (no lone
 * surrogates); their canonical byte form, for storage and hashing, is their UTF-8 encoding, which is a
 * one-to-one mapping for well-formed strings. The sandbox refuses anything else before it reaches the host.
 *
 * Transactional from the sandbox's side: during a call the sandbox only reads through `getState` and keeps
 * its writes and events in a buffer. It calls `setState`, `deleteState` and `emitEvent` only after the call
 * succeeded, in the order the contract made them (writes collapsed to the last value per key). Effects of
 * `hostCall` belong to the host: if the call's result is not ok, the host must revert what nested calls did.
 * Because buffered writes are invisible to nested calls, the host must refuse re-entrant calls into a
 * contract that is already on the call stack.
 */
export interface ContractHost {
  readonly context: CallContext;
  /** The source of a deployed code id, or undefined if none. */
  getCode(codeId: string): string | undefined;
  /** The committed value of one key of the calling contract's own state, or undefined if absent. */
  getState(key: string): string | undefined;
  setState(key: string, value: string): void;
  deleteState(key: string): void;
  emitEvent(event: ContractEvent): void;
  /** Route a call to another contract or a kernel method. Throwing is a node fault, not a refusal. */
  hostCall(request: HostCallRequest): HostCallResult;
}

export interface CallRequest {
  /** Id of the deployed code to run. */
  readonly codeId: string;
  /** Name of a method the code exports on its `contract` object. */
  readonly method: string;
  /** Positional arguments, plain JSON data. */
  readonly args: readonly JsonValue[];
  /** Most gas the call may use. */
  readonly gasLimit: number;
  /** Most bytes the call's QuickJS runtime may allocate, including the engine's own baseline. */
  readonly memoryLimitBytes: number;
}

export type CallResult =
  | { readonly ok: true; readonly value: JsonValue; readonly gasUsed: number }
  | {
      readonly ok: false;
      readonly code: ContractErrorCode;
      readonly message: string;
      readonly gasUsed: number;
    };
