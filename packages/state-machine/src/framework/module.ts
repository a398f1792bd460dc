/**
 * The shape every module has (kernel modules and, later, commerce modules):
 *
 *   module.ts      the class: name, stores, commands, events, queries, genesis, block hooks
 *   commands/*.ts  one command per file: params schema, execute (verify inside, then effects)
 *   stores.ts      its stores and their schemas (key layouts in the README)
 *   events.ts      the events it emits
 *   method.ts      what other modules may call (pure functions of a state)
 *   queries.ts     read-only queries (the API serves them)
 *   expected.ts    what it needs from other modules, as interfaces
 *   errors.ts      its error codes
 *   README.md      its spec
 *
 * Commands never read a clock, randomness, the environment or files: time comes from `ctx.block.time`.
 */

import type { Address, ChainEvent } from '@hanglian/core';
import type { Static, TSchema } from '@sinclair/typebox';
import type { StateReader, StateWriter } from './state.js';

/** Facts about the block being executed: the only clock and identity of the moment. */
export interface BlockInfo {
  readonly chainId: string;
  readonly height: number;
  /** Unix milliseconds from the block header. */
  readonly time: number;
  readonly proposer: Address;
}

/** Who signed the transaction. */
export interface TxSigners {
  readonly id: Uint8Array;
  /** The member identity that submitted the transaction. */
  readonly submitter: Address;
  readonly submitterKey: Uint8Array;
  /** Further signers (e.g. a consumer's one-time key), in body order. */
  readonly actors: readonly Address[];
  readonly actorKeys: readonly Uint8Array[];
}

export interface GasMeter {
  readonly limit: number;
  readonly used: number;
  /** Charges gas; throws TX_OUT_OF_GAS past the limit. */
  charge(amount: number, reason: string): void;
}

export interface EventSink {
  emit(module: string, name: string, data: unknown, topics?: readonly string[]): void;
}

export interface CommandContext<P = unknown> {
  readonly params: P;
  readonly tx: TxSigners;
  readonly block: BlockInfo;
  readonly state: StateWriter;
  readonly gas: GasMeter;
  /** Emits an event of the command's own module. */
  emit(name: string, data: unknown, topics?: readonly string[]): void;
  /**
   * Emits an event in another module's name, for work one module hands to another (interchain delivering
   * a proven message to orders, whose `delivered` event readers look for under `orders`).
   */
  emitAs(module: string, name: string, data: unknown, topics?: readonly string[]): void;
  /** True when `address` signed this transaction (as submitter or actor). */
  signedBy(address: Address): boolean;
}

export interface Command<S extends TSchema = TSchema> {
  readonly name: string;
  /** One line for the API description and the CLI. */
  readonly summary: string;
  readonly paramsSchema: S;
  /** Checks and effects. Throw a HanglianError to fail the transaction; its writes are then reverted. */
  execute(ctx: CommandContext<Static<S>>): void;
}

export interface QueryContext<P = unknown> {
  readonly params: P;
  readonly state: StateReader;
  /** Height of the state being read. */
  readonly height: number;
  /**
   * Time (unix ms) of the block that produced that state: the "now" of an answer that depends on time
   * (a channel past its end date). A query never reads a clock, so every node answers alike.
   */
  readonly time: number;
  /**
   * Who asks: `members` when a member identity signed the request (or the node itself asks), `public`
   * otherwise. A query answered to the public reads through a view that refuses every members-only store
   * (QUERY_READ_DENIED), so it may add members-only fields only when this says `members`.
   */
  readonly reader: ReadAccess;
}

/**
 * Who may run a query or read a store through a node's API: `public` (anyone: the catalogue, item
 * verification, reviews) or `members` (a request signed by a member identity: core's readRequest.ts).
 * Every member replicates the whole state, so this keeps data from non-members, not between members.
 */
export type ReadAccess = 'public' | 'members';

export interface QueryReads {
  readonly public?: readonly string[];
  readonly members?: readonly string[];
}

