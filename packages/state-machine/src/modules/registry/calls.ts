/**
 * Running one method of one implementation: the argument and output checks against the standard, the
 * sandbox call, and conformance runs. Shared by the `call` command, the `callReadOnly` query, registration,
 * and `runReadOnlyCall` (a wallet's local run), so the four cannot drift.
 */
import type { CallResult, ContractEvent, HostCallResult, JsonValue } from '@hanglian/contract-runtime';
import { type Address, addressFromPublicKey, sha256, utf8 } from '@hanglian/core';
import { MemoryState, StateOverlay, type StateWriter } from '../../framework/state.js';
import { RegistryErrors } from './errors.js';
import type { ContractExecutor } from './executor.js';
import type { SettlementForRegistry } from './expected.js';
import {
  type ContractTransfer,
  contractAccount,
  ImplementationHost,
  type NestedContractCall,
} from './host.js';
import { jsonEqual, jsonSchemaError } from './jsonSchema.js';
import {
  type ConformanceVector,
  codeStore,
  implementationStore,
  type Standard,
  standardStore,
} from './stores.js';

/**
 * Most contract frames on one call stack, the transaction's own call included. Each frame holds a QuickJS
 * instance (its own memory limit; the sandbox keeps one per level, 4 by default) and native stack on the
 * contract worker, so the depth bounds both.
 */
export const MAX_CONTRACT_CALL_DEPTH = 4;

export type ContractOutcome =
  | { readonly ok: true; readonly value: JsonValue; readonly gasUsed: number }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly gasUsed: number };

export interface ContractCallInput {
  readonly executor: ContractExecutor;
  readonly standard: Standard;
  readonly implementationId: string;
  readonly codeHash: string;
  readonly source: string;
  readonly method: string;
  readonly args: readonly unknown[];
  readonly caller: Address;
  readonly height: number;
  readonly time: number;
  /** The state the call reads and writes (a throw-away layer for read-only calls). */
  readonly state: StateWriter;
  readonly settlement: SettlementForRegistry;
  readonly gasLimit: number;
  readonly memoryLimitBytes: number;
  readonly readOnly: boolean;
  /** Implementations already running above this call, outermost first (nested calls only). */
  readonly callStack?: readonly string[];
}

/** One successful use of an implementation by another contract, with what it did. */
export interface NestedCallRecord {
  readonly implementation: string;
  readonly standard: string;
  readonly codeHash: string;
  readonly method: string;
  /** The calling contract's account: what the callee saw as `chain.caller`. */
  readonly caller: Address;
  readonly callerImplementation: string;
  /** Contract frames above it: 1 for a call made by the transaction's contract. */
  readonly depth: number;
  readonly resultJson: string;
  readonly contractGas: number;
  readonly events: readonly ContractEvent[];
  readonly transfers: readonly ContractTransfer[];
}

export interface ContractCallReport {
  readonly outcome: ContractOutcome;
  /** Events the contract emitted (only on success), as the sandbox gave them. */
  readonly events: ReadonlyArray<{ name: string; dataJson: string }>;
  readonly transfers: readonly ContractTransfer[];
  /** Nested calls that succeeded and whose effects were kept, innermost first (only on success). */
  readonly nested: readonly NestedCallRecord[];
}

/** Runs one method, checking arguments and output against the standard. Never throws for contract faults. */
export function runContractCall(input: ContractCallInput): ContractCallReport {
  const fail = (code: string, message: string, gasUsed = 0): ContractCallReport => ({
    outcome: { ok: false, code, message, gasUsed },
    events: [],
    transfers: [],
    nested: [],
  });
  const method = input.standard.methods.find((m) => m.name === input.method);
  if (method === undefined) {
    return fail(RegistryErrors.REGISTRY_UNKNOWN_METHOD, `${input.standard.id} has no method ${input.method}`);
  }
  if (input.args.length !== method.params.length) {
    return fail(RegistryErrors.REGISTRY_BAD_ARGS, `${method.name} takes ${method.params.length} arguments`);
  }
  for (let i = 0; i < method.params.length; i++) {
    const param = method.params[i]!;
    const error = jsonSchemaError(param.schema, input.args[i], `/${param.name}`);
    if (error !== undefined) return fail(RegistryErrors.REGISTRY_BAD_ARGS, `${method.name}: ${error}`);
  }
  const stack = [...(input.callStack ?? []), input.implementationId];
  const nested: NestedCallRecord[] = [];
  const host = new ImplementationHost({
    state: input.state,
    implementationId: input.implementationId,
    codeHash: input.codeHash,
    source: input.source,
    context: {
      contract: contractAccount(input.implementationId),
      caller: input.caller,
      height: input.height,
      time: input.time,
    },
    settlement: input.settlement,
    callContract: (call) => runNestedCall(input, stack, nested, call),
  });
  const request = {
    codeId: input.codeHash,
    method: input.method,
    args: input.args as JsonValue[],
    gasLimit: input.gasLimit,
    memoryLimitBytes: input.memoryLimitBytes,
  };
  // A method the standard calls read-only runs read-only even inside a transaction: the promise is enforced.
  const result: CallResult =
    input.readOnly || method.readOnly
      ? input.executor.query(request, host)
      : input.executor.call(request, host);
  if (!result.ok) return fail(result.code, result.message, result.gasUsed);
  const outputError = jsonSchemaError(method.output, result.value, '/result');
  if (outputError !== undefined) {
    return fail(RegistryErrors.REGISTRY_BAD_OUTPUT, `${method.name}: ${outputError}`, result.gasUsed);
  }
  return { outcome: result, events: host.events, transfers: host.transfers, nested };
}

