/**
 * The state machine: everything the engine (consensus, mempool, storage) asks of the application goes
 * through this one class, in the spirit of Lisk's ABI: init genesis, check a transaction for the mempool,
 * execute a block, answer a query. It never reads a clock, randomness, the environment or files; the
 * engine hands it the block's facts and a state to read and write.
 */

import { SandboxFaultError } from '@hanglian/contract-runtime';
import {
  type Address,
  type ChainEvent,
  CoreErrors,
  type CryptoSuite,
  type DecodedTx,
  encodeCanonical,
  errorCodeSpec,
  HanglianError,
  RESULT_OK,
  sha256,
  type TextRule,
  type TxResult,
  textProblem,
  textRuleOfFormat,
  verifyTxSignatures,
} from '@hanglian/core';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ExecutionErrors } from '../framework/errors.js';
import type {
  BlockInfo,
  Command,
  CommandContext,
  Module,
  Query,
  ReadAccess,
  TxSigners,
} from '../framework/module.js';
import { PublicStateView } from '../framework/publicState.js';
import { StateOverlay, type StateReader, type StateWriter } from '../framework/state.js';
import { appliedUpgradeStore, upgradeApplied } from '../framework/upgrades.js';
import { KernelGas, SimpleGasMeter } from './gas.js';
import { nonceStore } from './nonceStore.js';

/** What the executor needs to know about membership; the identity module provides it. */
export interface MembershipOracle {
  /** True when `address` is an active member identity at `time` (block milliseconds). */
  isActiveMember(state: StateReader, address: Address, time: number): boolean;
  /**
   * The block time from which `address` is no longer an active member in `state` (0: not a member now,
   * Infinity: no expiry): `isActiveMember(state, a, t)` is `t < memberUntil(state, a)`. Lets admission
   * remember membership per committed state (AdmissionMemo).
   */
  memberUntil?(state: StateReader, address: Address): number;
  /** Key prefixes of every record `memberUntil` reads: a block that writes none leaves it unchanged. */
  readonly membershipKeyPrefixes?: readonly Uint8Array[];
  /**
   * True when `address` is a member identity that was revoked (by a key rotation or a revocation). A
   * revoked key must not sign as an actor either: a leaked key that was rotated away would otherwise
   * still satisfy `signedBy` for its old address (transfers from it, grants in its name).
   */
  isRevokedIdentity?(state: StateReader, address: Address): boolean;
}

/**
 * What mempool admission may remember between transactions checked against one committed state: each
 * submitter's membership (two store reads, decoded and schema-checked, for every transaction otherwise).
 * The owner must `clear()` it whenever the state it was filled from changes (after each committed block).
 * Admission only: block execution never uses it, so it cannot change what a block does.
 */
export class AdmissionMemo {
  readonly #memberUntil = new Map<Address, number>();
  /** Lookups answered from the memo, and those that read the state (for tests and metrics). */
  hits = 0;
  misses = 0;

  memberUntil(address: Address, read: () => number): number {
    let until = this.#memberUntil.get(address);
    if (until === undefined) {
      this.misses++;
      until = read();
      // Bounded: a flood of distinct submitters between two blocks must not grow memory without limit.
      if (this.#memberUntil.size >= 50_000) this.#memberUntil.clear();
      this.#memberUntil.set(address, until);
    } else this.hits++;
    return until;
  }

  clear(): void {
    this.#memberUntil.clear();
  }
}

export const GenesisDocumentSchema = Type.Object(
  {
    chainId: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }),
    /** Unix milliseconds; the first block's time must be later. */
    genesisTime: Type.Integer({ minimum: 0 }),
    cryptoSuite: Type.Literal('ed25519-sha256'),
    /**
     * A development network (a local devnet): only such a chain may use development-only settings,
     * such as the insights module's fast calendar. Part of the genesis hash, so no node can flip it.
     */
    dev: Type.Optional(Type.Boolean()),
    /**
     * The software upgrades the chain is born with (framework/upgrades.ts): their layouts and rules apply
     * from the first block and they never migrate. A genesis made before an upgrade lacks it, so a release
     * that carries it still replays that chain as it was, and migrates at the height governance sets.
     */
    upgrades: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }), { maxItems: 256 }),
    ),
    modules: Type.Record(Type.String(), Type.Unknown()),
    /**
     * The founders' consent: each founding organisation's root key signs the document without this
     * field (the genesis ceremony, `docs/decisions/0009-consortium-formation.md`). Nodes refuse to start
     * from a genesis that some founder has not signed; execution ignores it. Part of the genesis hash, so
     * the chain's first hash commits to who agreed to it.
     */
    signatures: Type.Optional(
      Type.Array(
        Type.Object(
          {
            org: Type.String({ maxLength: 64 }),
            publicKey: Type.String({ pattern: '^[0-9a-f]{64}$' }),
            signature: Type.String({ pattern: '^[0-9a-f]{128}$' }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 1000 },
      ),
    ),
  },
  { additionalProperties: false },
);
export type GenesisDocument = Static<typeof GenesisDocumentSchema>;

