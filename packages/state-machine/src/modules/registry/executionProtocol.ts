/** Messages between the executor's thread and the contract worker (executionThread.ts explains the protocol). */
import type {
  CallContext,
  CallRequest,
  CallResult,
  ContractEvent,
  HostCallRequest,
} from '@hanglian/contract-runtime';

export type HostOp =
  | { readonly name: 'getCode'; readonly codeId: string }
  | { readonly name: 'getState'; readonly key: string }
  | { readonly name: 'setState'; readonly key: string; readonly value: string }
  | { readonly name: 'deleteState'; readonly key: string }
  | { readonly name: 'emitEvent'; readonly event: ContractEvent }
  | { readonly name: 'hostCall'; readonly request: HostCallRequest };

export type ToWorker =
  | {
      readonly kind: 'run';
      readonly mode: 'call' | 'query';
      readonly request: CallRequest;
      readonly context: CallContext;
      /** The code of `request.codeId`, sent along to save a round trip. */
      readonly source: string | null;
      /** 1 for a transaction's call, more for a nested call run while the worker waits in a host call. */
      readonly depth: number;
    }
  | { readonly kind: 'hostResult'; readonly ok: true; readonly value: unknown }
  | { readonly kind: 'hostResult'; readonly ok: false; readonly message: string };

/** Host operations that return nothing: the worker sends them with its next message instead of one each. */
export type EffectOp = Extract<HostOp, { name: 'setState' | 'deleteState' | 'emitEvent' }>;

export type ToCaller =
  | { readonly kind: 'host'; readonly op: HostOp; readonly effects: readonly EffectOp[] }
  | {
      readonly kind: 'done';
      readonly result: CallResult;
      readonly depth: number;
      readonly effects: readonly EffectOp[];
    }
  | { readonly kind: 'fault'; readonly message: string; readonly wasmFailed: boolean };

export const SIGNAL_TO_CALLER = 0;
export const SIGNAL_TO_WORKER = 1;