/**
 * A contract's call into another implementation (`chain.call('contract.call', id, method, args)`). The
 * callee runs with its own state and account, as a sub-transaction: its writes and payments go to a layer
 * over the caller's state that is merged only if it succeeds, so a failure the caller catches leaves
 * nothing behind, and a caller that fails later takes the merged effects down with its own layer (or the
 * transaction). Its gas is the caller's remaining gas and is charged to the caller by the sandbox.
 */
function runNestedCall(
  parent: ContractCallInput,
  stack: readonly string[],
  nested: NestedCallRecord[],
  call: NestedContractCall,
): HostCallResult {
  const refuse = (code: string, message: string): HostCallResult => ({
    ok: false,
    code,
    message,
    gasUsed: 0,
  });
  if (stack.length >= MAX_CONTRACT_CALL_DEPTH) {
    return refuse(
      RegistryErrors.REGISTRY_CALL_DEPTH,
      `a call stack holds at most ${MAX_CONTRACT_CALL_DEPTH} contracts`,
    );
  }
  // The caller's own writes are buffered inside the sandbox until it returns: a re-entered contract would
  // read stale state and its writes would be overwritten. Refused, like any contract already on the stack.
  if (stack.includes(call.implementationId)) {
    return refuse(RegistryErrors.REGISTRY_REENTRY, `${call.implementationId} is already on the call stack`);
  }
  const implementation = implementationStore.get(parent.state, call.implementationId);
  if (implementation === undefined) {
    return refuse(
      RegistryErrors.REGISTRY_IMPLEMENTATION_NOT_FOUND,
      `no implementation ${call.implementationId}`,
    );
  }
  // Both exist by construction: registration checked them, and neither is ever deleted.
  const standard = standardStore.get(parent.state, implementation.standard)!;
  const code = codeStore.get(parent.state, implementation.codeHash)!;
  const layer = new StateOverlay(parent.state);
  const caller = contractAccount(parent.implementationId);
  const report = runContractCall({
    executor: parent.executor,
    standard,
    implementationId: implementation.id,
    codeHash: code.hash,
    source: code.source,
    method: call.method,
    args: call.args,
    caller,
    height: parent.height,
    time: parent.time,
    state: layer,
    settlement: parent.settlement,
    gasLimit: call.gasLimit,
    memoryLimitBytes: parent.memoryLimitBytes,
    readOnly: call.readOnly,
    callStack: stack,
  });
  const { outcome } = report;
  if (!outcome.ok)
    return { ok: false, code: outcome.code, message: outcome.message, gasUsed: outcome.gasUsed };
  layer.commitTo(parent.state);
  const resultJson = JSON.stringify(outcome.value);
  nested.push(...report.nested, {
    implementation: implementation.id,
    standard: standard.id,
    codeHash: code.hash,
    method: call.method,
    caller,
    callerImplementation: parent.implementationId,
    depth: stack.length,
    resultJson,
    contractGas: outcome.gasUsed,
    events: report.events,
    transfers: report.transfers,
  });
  return { ok: true, resultJson, gasUsed: outcome.gasUsed };
}

/** Who calls during conformance runs when a vector names nobody: a fixed address, so runs are reproducible. */
export const CONFORMANCE_CALLER: Address = addressFromPublicKey(
  sha256(utf8('hanglian/conformance-caller/v1')),
);
/** Block facts during conformance runs: fixed, so a local run and the chain's run agree exactly. */
export const CONFORMANCE_BLOCK = { height: 1, time: 1_767_225_600_000 } as const;