export interface StateMachineOptions {
  readonly chainId: string;
  readonly modules: readonly Module[];
  readonly membership: MembershipOracle;
  readonly suite: CryptoSuite;
  /** Verifies a transaction's signatures; the node passes a cached verifier so each is checked once. */
  readonly verifySignatures?: (tx: DecodedTx) => void;
  /** How far ahead of the current height a transaction's expiry may be. */
  readonly maxTxLifetime?: number;
  readonly txGasLimit?: number;
  /**
   * The names of the software upgrades this release carries (default none). A chain whose genesis or whose
   * scheduled upgrade names another one cannot be run by it (UPGRADE_NOT_CARRIED).
   */
  readonly upgrades?: readonly string[];
  /** The upgrade governance scheduled, if any: at its height, the modules' migrations for it run. */
  readonly upgradePlan?: (
    state: StateReader,
  ) => { readonly name: string; readonly height: number } | undefined;
}

export interface BlockExecution {
  /** Results of the included transactions, in order. */
  readonly txResults: TxResult[];
  readonly blockEvents: ChainEvent[];
  /** Transactions left out of a proposal because they failed authentication, with the reason. */
  readonly excluded: Array<{ tx: DecodedTx; error: HanglianError }>;
  /** The transactions that were included (all of them when verifying a block). */
  readonly included: DecodedTx[];
}

interface CompiledCommand {
  readonly module: Module;
  readonly command: Command;
  readonly check: ReturnType<typeof TypeCompiler.Compile>;
}

interface CompiledQuery {
  readonly module: Module;
  readonly query: Query;
  readonly check: ReturnType<typeof TypeCompiler.Compile>;
}

/**
 * Told a query's access before it runs (a node's API): throws to refuse; returns who asks (`members` when a
 * member identity signed, `public` otherwise), or nothing to take the query's own access.
 */
export type QueryAuthorizer = (access: ReadAccess) => ReadAccess | undefined;

/** A transaction's memo is free text under the text rule (one line, as its 256-character schema bound). */
export const MEMO_TEXT_RULE: TextRule = { maxChars: 256, maxBytes: 768 };

export const DEFAULT_MAX_TX_LIFETIME = 10_000;

/** The executor's own stores (no module's): whose nonce is next, which upgrades are in effect. Public. */
const EXECUTOR_STORES = [nonceStore, appliedUpgradeStore] as const;

export class StateMachine {
  readonly chainId: string;
  readonly modules: readonly Module[];
  readonly #membership: MembershipOracle;
  readonly #verifySignatures: (tx: DecodedTx) => void;
  readonly #maxTxLifetime: number;
  readonly #txGasLimit: number;
  readonly #upgrades: readonly string[];
  readonly #upgradePlan: StateMachineOptions['upgradePlan'];
  readonly #commands = new Map<string, CompiledCommand>();
  readonly #queries = new Map<string, CompiledQuery>();