export interface Query<S extends TSchema = TSchema, R = unknown> {
  readonly name: string;
  readonly summary: string;
  readonly paramsSchema: S;
  /** Default `members`. A function decides by the (already checked) params, e.g. a buyer's own listing. */
  readonly access?: ReadAccess | ((params: Static<S>) => ReadAccess);
  /**
   * The stores it reads, as `<module>/<store>` (docs/privacy.md: the public-read rule). `public`: what it
   * reads whoever asks; each must be a public store, since a public read never returns what a
   * members-only store holds. `members`: what it reads only when a member asks (`ctx.reader`), and all
   * a members-only query reads. Tests check both lists against what the query really touches.
   */
  readonly reads: QueryReads;
  /**
   * True for a query that runs contract code (bounded by gas, but far longer than a lookup): a node runs
   * it apart from block execution, on its own workers with their own gas cap and queue (the node's
   * `query` options), so that it never holds up the chain or the API.
   */
  readonly runsContracts?: boolean;
  /**
   * The JSON schema of the answer, for the API description (OpenAPI); a TestChain checks every answer of a
   * query that declares one against it, so the description cannot drift from what `execute` returns.
   */
  readonly resultSchema?: TSchema;
  execute(ctx: QueryContext<Static<S>>): R;
}

/** Block-level hooks: deadlines, validator updates and other work no single transaction owns. */
export interface BlockHookContext {
  readonly block: BlockInfo;
  readonly state: StateWriter;
  emit(name: string, data: unknown, topics?: readonly string[]): void;
}

export interface GenesisContext {
  readonly chainId: string;
  readonly genesisTime: number;
  /** The genesis declares a development network (`dev: true`). */
  readonly dev?: boolean;
  readonly state: StateWriter;
}

export interface StoreDescription {
  readonly name: string;
  readonly keyLayout: string;
  readonly summary: string;
  /** Whether state proofs of its keys are served to anyone; default `members`. */
  readonly access?: ReadAccess;
}

export interface Module {
  readonly name: string;
  readonly commands: readonly Command<any>[];
  readonly queries: readonly Query<any, any>[];
  /** For documentation and the README check: every store with its key layout. */
  readonly stores: readonly StoreDescription[];
  readonly genesisSchema?: TSchema;
  /** Writes the module's initial state from its section of the genesis document (already schema-checked). */
  initGenesis?(ctx: GenesisContext, genesis: unknown): void;
  beforeTransactions?(ctx: BlockHookContext): void;
  afterTransactions?(ctx: BlockHookContext): void;
  /**
   * State migrations, by the name of the software upgrade that brings them (framework/upgrades.ts): run
   * once, at the start of the block at the upgrade's height, before any block hook. A chain born with the
   * upgrade never runs them, so the module must write the new layout from genesis on when the upgrade is
   * in effect (`upgradeApplied`). Deterministic like any execution: state in, state out.
   */
  readonly migrations?: Readonly<Record<string, (ctx: BlockHookContext) => void>>;
}

export type { ChainEvent };

/**
 * A module's queries, keyed by name: the one declaration both the node (which serves the list) and the
 * clients' typed query table (`@hanglian/state-machine/client`, `ChainQueries`) are made from.
 */
export type QueryRecord = Readonly<Record<string, Query<any, any>>>;

/** The list a module serves, from its record; a key that is not its query's name is a programming error. */
export function queryList(queries: QueryRecord): Query<any, any>[] {
  return Object.entries(queries).map(([key, query]) => {
    if (query.name !== key) throw new Error(`query '${query.name}' is recorded under '${key}'`);
    return query;
  });
}

/** Each query's params (from its schema) and result (what `execute` returns), before JSON encoding. */
export type QueryTypesOf<R> = {
  -readonly [K in keyof R]: R[K] extends {
    readonly paramsSchema: infer S extends TSchema;
    execute(ctx: any): infer Result;
  }
    ? { params: Static<S>; result: Result }
    : never;
};

/**
 * The names of the queries of record `R` whose declared `resultSchema` does not describe exactly what their
 * `execute` returns (`never` when all agree): the client entry's test requires `never` for every module.
 */
export type ResultSchemaMismatches<R> = {
  [K in keyof R]: R[K] extends {
    readonly resultSchema: infer RS extends TSchema;
    execute(ctx: any): infer Result;
  }
    ? [Static<RS>] extends [Result]
      ? [Result] extends [Static<RS>]
        ? never
        : K
      : K
    : never;
}[keyof R];
