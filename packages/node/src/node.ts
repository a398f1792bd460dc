/**
 * A Hanglian node: the chain (storage + state machine), the mempool, the consensus driver, the links to
 * other member nodes and the HTTP API, assembled from one options object. A single-validator chain runs
 * the same consensus as a network; it simply has no peers.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Evidence, TimeoutOptions } from '@hanglian/consensus';
import {
  addressFromPublicKey,
  bytesToHex,
  type CryptoSuite,
  type DecodedTx,
  ed25519Sha256,
  HanglianError,
  hexToBytes,
  type SigningKey,
  signTx,
  type TxBody,
  VOTE_PRECOMMIT,
  VOTE_PREVOTE,
} from '@hanglian/core';
import {
  type GenesisDocument,
  KERNEL_UPGRADE_NAMES,
  type QueryAuthorizer,
  type StateMachine,
} from '@hanglian/state-machine';
import type { KvDurability, StatePruning } from '@hanglian/storage';
import type { ApiBackend } from './api/backend.js';
import { type ApiOptions, type ApiServer, startApiServer } from './api/server.js';
import { type Application, createApplication } from './application.js';
import { Chain, type PreparedBlock } from './chain/chain.js';
import { type BlockTiming, ConsensusDriver } from './consensus/driver.js';
import { Ed25519ConsensusSigner } from './consensus/ed25519Signer.js';
import { FileWal } from './consensus/fileWal.js';
import { GuardedSigner } from './consensus/guardedSigner.js';
import { SignerStateFile } from './consensus/signerState.js';
import { NoPeers, type PeerTransport } from './consensus/transport.js';
import { NodeErrors } from './errors.js';
import { createLogger, type Logger, type LogLevel } from './logger.js';
import { Mempool, type MempoolOptions, type TxSource } from './mempool/mempool.js';
import { SignatureCache } from './mempool/signatureCache.js';
import { decodeTxPayload, TxRelayBatcher } from './mempool/txRelay.js';
import { NodeMetrics } from './metrics/metrics.js';
import { NODE_DEFAULTS } from './options.js';
import { type QueryAnswer, QueryPool, type QueryPoolOptions } from './query/queryPool.js';
import type { CommittedBlockEvent, Readiness, TxStatus } from './status.js';
import { type StateSyncTrust, stateSync } from './sync/stateSync.js';

export type { CommittedBlockEvent, Readiness, TxStatus } from './status.js';

export interface NodeOptions {
  /** A short name for logs and status, e.g. `node0`. */
  readonly name: string;
  readonly dataDir: string;
  readonly genesis: GenesisDocument;
  /** The validator key of this node: signs proposals and votes. Absent for a full node. */
  readonly validatorKey?: SigningKey;
  /** The consensus write-ahead log; kept apart from the ledger directory (default: beside it). */
  readonly walPath?: string;
  /**
   * The validator signer's state: the last height, round and step it signed, fsynced before each
   * signature leaves, so it never signs a conflicting message even after a wipe (default: beside the
   * ledger directory, `<dataDir>.signer-state`). Keep it with the key; never restore it from a backup.
   */
  readonly signerStatePath?: string;
  readonly api: ApiOptions;
  readonly blockTiming?: Partial<BlockTiming>;
  /** Consensus timeouts (propose/prevote/precommit base and per-round delta, in ms). */
  readonly timeouts?: Partial<TimeoutOptions>;
  /**
   * Enables the operator endpoints under /v1/admin, which require `Authorization: Bearer <token>`.
   * Absent: those endpoints do not exist.
   */
  readonly adminToken?: string;
  /** Links to the other member nodes; none for a single-validator chain. */
  readonly transport?: PeerTransport;
  /**
   * On an empty ledger, fetch and verify the state from peers instead of replaying from the genesis
   * (a new or wiped node). Needs a transport with peers. Give a trusted checkpoint (a height and its block
   * hash, from the organisation that invites the node) to start trust there instead of at the genesis
   * (sync/stateSync.ts); `true` trusts the genesis validators.
   */
  readonly stateSync?: boolean | StateSyncTrust;
  readonly mempool?: Partial<MempoolOptions>;
  readonly maxBlockTxs?: number;
  readonly maxBlockBytes?: number;
  /** Gas after which this node's proposals take no more transactions (default 120 M: ~100 order creations; options.ts). */
  readonly maxBlockGas?: number;
  readonly logLevel?: LogLevel;
  readonly durability?: KvDurability;
  /** Keep only recent heights and snapshots of the state; default archival (every height provable). */
  readonly pruning?: StatePruning;
  /**
   * Queries that run contract code (`registry.callReadOnly`) run on their own workers, apart from block
   * execution: how many, how many may wait (then QUERY_BUSY), and this node's gas cap for each.
   */
  readonly query?: Partial<QueryPoolOptions>;
  /**
   * Safety timeout of the block executor's contract worker (default 120 s): only for a worker that died.
   * Hitting it stops this node (a local fault), it never decides a result.
   */
  readonly contractReplyTimeoutMs?: number;
  /** The wall clock, injected so tests can drive time; the default is the system clock. */
  readonly clock?: () => number;
  readonly suite?: CryptoSuite;
  /**
   * Names of the software upgrades this build carries (default `SOFTWARE_UPGRADES`). When governance
   * schedules an upgrade this list lacks, the node stops before executing the upgrade's height (event
   * `upgrade-required`, error UPGRADE_REQUIRED) and refuses to start past it.
   */
  readonly softwareUpgrades?: readonly string[];
}