  constructor(options: StateMachineOptions) {
    this.chainId = options.chainId;
    this.modules = options.modules;
    this.#membership = options.membership;
    this.#verifySignatures = options.verifySignatures ?? ((tx) => verifyTxSignatures(tx, options.suite));
    this.#maxTxLifetime = options.maxTxLifetime ?? DEFAULT_MAX_TX_LIFETIME;
    this.#txGasLimit = options.txGasLimit ?? KernelGas.defaultTxLimit;
    this.#upgrades = options.upgrades ?? [];
    this.#upgradePlan = options.upgradePlan;
    const names = new Set<string>();
    for (const module of options.modules) {
      if (names.has(module.name)) throw new Error(`module ${module.name} registered twice`);
      names.add(module.name);
      for (const command of module.commands) {
        this.#commands.set(`${module.name}.${command.name}`, {
          module,
          command,
          check: TypeCompiler.Compile(command.paramsSchema),
        });
      }
      for (const query of module.queries) {
        this.#queries.set(`${module.name}.${query.name}`, {
          module,
          query,
          check: TypeCompiler.Compile(query.paramsSchema),
        });
      }
    }
  }

  /** Writes the initial state of every module from the genesis document. */
  initGenesis(genesis: GenesisDocument, state: StateWriter): void {
    const checkDoc = TypeCompiler.Compile(GenesisDocumentSchema);
    if (!checkDoc.Check(genesis)) {
      const e = checkDoc.Errors(genesis).First();
      throw new HanglianError(
        ExecutionErrors.GENESIS_INVALID,
        `genesis ${e?.path ?? ''} ${e?.message ?? ''}`,
      );
    }
    if (genesis.chainId !== this.chainId) {
      throw new HanglianError(ExecutionErrors.GENESIS_INVALID, `genesis is for chain ${genesis.chainId}`);
    }
    for (const name of Object.keys(genesis.modules)) {
      if (!this.modules.some((m) => m.name === name)) {
        throw new HanglianError(ExecutionErrors.GENESIS_INVALID, `genesis names unknown module ${name}`);
      }
    }
    for (const name of genesis.upgrades ?? []) {
      if (!this.#upgrades.includes(name)) {
        throw new HanglianError(
          ExecutionErrors.UPGRADE_NOT_CARRIED,
          `the chain is born with software upgrade "${name}", which this release does not carry`,
          { details: { upgrade: name } },
        );
      }
      appliedUpgradeStore.set(state, name, { height: 0 });
    }
    for (const module of this.modules) {
      // An absent section is an empty one: modules with defaults accept it, others name what is missing.
      const section = genesis.modules[module.name] ?? {};
      if (module.genesisSchema !== undefined) {
        const check = TypeCompiler.Compile(module.genesisSchema);
        if (!check.Check(section)) {
          const e = check.Errors(section).First();
          throw new HanglianError(
            ExecutionErrors.GENESIS_INVALID,
            `genesis of ${module.name}: ${e?.path || '/'} ${e?.message ?? 'is invalid'}`,
          );
        }
      }
      module.initGenesis?.(
        { chainId: genesis.chainId, genesisTime: genesis.genesisTime, dev: genesis.dev === true, state },
        section,
      );
    }
  }

  /** The command a transaction names, or TX_UNKNOWN_COMMAND. */
  #commandOf(tx: DecodedTx): CompiledCommand {
    const compiled = this.#commands.get(`${tx.body.module}.${tx.body.command}`);
    if (compiled === undefined) {
      throw new HanglianError(
        ExecutionErrors.TX_UNKNOWN_COMMAND,
        `unknown command ${tx.body.module}.${tx.body.command}`,
      );
    }
    return compiled;
  }

  /**
   * The checks that make a transaction admissible at all, before any command runs: chain, command, params
   * shape, expiry, membership, nonce and signatures. A transaction failing them is never included in a
   * block, and a block containing one is invalid.
   */
  authenticate(
    tx: DecodedTx,
    state: StateReader,
    block: Pick<BlockInfo, 'height' | 'time'>,
    allowNonceGap = false,
    memo?: AdmissionMemo,
  ): void {
    if (tx.body.chainId !== this.chainId) {
      throw new HanglianError(CoreErrors.TX_WRONG_CHAIN, `transaction is for chain ${tx.body.chainId}`);
    }
    const compiled = this.#commandOf(tx);
    if (!compiled.check.Check(tx.body.params)) {
      const e = compiled.check.Errors(tx.body.params).First();
      // Free text breaking the text rule (core schema/text.ts) gets its own code and the reason.
      const rule = textRuleOfFormat((e?.schema as { format?: unknown } | undefined)?.format);
      const problem =
        rule !== undefined && typeof e?.value === 'string' ? textProblem(e.value, rule) : undefined;
      if (e !== undefined && problem !== undefined) {
        throw new HanglianError(
          ExecutionErrors.TX_TEXT_INVALID,
          `${tx.body.module}.${tx.body.command} params ${e.path}: ${problem}`,
          { details: { path: e.path } },
        );
      }
      throw new HanglianError(
        ExecutionErrors.TX_BAD_PARAMS,
        `${tx.body.module}.${tx.body.command} params ${e?.path || '/'} ${e?.message ?? 'invalid'}`,
        { details: { path: e?.path ?? '' } },
      );
    }
    const memoProblem = tx.body.memo === undefined ? undefined : textProblem(tx.body.memo, MEMO_TEXT_RULE);
    if (memoProblem !== undefined) {
      throw new HanglianError(ExecutionErrors.TX_TEXT_INVALID, `memo: ${memoProblem}`, {
        details: { path: '/memo' },
      });
    }
    if (tx.body.expiresAt < block.height) {
      throw new HanglianError(
        ExecutionErrors.TX_EXPIRED,
        `transaction expired at height ${tx.body.expiresAt}`,
        {
          details: { expiresAt: tx.body.expiresAt, height: block.height },
        },
      );
    }
    if (tx.body.expiresAt > block.height + this.#maxTxLifetime) {
      throw new HanglianError(
        ExecutionErrors.TX_EXPIRY_TOO_FAR,
        `expiry ${tx.body.expiresAt} is more than ${this.#maxTxLifetime} blocks ahead`,
      );
    }
    const member =
      memo !== undefined && this.#membership.memberUntil !== undefined
        ? block.time <
          memo.memberUntil(tx.submitter, () => this.#membership.memberUntil!(state, tx.submitter))
        : this.#membership.isActiveMember(state, tx.submitter, block.time);
    if (!member) {
      throw new HanglianError(
        ExecutionErrors.TX_NOT_MEMBER,
        `${tx.submitter} is not an active member identity`,
        {
          details: { submitter: tx.submitter },
        },
      );
    }
    if (this.#membership.isRevokedIdentity !== undefined) {
      for (const actor of tx.actors) {
        if (this.#membership.isRevokedIdentity(state, actor)) {
          throw new HanglianError(ExecutionErrors.TX_SIGNER_REVOKED, `actor ${actor} is a revoked key`, {
            details: { actor },
          });
        }
      }
    }
    const expected = nonceStore.get(state, tx.submitter)?.next ?? 0;
    if (tx.body.nonce < expected) {
      throw new HanglianError(ExecutionErrors.TX_NONCE_TOO_LOW, `nonce ${tx.body.nonce} already used`, {
        details: { nonce: tx.body.nonce, expected },
      });
    }
    if (tx.body.nonce > expected && !allowNonceGap) {
      throw new HanglianError(
        ExecutionErrors.TX_NONCE_GAP,
        `nonce ${tx.body.nonce} is ahead of ${expected}`,
        {
          details: { nonce: tx.body.nonce, expected },
        },
      );
    }
    this.#verifySignatures(tx);
  }

  /**
   * Mempool admission against the latest committed state: like `authenticate`, but a nonce ahead of the
   * next expected one is accepted (the mempool orders a sender's transactions). `memo`, when given, must
   * have been filled from this same `state` (see AdmissionMemo).
   */
  checkTx(
    tx: DecodedTx,
    state: StateReader,
    next: Pick<BlockInfo, 'height' | 'time'>,
    memo?: AdmissionMemo,
  ): void {
    this.authenticate(tx, state, next, true, memo);
  }

  /**
   * Executes a block's transactions over `state`. With `mode: 'propose'` transactions that fail
   * authentication are left out (and reported); with `mode: 'verify'` such a transaction makes the whole
   * block invalid (BLOCK_TX_INVALID), because an honest proposer would never have included it.
   */
  executeBlock(
    block: BlockInfo,
    txs: readonly DecodedTx[],
    state: StateWriter,
    mode: 'propose' | 'verify',
    /**
     * A proposer's own limit: once the included transactions have used this much gas, the rest wait for a
     * later block (neither included nor excluded). Not a validity rule: any block verifies by re-execution.
     */
    limits: { readonly maxGas?: number } = {},
  ): BlockExecution {
    const blockEvents: ChainEvent[] = [];
    const hookContext = (module: Module) => ({
      block,
      state,
      emit: (name: string, data: unknown, topics: readonly string[] = []) => {
        blockEvents.push({ module: module.name, name, topics: [...topics], data });
      },
    });
    this.#applyScheduledUpgrade(block, state, blockEvents);
    for (const module of this.modules) module.beforeTransactions?.(hookContext(module));

    const txResults: TxResult[] = [];
    const excluded: Array<{ tx: DecodedTx; error: HanglianError }> = [];
    const included: DecodedTx[] = [];
    let gasUsed = 0;
    for (const tx of txs) {
      if (mode === 'propose' && limits.maxGas !== undefined && gasUsed >= limits.maxGas) break;
      try {
        this.authenticate(tx, state, block);
      } catch (error) {
        const failure = asHanglianError(error);
        if (mode === 'verify') {
          throw new HanglianError(
            ExecutionErrors.BLOCK_TX_INVALID,
            `transaction failed authentication: ${failure.message}`,
            {
              details: { txId: Buffer.from(tx.id).toString('hex'), code: failure.code },
              cause: failure,
            },
          );
        }
        excluded.push({ tx, error: failure });
        continue;
      }
      // The nonce is consumed even if the command then fails, so a failed transaction cannot be replayed.
      nonceStore.set(state, tx.submitter, { next: tx.body.nonce + 1 });
      included.push(tx);
      const result = this.#runCommand(tx, block, state);
      gasUsed += result.gasUsed;
      txResults.push(result);
    }

    for (const module of this.modules) module.afterTransactions?.(hookContext(module));
    return { txResults, blockEvents, excluded, included };
  }

  /**
   * At the height of the upgrade governance scheduled, before anything else of the block: every module's
   * migration for it, in module order, then the record that it is in effect (event `upgrades.applied`).
   * A node whose release lacks the upgrade stops before this height (the node's UPGRADE_REQUIRED); the
   * error here is the state machine's own guard, never a block's result.
   */
  #applyScheduledUpgrade(block: BlockInfo, state: StateWriter, blockEvents: ChainEvent[]): void {
    const plan = this.#upgradePlan?.(state);
    if (plan === undefined || plan.height !== block.height || upgradeApplied(state, plan.name)) return;
    if (!this.#upgrades.includes(plan.name)) {
      throw new HanglianError(
        ExecutionErrors.UPGRADE_NOT_CARRIED,
        `software upgrade "${plan.name}" takes effect at height ${plan.height} and this release does not carry it`,
        { details: { upgrade: plan.name, height: plan.height } },
      );
    }
    for (const module of this.modules) {
      const migrate = module.migrations?.[plan.name];
      if (migrate === undefined) continue;
      migrate({
        block,
        state,
        emit: (name, data, topics = []) => {
          blockEvents.push({ module: module.name, name, topics: [...topics], data });
        },
      });
    }
    appliedUpgradeStore.set(state, plan.name, { height: block.height });
    blockEvents.push({
      module: appliedUpgradeStore.module,
      name: 'applied',
      topics: [`upgrade:${plan.name}`],
      data: { upgrade: plan.name, height: block.height },
    });
  }

  #runCommand(tx: DecodedTx, block: BlockInfo, state: StateWriter): TxResult {
    const compiled = this.#commandOf(tx);
    const gas = new SimpleGasMeter(this.#txGasLimit);
    const overlay = new StateOverlay(state);
    const events: ChainEvent[] = [];
    const signers: TxSigners = {
      id: tx.id,
      submitter: tx.submitter,
      submitterKey: tx.body.submitter,
      actors: tx.actors,
      actorKeys: tx.body.actors,
    };
    const signerSet = new Set<Address>([tx.submitter, ...tx.actors]);
    const moduleName = compiled.module.name;
    const ctx: CommandContext = {
      params: tx.body.params,
      tx: signers,
      block,
      state: overlay,
      gas,
      emit(name, data, topics = []) {
        gas.charge(KernelGas.perEvent, 'event');
        events.push({ module: moduleName, name, topics: [...topics], data });
      },
      emitAs(module, name, data, topics = []) {
        gas.charge(KernelGas.perEvent, 'event');
        events.push({ module, name, topics: [...topics], data });
      },
      signedBy: (address) => signerSet.has(address),
    };
    try {
      gas.charge(KernelGas.txBase + KernelGas.perTxByte * tx.bytes.byteLength, 'transaction');
      compiled.command.execute(ctx);
      gas.charge(KernelGas.perStateByteWritten * overlay.bytesWritten, 'state writes');
      // Events must be encodable: a command emitting a non-canonical value fails its own transaction.
      for (const e of events) encodeCanonical(e.data);
    } catch (error) {
      // A fault of this node (its contract worker timed out or died) is not the transaction's outcome:
      // another node would have gone on. It stops the block instead of becoming a result.
      if (isLocalFault(error)) throw error;
      const failure = asHanglianError(error);
      return { txId: tx.id, code: failure.code, message: failure.message, gasUsed: gas.used, events: [] };
    }
    overlay.commitTo(state);
    return { txId: tx.id, code: RESULT_OK, message: '', gasUsed: gas.used, events };
  }

  /**
   * Runs a read-only query against a state, produced by the block `at` (its height and time). `authorize`
   * (a node's API) is told who may ask — framework `ReadAccess`, `members` unless the query says
   * otherwise — once the params passed their schema and before anything is read; it throws to refuse, and
   * returns who asks: `members` when a member identity signed, `public` otherwise (returning nothing
   * counts as the query's own access). A query answered to the public reads through `PublicStateView`, so
   * a members-only store it touches refuses it (QUERY_READ_DENIED). Without `authorize` (the node itself,
   * tests), the reader is `members`.
   */
  query(
    module: string,
    name: string,
    params: unknown,
    state: StateReader,
    at: { readonly height: number; readonly time: number },
    authorize?: QueryAuthorizer,
  ): unknown {
    const reader = this.checkQuery(module, name, params, authorize);
    return this.runCheckedQuery(module, name, params, state, at, reader);
  }

  /**
   * Runs a query for a reader of the given standing (`checkQuery` decided it): the query workers run what
   * the API thread authorized.
   */
  runCheckedQuery(
    module: string,
    name: string,
    params: unknown,
    state: StateReader,
    at: { readonly height: number; readonly time: number },
    reader: ReadAccess,
  ): unknown {
    const { query } = this.#checkedQuery(module, name, params);
    const view =
      reader === 'public'
        ? new PublicStateView(state, (key) => this.stateAccess(key), `${module}.${name}`)
        : state;
    return query.execute({ params, state: view, height: at.height, time: at.time, reader });
  }

  /**
   * True when the query exists and runs contract code (`Query.runsContracts`): a node runs those apart
   * from block execution.
   */
  queryRunsContracts(module: string, name: string): boolean {
    return this.#queries.get(`${module}.${name}`)?.query.runsContracts === true;
  }

  /**
   * Checks a query without running it: it exists, its params pass its schema, `authorize` accepts it.
   * Returns who asks, as `query` decides it.
   */
  checkQuery(module: string, name: string, params: unknown, authorize?: QueryAuthorizer): ReadAccess {
    const { query } = this.#checkedQuery(module, name, params);
    if (authorize === undefined) return 'members';
    const declared = query.access ?? 'members';
    const access = typeof declared === 'string' ? declared : declared(params);
    return authorize(access) ?? access;
  }

  /** The query, once its params pass its schema (QUERY_UNKNOWN / QUERY_BAD_PARAMS otherwise). */
  #checkedQuery(module: string, name: string, params: unknown): CompiledQuery {
    const compiled = this.#queries.get(`${module}.${name}`);
    if (compiled === undefined)
      throw new HanglianError(ExecutionErrors.QUERY_UNKNOWN, `unknown query ${module}.${name}`);
    if (!compiled.check.Check(params)) {
      const e = compiled.check.Errors(params).First();
      throw new HanglianError(
        ExecutionErrors.QUERY_BAD_PARAMS,
        `${module}.${name} params ${e?.path || '/'} ${e?.message ?? ''}`,
      );
    }
    return compiled;
  }

  /**
   * Who may read a state key through a node's API: its store's `access`, `members` by default. The
   * executor's nonces (`auth/nonces/<address>`) are public: a submitter is always a member identity and
   * reads its next nonce unsigned (`GET /v1/accounts/:address`), and a count of its transactions is not
   * personal (consumers' one-time keys sign as actors and have no nonce).
   */
  stateAccess(key: string): ReadAccess {
    if (EXECUTOR_STORES.some((store) => key.startsWith(`${store.module}/${store.name}/`))) return 'public';
    for (const module of this.modules) {
      if (!key.startsWith(`${module.name}/`)) continue;
      for (const store of module.stores) {
        if (key.startsWith(`${module.name}/${store.name}/`)) return store.access ?? 'members';
      }
    }
    return 'members';
  }

  /** Every store with its access, as `<module>/<store>`: what queries may declare they read. */
  storeAccess(): Map<string, ReadAccess> {
    const out = new Map<string, ReadAccess>(
      EXECUTOR_STORES.map((store) => [`${store.module}/${store.name}`, 'public']),
    );
    for (const module of this.modules) {
      for (const store of module.stores) out.set(`${module.name}/${store.name}`, store.access ?? 'members');
    }
    return out;
  }

  /**
   * The next nonce `submitter` may use in `state` (0 before its first transaction). The nonce store is the
   * executor's own: the node asks here instead of reading it (mempool ordering, the account endpoint).
   */
  nextNonce(state: StateReader, submitter: Address): number {
    return nonceStore.get(state, submitter)?.next ?? 0;
  }

  /**
   * Key prefixes of the records membership is read from (AdmissionMemo): admission may keep what it
   * remembered across a block that wrote no key under them. Undefined: membership may depend on anything.
   */
  get membershipKeyPrefixes(): readonly Uint8Array[] | undefined {
    return this.#membership.membershipKeyPrefixes;
  }

  /** True when `address` is an active member identity at `time` (a node checks signed reads with it). */
  isActiveMember(state: StateReader, address: Address, time: number): boolean {
    return this.#membership.isActiveMember(state, address, time);
  }

  /** Every command and query, for the API description. */
  describe(): Array<{
    module: string;
    commands: Array<{ name: string; summary: string; params: TSchema }>;
    queries: Array<{
      name: string;
      summary: string;
      params: TSchema;
      access: ReadAccess | 'depends';
      result?: TSchema;
      runsContracts?: boolean;
    }>;
  }> {
    return this.modules.map((m) => ({
      module: m.name,
      commands: m.commands.map((c) => ({ name: c.name, summary: c.summary, params: c.paramsSchema })),
      queries: m.queries.map((q) => ({
        name: q.name,
        summary: q.summary,
        params: q.paramsSchema,
        access: typeof q.access === 'function' ? ('depends' as const) : (q.access ?? 'members'),
        ...(q.resultSchema === undefined ? {} : { result: q.resultSchema }),
        ...(q.runsContracts === true ? { runsContracts: true } : {}),
      })),
    }));
  }
}

/**
 * Commands fail with HanglianErrors. Anything else is a bug in a command: it still fails only its own
 * transaction (deterministically, since every node runs the same code), under TX_FAILED.
 */
/**
 * Errors that say something failed on this node rather than in the transaction: the contract sandbox's
 * faults (`SandboxFaultError`: its worker timed out, died or broke its protocol). They must never be
 * recorded as a result, because a result is consensus and the fault is local.
 */
export function isLocalFault(error: unknown): boolean {
  return error instanceof SandboxFaultError;
}

function asHanglianError(error: unknown): HanglianError {
  if (error instanceof HanglianError && errorCodeSpec(error.code) !== undefined) return error;
  // The message of a JavaScript engine error may differ between Node versions, and results are part of
  // consensus: record only the error's class name; the node logs the full error locally.
  const kind = error instanceof Error ? error.name : typeof error;
  return new HanglianError(ExecutionErrors.TX_FAILED, `command failed with an internal ${kind}`, {
    cause: error,
  });
}

/** A digest of results for logs and tests. */
export function resultsDigest(results: readonly TxResult[]): string {
  return Buffer.from(sha256(encodeCanonical(results.map((r) => [r.txId, r.code, r.gasUsed])))).toString(
    'hex',
  );
}