export interface ConformanceInput {
  readonly executor: ContractExecutor;
  readonly standard: Standard;
  readonly implementationId: string;
  readonly codeHash: string;
  readonly source: string;
  readonly settlement: SettlementForRegistry;
  /** Gas for all vectors together. */
  readonly gasLimit: number;
  /** Gas for one vector. */
  readonly callGasLimit: number;
  readonly memoryLimitBytes: number;
}

export interface VectorReport {
  readonly vector: string;
  readonly passed: boolean;
  readonly gasUsed: number;
  /** Why it failed, in words; `missingMethod` when the code lacks the method. */
  readonly failure?: string;
  readonly missingMethod?: boolean;
}

export interface ConformanceReport {
  readonly passed: boolean;
  readonly gasUsed: number;
  readonly vectors: VectorReport[];
}

/**
 * Runs every conformance vector of the standard, each on a fresh scratch state, with fixed block facts.
 * Stops at the first failure (later vectors would spend gas for nothing).
 */
export function runConformance(input: ConformanceInput): ConformanceReport {
  const vectors: VectorReport[] = [];
  let gasUsed = 0;
  for (const vector of input.standard.vectors) {
    const remaining = input.gasLimit - gasUsed;
    const report = runVector(input, vector, Math.min(remaining, input.callGasLimit));
    gasUsed += report.gasUsed;
    vectors.push(report);
    if (!report.passed) return { passed: false, gasUsed, vectors };
  }
  return { passed: true, gasUsed, vectors };
}

function runVector(input: ConformanceInput, vector: ConformanceVector, gasLimit: number): VectorReport {
  const scratch = new MemoryState();
  const account = contractAccount(input.implementationId);
  const prefix = `registry/state/${input.implementationId}/`;
  for (const [key, value] of Object.entries(vector.state ?? {})) scratch.set(utf8(prefix + key), utf8(value));
  for (const [address, amount] of Object.entries(vector.balances ?? {})) {
    if (amount > 0) input.settlement.credit(scratch, address === '$self' ? account : address, amount);
  }
  const method = input.standard.methods.find((m) => m.name === vector.method);
  const { outcome, events } = runContractCall({
    executor: input.executor,
    standard: input.standard,
    implementationId: input.implementationId,
    codeHash: input.codeHash,
    source: input.source,
    method: vector.method,
    args: vector.args,
    caller: vector.caller ?? CONFORMANCE_CALLER,
    ...CONFORMANCE_BLOCK,
    state: scratch,
    settlement: input.settlement,
    gasLimit,
    memoryLimitBytes: input.memoryLimitBytes,
    readOnly: method?.readOnly ?? false,
  });
  const base = { vector: vector.name, gasUsed: outcome.gasUsed };
  const failed = (failure: string, missingMethod = false): VectorReport => ({
    ...base,
    passed: false,
    failure,
    ...(missingMethod ? { missingMethod } : {}),
  });
  if (!outcome.ok && outcome.code === 'CONTRACT_METHOD_NOT_FOUND') {
    return failed(`the code has no method ${vector.method}`, true);
  }
  const expect = vector.expect;
  if (expect.ok) {
    if (!outcome.ok) return failed(`expected success, got ${outcome.code}: ${outcome.message}`);
    if (expect.value !== undefined && !jsonEqual(expect.value, outcome.value)) {
      return failed(`expected ${JSON.stringify(expect.value)}, got ${JSON.stringify(outcome.value)}`);
    }
  } else {
    if (outcome.ok) return failed(`expected failure${expect.code ? ` ${expect.code}` : ''}, got success`);
    if (expect.code !== undefined && expect.code !== outcome.code) {
      return failed(`expected ${expect.code}, got ${outcome.code}: ${outcome.message}`);
    }
  }
  for (const [key, expected] of Object.entries(vector.expectState ?? {})) {
    const bytes = scratch.get(utf8(prefix + key));
    const actual = bytes === undefined ? null : Buffer.from(bytes).toString('utf8');
    if (actual !== expected)
      return failed(`state ${key}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
  if (vector.expectEvents !== undefined) {
    const actual = events.map((e) => ({ name: e.name, data: JSON.parse(e.dataJson) as unknown }));
    if (!jsonEqual(vector.expectEvents, actual)) {
      return failed(`events: expected ${JSON.stringify(vector.expectEvents)}, got ${JSON.stringify(actual)}`);
    }
  }
  return { ...base, passed: true };
}