/**
 * The software upgrades this build of the node carries, oldest first. A release that implements an
 * upgrade governance scheduled adds its name here; nodes running an older release stop at its height.
 */
export const SOFTWARE_UPGRADES: readonly string[] = KERNEL_UPGRADE_NAMES;

const REJECTIONS_KEPT = 10_000;

/** Blocks behind the highest peer that still count as current. */
export const READY_MAX_BEHIND = 2;
/** A node that has not committed for this long is not ready (blocks come every second or faster). */
export const READY_MAX_COMMIT_AGE_MS = 30_000;

export class HanglianNode implements ApiBackend {
  readonly name: string;
  readonly chain: Chain;
  readonly mempool: Mempool;
  readonly logger: Logger;
  readonly events = new EventEmitter();
  readonly signatures: SignatureCache;
  readonly application: Application;
  readonly #options: NodeOptions;
  readonly #clock: () => number;
  readonly #driver: ConsensusDriver;
  readonly #transport: PeerTransport;
  readonly #waiters = new Map<string, Array<(status: TxStatus) => void>>();
  readonly #rejections = new Map<string, { code: string; message: string }>();
  /** Admission times of transactions submitted to this node, for the commit-latency histogram. */
  readonly #admittedAt = new Map<string, number>();
  /** Client transactions admitted here go to the peers in batches, one message per event-loop turn. */
  readonly #relay: TxRelayBatcher;
  readonly metrics: NodeMetrics;
  readonly #queries: QueryPool;
  readonly #signerState: SignerStateFile | undefined;
  #api: ApiServer | undefined;
  #stopping = false;
  /**
   * Settles once the state tree's upper levels are in memory (`#warmStateTree`): the nodes read and the
   * bytes they hold, or undefined when the node stopped first or a record could not be read.
   */
  stateTreeWarmed: Promise<{ nodes: number; bytes: number } | undefined> = Promise.resolve(undefined);
  #driverStopped = false;
  #fault: Error | undefined;
  #upgradeRequired: HanglianError | undefined;

