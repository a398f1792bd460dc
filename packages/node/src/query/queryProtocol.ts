/** Messages between a node and its read-only query workers (queryPool.ts). */
import type { ReadAccess } from '@hanglian/state-machine';
import type { KvDurability } from '@hanglian/storage';

export interface QueryWorkerData {
  readonly dataDir: string;
  readonly durability: KvDurability | undefined;
  readonly chainId: string;
  /** The genesis time: a query on the genesis state sees it as the block time. */
  readonly genesisTime: number;
  /** The node's cap on a read-only contract call's gas. */
  readonly gasCap: number;
  /** Niceness of the worker's thread (Linux): block execution and the API come first. */
  readonly nice: number;
}

export interface QueryJob {
  readonly id: number;
  readonly module: string;
  readonly name: string;
  readonly params: unknown;
  /** Who asks, as the API thread decided it: a public reader's query cannot read members-only stores. */
  readonly reader: ReadAccess;
}

export type QueryReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'result'; readonly id: number; readonly height: number; readonly result: unknown }
  | {
      readonly kind: 'error';
      readonly id: number;
      readonly code: string;
      readonly message: string;
      /** False for a HanglianError (the query's own refusal); true for anything else (a fault). */
      readonly fault: boolean;
    };