  private constructor(
    options: NodeOptions,
    chain: Chain,
    application: Application,
    signatures: SignatureCache,
    logger: Logger,
  ) {
    this.name = options.name;
    this.#options = options;
    this.chain = chain;
    this.application = application;
    this.signatures = signatures;
    this.logger = logger;
    this.#clock = options.clock ?? Date.now;
    this.mempool = new Mempool(application.stateMachine, chain.chainId, options.mempool, (tx, reason) => {
      // Dropped unincluded (expired, or its nonce used by another): its status says so, never pending.
      const txId = bytesToHex(tx.id);
      this.#recordRejection(txId, reason);
      this.#settle(txId);
    });
    this.events.setMaxListeners(1000);
    this.#transport = options.transport ?? new NoPeers();
    const key = options.validatorKey;
    this.#signerState =
      key === undefined
        ? undefined
        : SignerStateFile.open(options.signerStatePath ?? `${options.dataDir}.signer-state`, {
            chainId: chain.chainId,
            validator: bytesToHex(key.publicKey),
          });
    this.#driver = new ConsensusDriver({
      chain,
      mempool: this.mempool,
      key,
      ...(key === undefined || this.#signerState === undefined
        ? {}
        : {
            signer: new GuardedSigner(
              new Ed25519ConsensusSigner(chain.chainId, key),
              this.#signerState,
              (refusal) =>
                logger.warn(
                  {
                    height: refusal.height,
                    round: refusal.round,
                    step: refusal.step,
                    last: `${refusal.last.step} ${refusal.last.height}/${refusal.last.round}`,
                  },
                  'signer refused a message that could conflict with one it signed before',
                ),
            ),
          }),
      suite: options.suite ?? ed25519Sha256,
      transport: this.#transport,
      wal: new FileWal(options.walPath ?? `${options.dataDir}.consensus.wal`),
      timing: { ...NODE_DEFAULTS.blockTiming, ...options.blockTiming },
      ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
      maxBlockTxs: options.maxBlockTxs ?? NODE_DEFAULTS.maxBlockTxs,
      maxBlockBytes: options.maxBlockBytes ?? NODE_DEFAULTS.maxBlockBytes,
      maxBlockGas: options.maxBlockGas ?? NODE_DEFAULTS.maxBlockGas,
      clock: this.#clock,
      logger,
      onCommitted: (prepared) => this.#onCommitted(prepared),
      onHeightTimeline: ({ round, steps }) => {
        for (const [step, ms] of Object.entries(steps)) this.metrics.heightSteps.observe({ step }, ms / 1000);
        if (round > 0) this.metrics.failedRounds.inc(round);
      },
      onExcluded: (tx, error) => this.#recordRejection(bytesToHex(tx.id), error),
      onEvidence: (evidence) => this.#reportEvidence(evidence),
      onStorageFault: (fault) => this.#haltOnFault(fault, 'storage fault'),
    });
    this.#queries = new QueryPool(
      {
        dataDir: options.dataDir,
        durability: options.durability,
        chainId: chain.chainId,
        genesisTime: chain.genesis.genesisTime,
      },
      options.query,
    );
    this.#relay = new TxRelayBatcher((payload) => {
      // Sent from setImmediate, where a throw would end the process: a relay that fails is logged (the
      // transactions stay admitted here and go into this node's proposals).
      try {
        this.#transport.broadcast('tx', payload);
      } catch (error) {
        this.logger.warn({ code: (error as HanglianError).code }, 'could not relay transactions');
      }
    });
    this.#transport.onMessage('tx', (_peer, payload) => this.#onGossipedTxs(payload));
    this.metrics = new NodeMetrics(
      {
        dataDir: options.dataDir,
        height: () => this.chain.height,
        round: () => this.#driver.round,
        peers: () => this.#transport.peers().length,
        unlinkedValidators: () => this.unlinkedValidators().length,
        mempool: () => ({ size: this.mempool.size, bytes: this.mempool.bytes, ready: this.mempool.ready }),
        signatureCache: () => ({ hits: this.signatures.hits, misses: this.signatures.misses }),
        droppedMessages: () => this.#transport.dropped?.() ?? [],
      },
      { node: options.name, chainId: chain.chainId },
    );
  }

  static async start(options: NodeOptions): Promise<HanglianNode> {
    const suite = options.suite ?? ed25519Sha256;
    const logger = createLogger(options.name, options.logLevel);
    const signatures = new SignatureCache(suite);
    let started: HanglianNode | undefined;
    const carried = options.softwareUpgrades ?? SOFTWARE_UPGRADES;
    const missing = (options.genesis.upgrades ?? []).filter((name) => !carried.includes(name));
    if (missing.length > 0) {
      throw new HanglianError(
        NodeErrors.UPGRADE_REQUIRED,
        `the chain is born with software upgrade${missing.length === 1 ? '' : 's'} ${missing.map((n) => `"${n}"`).join(', ')}, ` +
          'which this node does not carry: start a release that does',
        { details: { upgrades: missing, stoppedAt: 0 } },
      );
    }
    const application = createApplication({
      chainId: options.genesis.chainId,
      suite,
      upgrades: carried,
      verifySignatures: (tx) => signatures.verify(tx),
      ...(options.contractReplyTimeoutMs === undefined
        ? {}
        : { contractReplyTimeoutMs: options.contractReplyTimeoutMs }),
      onExecutionFault: (fault) => {
        if (started !== undefined) started.#haltOnFault(fault);
        else logger.fatal({ err: fault }, 'local execution fault while starting');
      },
    });
    const chainOptions = {
      dataDir: options.dataDir,
      genesis: options.genesis,
      stateMachine: application.stateMachine,
      suite,
      validators: application.validators,
      ...(options.durability === undefined ? {} : { durability: options.durability }),
      ...(options.pruning === undefined ? {} : { pruning: options.pruning }),
    };
    if (
      options.stateSync &&
      options.transport !== undefined &&
      !existsSync(join(options.dataDir, 'data.mdb'))
    ) {
      const height = await stateSync({
        transport: options.transport,
        genesis: options.genesis,
        application,
        suite,
        logger,
        ...(typeof options.stateSync === 'object' ? { trust: options.stateSync } : {}),
        scratchPath: `${options.dataDir}.state-sync`,
        importSnapshot: (snapshot) => Chain.importSnapshot(chainOptions, snapshot),
        ...(options.clock === undefined ? {} : { clock: options.clock }),
      });
      if (height !== undefined) logger.info({ height }, 'state sync complete');
    }
    const chain = Chain.open(chainOptions);
    const due = upgradeDue(application, chain, options.softwareUpgrades ?? SOFTWARE_UPGRADES);
    if (due !== undefined) {
      await chain.close();
      throw due;
    }
    let node: HanglianNode;
    try {
      node = new HanglianNode(options, chain, application, signatures, logger);
    } catch (error) {
      await chain.close();
      throw error;
    }
    started = node;
    try {
      node.#api = await startApiServer(node, options.api, options.adminToken);
    } catch (error) {
      // Whatever the node opened goes with it (the driver holds the WAL's file), so that a start retried on
      // another port (the API's port taken) leaks nothing. The transport is the caller's.
      node.#driver.stop();
      node.#driverStopped = true;
      await node.#queries.close();
      node.#signerState?.close();
      await chain.close();
      throw error;
    }
    // The contract worker builds its sandbox on its own thread from now on, not during the first block
    // with a contract call (the node's thread would block on it meanwhile). Only a node that started.
    application.warmContracts();
    node.#driver.start();
    logger.info({ height: chain.height, api: node.apiUrl, chainId: chain.chainId }, 'node started');
    node.stateTreeWarmed = node.#warmStateTree();
    return node;
  }

  /**
   * Reads the state tree's upper levels into memory a few thousand nodes per turn of the event loop, so
   * consensus and the API go on meanwhile (seconds for a state of millions of keys). Without it the first
   * blocks after a start read about a dozen tree nodes from disk per changed key. A cache only: nothing
   * any node computes depends on it.
   */
  async #warmStateTree(): Promise<{ nodes: number; bytes: number } | undefined> {
    const started = performance.now();
    const steps = this.chain.storage.state.warmTree();
    try {
      for (;;) {
        // Between two steps the event loop serves consensus and the API.
        await yieldToEventLoop();
        if (this.#stopping) return undefined;
        const next = steps.next();
        if (next.done !== true) continue;
        this.logger.info(
          {
            nodes: next.value.nodes,
            mebibytes: Math.round(next.value.bytes / 2 ** 20),
            ms: Math.round(performance.now() - started),
          },
          'state tree upper levels in memory',
        );
        return next.value;
      }
    } catch (error) {
      // A damaged record is the next block's to report (it reads the same node and halts the node).
      this.logger.warn({ err: error }, 'reading the state tree upper levels stopped');
      return undefined;
    }
  }

  /**
   * Set when this node stopped itself on a local fault: its contract worker timed out or died while
   * executing a block. Such a fault is never a transaction's result (another node would have gone on), so
   * the node stops executing and voting at once, says so loudly (log, `fault` event, readiness), and
   * waits to be restarted; the block is executed again from the start after the restart.
   */
  get fault(): Error | undefined {
    return this.#fault;
  }

  #haltOnFault(fault: Error, kind = 'local execution fault'): void {
    if (this.#fault !== undefined) return;
    this.#fault = fault;
    // Synchronously, from inside the block's execution: no vote may leave after this.
    this.#driverStopped = true;
    this.#driver.stop();
    this.logger.fatal({ err: fault }, `${kind}: this node stopped executing and voting; restart it`);
    setImmediate(() => this.events.emit('fault', fault));
  }

  /** Set when this node stopped for a software upgrade it does not carry (UPGRADE_REQUIRED). */
  get upgradeRequired(): HanglianError | undefined {
    return this.#upgradeRequired;
  }

  /**
   * Stops executing and voting before the upgrade's height, synchronously from the commit of the block
   * before it, so that no block of the new rules is ever executed by the old software.
   */
  #haltForUpgrade(required: HanglianError): void {
    if (this.#upgradeRequired !== undefined) return;
    this.#upgradeRequired = required;
    this.#driverStopped = true;
    this.#driver.stop();
    this.logger.fatal({ code: required.code, details: required.details }, required.message);
    setImmediate(() => this.events.emit('upgrade-required', required));
  }

  /**
   * Answers a module query on the latest state. `authorize` is told the query's access once its params
   * passed their schema, and answers who asks (StateMachine.query). A query that runs contract code goes to the query workers (it may be refused with
   * QUERY_BUSY); the others are lookups answered here at once.
   */
  async query(
    module: string,
    name: string,
    params: unknown,
    authorize?: QueryAuthorizer,
  ): Promise<QueryAnswer> {
    if (!this.stateMachine.queryRunsContracts(module, name)) {
      return this.chain.query(module, name, params, authorize);
    }
    // Who asks is decided here; the worker runs the query for that reader (a public one through the
    // view that refuses members-only stores).
    const reader = this.stateMachine.checkQuery(module, name, params, authorize);
    return this.#queries.run(module, name, params, reader);
  }

  get apiUrl(): string {
    return this.#api?.url ?? '';
  }

  get stateMachine(): StateMachine {
    return this.application.stateMachine;
  }

  /** Admits a transaction to the mempool; throws a HanglianError saying why when it is refused. */
  submit(bytes: Uint8Array): DecodedTx {
    if (this.#stopping) throw new HanglianError(NodeErrors.NODE_NOT_READY, 'the node is stopping');
    const tx = this.#admit(bytes, 'client');
    this.#relay.add(bytes);
    if (this.#admittedAt.size < 100_000) this.#admittedAt.set(bytesToHex(tx.id), performance.now());
    return tx;
  }

  #admit(bytes: Uint8Array, source: TxSource): DecodedTx {
    const tx = this.mempool.add(
      bytes,
      this.chain.reader(),
      { height: this.chain.height + 1, time: Math.max(this.#clock(), this.chain.latestTime + 1) },
      source,
    );
    this.#driver.onTransactionAdmitted();
    return tx;
  }

  /**
   * Transactions relayed by a peer (a batch, or one from a node before batching): each admitted like a
   * local one, but refusals are nobody's business here. False (the peer is penalised) when the payload is
   * not a batch or one of its transactions is garbage.
   */
  #onGossipedTxs(payload: Uint8Array): boolean | undefined {
    if (this.#stopping) return undefined;
    const txs = decodeTxPayload(payload);
    if (txs === undefined) return false;
    let verdict: boolean | undefined = true;
    for (const bytes of txs) if (this.#onGossipedTx(bytes) === false) verdict = false;
    return verdict;
  }

  #onGossipedTx(bytes: Uint8Array): boolean | undefined {
    try {
      this.#admit(bytes, 'peer');
    } catch (error) {
      // Refusals are normal (a duplicate, a nonce raced by a block); only garbage counts against a peer.
      const code = (error as HanglianError).code;
      this.logger.trace({ code }, 'gossiped transaction refused');
      this.metrics.relayedTxsRefused.inc({ code: typeof code === 'string' ? code : 'UNKNOWN' });
      if (code === 'ENCODING_MALFORMED' || code === 'ENCODING_NOT_CANONICAL' || code === 'TX_BAD_SIGNATURE')
        return false;
    }
    return true;
  }

  /**
   * Puts a proven double vote on chain, signed by this node's own identity, so that the offence is
   * recorded against the validator's organisation for everyone to see.
   */
  #reportEvidence(evidence: Evidence): void {
    this.metrics.evidenceSeen.inc();
    const key = this.#options.validatorKey;
    if (key === undefined) return;
    const toVote = (signed: Evidence['first']) => ({
      type: signed.vote.type === 'prevote' ? VOTE_PREVOTE : VOTE_PRECOMMIT,
      height: signed.vote.height,
      round: signed.vote.round,
      blockHash: signed.vote.blockHash === null ? null : hexToBytes(signed.vote.blockHash),
      signature: signed.signature,
    });
    const submitter = addressFromPublicKey(key.publicKey);
    const state = this.chain.reader();
    const body: TxBody = {
      v: 1,
      chainId: this.chain.chainId,
      module: 'evidence',
      command: 'reportEquivocation',
      params: {
        validator: hexToBytes(evidence.validator),
        first: toVote(evidence.first),
        second: toVote(evidence.second),
      },
      submitter: key.publicKey,
      nonce: this.mempool.nextNonce(submitter, this.stateMachine.nextNonce(state, submitter)),
      expiresAt: this.chain.height + 100,
      actors: [],
    };
    try {
      this.submit(signTx(body, key));
      this.logger.warn(
        { validator: evidence.validator, height: evidence.first.vote.height },
        'equivocation reported on chain',
      );
    } catch (error) {
      this.logger.warn({ code: (error as HanglianError).code }, 'could not report equivocation');
    }
  }

  /** Block sync's counters (requests, accepted blocks, refused answers, unasked answers, timeouts). */
  get blockSyncStats(): ConsensusDriver['syncStats'] {
    return this.#driver.syncStats;
  }

  /** Consensus state for status and metrics. */
  get consensus(): {
    height: number | undefined;
    round: number | undefined;
    peers: string[];
    unlinkedValidators: Array<{ org: string; publicKey: string }>;
  } {
    return {
      height: this.#driver.height,
      round: this.#driver.round,
      peers: this.#transport.peers(),
      unlinkedValidators: this.unlinkedValidators(),
    };
  }

  /**
   * The validators in force this node has no link to (its own key left out). Consensus messages are not
   * relayed from peer to peer, so a validator that another validator cannot reach directly is heard by it
   * only through committed blocks: when it proposes, that one prevotes nil and the height may wait for a
   * timeout (seen: a joining member that dialled two of four members decided its first proposal in round
   * 1). Operators see it in `/v1/status` and in `hanglian_unlinked_validators`.
   */
  unlinkedValidators(): Array<{ org: string; publicKey: string }> {
    const linked = new Set(this.#transport.peers());
    const key = this.#options.validatorKey;
    const own = key === undefined ? undefined : bytesToHex(key.publicKey);
    return this.chain
      .currentValidators()
      .map((v) => ({ org: v.org, publicKey: bytesToHex(v.publicKey) }))
      .filter((v) => v.publicKey !== own && !linked.has(v.publicKey));
  }

  /**
   * Readiness, as a load balancer asks it (liveness is `/v1/health`): the node serves current data when
   * it has committed a block recently, is not catching up (within 2 blocks of the highest peer), and,
   * on a network of several validators, has at least one peer.
   */
  readiness(now: number = this.#clock()): Readiness {
    const height = this.chain.height;
    const peers = this.#transport.peers().length;
    let highestPeer = height;
    for (const h of this.#driver.peerHeights.values()) highestPeer = Math.max(highestPeer, h);
    const lastCommitAgeMs = Math.max(0, now - this.#driver.lastCommitAt);
    const validators = this.chain.currentValidators().length;
    const reasons: string[] = [];
    if (highestPeer - height > READY_MAX_BEHIND)
      reasons.push(`catching up: height ${height}, peers at ${highestPeer}`);
    if (validators > 1 && peers === 0) reasons.push('no peers');
    if (this.#fault !== undefined) reasons.push(`stopped on a local fault: ${this.#fault.message}`);
    if (this.#upgradeRequired !== undefined) reasons.push(this.#upgradeRequired.message);
    if (lastCommitAgeMs > READY_MAX_COMMIT_AGE_MS)
      reasons.push(`no block committed for ${Math.round(lastCommitAgeMs / 1000)} s`);
    return { ready: reasons.length === 0, reasons, height, highestPeer, peers, lastCommitAgeMs };
  }

  /** Cuts (true) or restores (false) every link to other nodes: an operator's tool. */
  setIsolated(isolated: boolean): void {
    if (isolated) this.#transport.isolate();
    else this.#transport.restore();
    this.logger.warn(
      { isolated },
      isolated ? 'links to peers cut by an operator' : 'links to peers restored',
    );
  }

  txStatus(txIdHex: string): TxStatus {
    if (this.mempool.has(txIdHex)) {
      const waiting = this.mempool.waitingFor(txIdHex, this.chain.reader());
      return waiting === undefined
        ? { txId: txIdHex, status: 'pending' }
        : { txId: txIdHex, status: 'pending', waitingForNonce: waiting };
    }
    const location = /^[0-9a-f]{64}$/.test(txIdHex)
      ? this.chain.locateTx(Buffer.from(txIdHex, 'hex'))
      : undefined;
    if (location !== undefined) {
      const result = this.chain.getResults(location.height)?.txResults[location.index];
      if (result !== undefined) return { txId: txIdHex, status: 'committed', ...location, result };
    }
    const rejection = this.#rejections.get(txIdHex);
    if (rejection !== undefined) return { txId: txIdHex, status: 'rejected', ...rejection };
    return { txId: txIdHex, status: 'unknown' };
  }

  /** Resolves once the transaction is committed or rejected, or with COMMIT_TIMEOUT after `timeoutMs`. */
  waitForTx(txIdHex: string, timeoutMs: number): Promise<TxStatus> {
    const now = this.txStatus(txIdHex);
    if (now.status === 'committed' || now.status === 'rejected') return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const list = this.#waiters.get(txIdHex)?.filter((w) => w !== done);
        if (list === undefined || list.length === 0) this.#waiters.delete(txIdHex);
        else this.#waiters.set(txIdHex, list);
        reject(
          new HanglianError(NodeErrors.COMMIT_TIMEOUT, `not committed within ${timeoutMs} ms`, {
            details: { txId: txIdHex },
          }),
        );
      }, timeoutMs);
      const done = (status: TxStatus) => {
        clearTimeout(timer);
        resolve(status);
      };
      const list = this.#waiters.get(txIdHex) ?? [];
      list.push(done);
      this.#waiters.set(txIdHex, list);
    });
  }

  /** Tells everyone waiting for `txIdHex` its final status (computed once, only if someone waits). */
  #settle(txIdHex: string, status?: TxStatus): void {
    const list = this.#waiters.get(txIdHex);
    if (list === undefined) return;
    this.#waiters.delete(txIdHex);
    const final = status ?? this.txStatus(txIdHex);
    for (const w of list) w(final);
  }

  #recordRejection(txIdHex: string, error: HanglianError): void {
    if (this.#rejections.size >= REJECTIONS_KEPT) {
      const oldest = this.#rejections.keys().next().value;
      if (oldest !== undefined) this.#rejections.delete(oldest);
    }
    this.#rejections.set(txIdHex, { code: error.code, message: error.message });
    this.#admittedAt.delete(txIdHex);
  }

  /** After each committed block: tell waiters, update the mempool's view, announce the block. */
  #onCommitted(prepared: PreparedBlock): void {
    const height = prepared.block.header.height;
    const txIds = prepared.txs.map((tx) => bytesToHex(tx.id));
    this.logger.debug({ height, txs: txIds.length }, 'block committed');
    // Settle from the block just committed: looking each one up again would decode the block's results
    // once per transaction.
    const now = performance.now();
    txIds.forEach((txId, index) => {
      const result = prepared.results.txResults[index]!;
      this.#settle(txId, { txId, status: 'committed', height, index, result });
      const admitted = this.#admittedAt.get(txId);
      if (admitted !== undefined) {
        this.#admittedAt.delete(txId);
        this.metrics.commitLatency.observe((now - admitted) / 1000);
      }
      if (result.code !== 'OK') this.metrics.transactionsFailed.inc();
    });
    this.metrics.blocksCommitted.inc();
    // Membership can change in any block (a revoked node identity, a suspended organisation): linked peers
    // are asked again after every block, so a revoked member's links drop with the block that revokes it,
    // even if the chain stalls right after (a handful of state reads per peer).
    this.#transport.revalidate();
    this.metrics.transactionsCommitted.inc(txIds.length);
    this.metrics.blockTransactions.observe(txIds.length);
    for (const id of [...this.#waiters.keys()]) if (this.#rejections.has(id)) this.#settle(id);
    const event: CommittedBlockEvent = {
      height,
      hash: bytesToHex(prepared.hash),
      time: prepared.block.header.time,
      txIds,
      results: prepared.results,
    };
    this.events.emit('block', event);
    const due = upgradeDue(this.application, this.chain, this.#options.softwareUpgrades ?? SOFTWARE_UPGRADES);
    if (due !== undefined) this.#haltForUpgrade(due);
  }

  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    // What was admitted in this turn still goes to the peers (its clients were told it is pending).
    this.#relay.flush();
    if (!this.#driverStopped) this.#driver.stop();
    this.#driverStopped = true;
    // Answer every waiting client now (its transaction is still pending): a waiter's timer would
    // otherwise keep the stopped process alive until it fires.
    for (const id of [...this.#waiters.keys()]) this.#settle(id);
    await this.#api?.close();
    await this.#queries.close();
    await this.#transport.close();
    await this.chain.close();
    // Every node now starts its contract worker at once (warmContracts): a process that starts and stops
    // many nodes (tests) must not keep one worker per node it ever ran.
    await this.application.close();
    this.#signerState?.close();
    this.logger.info('node stopped');
  }
}

/**
 * UPGRADE_REQUIRED when the next block to execute is at or past a scheduled upgrade this software does
 * not carry; undefined when the node may go on.
 */
function upgradeDue(
  application: Application,
  chain: Chain,
  carried: readonly string[],
): HanglianError | undefined {
  const plan = application.upgradePlan(chain.reader());
  if (plan === undefined || carried.includes(plan.name) || chain.height + 1 < plan.height) return undefined;
  return new HanglianError(
    NodeErrors.UPGRADE_REQUIRED,
    `software upgrade "${plan.name}" is scheduled at height ${plan.height} and this node does not carry it: ` +
      `stopped after height ${chain.height}; start the release with "${plan.name}" on the same data${plan.info === undefined ? '' : ` (${plan.info})`}`,
    { details: { upgrade: plan.name, height: plan.height, stoppedAt: chain.height } },
  );
}
