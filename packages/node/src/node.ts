/**
 * A Hanglian node: the chain (storage + state machine), the mempool, a block producer and the HTTP API,
 * assembled from one options object. The solo producer stands in for consensus until the BFT engine is
 * wired in; everything else is the same on a network.
 */
import { EventEmitter } from 'node:events';
import {
  bytesToHex,
  type CryptoSuite,
  type DecodedTx,
  ed25519Sha256,
  HanglianError,
  type SigningKey,
  type TxResult,
} from '@hanglian/core';
import type { GenesisDocument, StateMachine } from '@hanglian/state-machine';
import type { KvDurability } from '@hanglian/storage';
import { type ApiServer, startApiServer } from './api/server.js';
import { type Application, createApplication } from './application.js';
import { Chain } from './chain/chain.js';
import { NodeErrors } from './errors.js';
import { createLogger, type Logger, type LogLevel } from './logger.js';
import { Mempool, type MempoolOptions } from './mempool/mempool.js';
import { SignatureCache } from './mempool/signatureCache.js';
import {
  defaultProducerTiming,
  type ProducerTiming,
  SoloScheduler,
  soloCommit,
} from './producer/soloProducer.js';

export interface NodeOptions {
  /** A short name for logs and status, e.g. `node0`. */
  readonly name: string;
  readonly dataDir: string;
  readonly genesis: GenesisDocument;
  /** The validator key of this node: signs blocks and commits. */
  readonly validatorKey: SigningKey;
  readonly api: { readonly host: string; readonly port: number };
  readonly producer?: Partial<ProducerTiming>;
  readonly mempool?: Partial<MempoolOptions>;
  readonly maxBlockTxs?: number;
  readonly maxBlockBytes?: number;
  readonly logLevel?: LogLevel;
  readonly durability?: KvDurability;
  /** The wall clock, injected so tests can drive time; the default is the system clock. */
  readonly clock?: () => number;
  readonly suite?: CryptoSuite;
}

export type TxStatus =
  | { readonly txId: string; readonly status: 'pending' }
  | {
      readonly txId: string;
      readonly status: 'committed';
      readonly height: number;
      readonly index: number;
      readonly result: TxResult;
    }
  | { readonly txId: string; readonly status: 'rejected'; readonly code: string; readonly message: string }
  | { readonly txId: string; readonly status: 'unknown' };

export interface CommittedBlockEvent {
  readonly height: number;
  readonly hash: string;
  readonly txIds: readonly string[];
}

const REJECTIONS_KEPT = 10_000;

export class HanglianNode {
  readonly name: string;
  readonly chain: Chain;
  readonly mempool: Mempool;
  readonly logger: Logger;
  readonly events = new EventEmitter();
  readonly signatures: SignatureCache;
  readonly application: Application;
  readonly #options: NodeOptions;
  readonly #clock: () => number;
  readonly #scheduler: SoloScheduler;
  readonly #waiters = new Map<string, Array<(status: TxStatus) => void>>();
  readonly #rejections = new Map<string, { code: string; message: string }>();
  #api: ApiServer | undefined;
  #stopping = false;

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
    this.mempool = new Mempool(application.stateMachine, chain.chainId, options.mempool);
    this.events.setMaxListeners(1000);
    this.#scheduler = new SoloScheduler({
      timing: { ...defaultProducerTiming, ...options.producer },
      produce: () => this.#produceBlock(),
      hasWork: () => this.mempool.size > 0,
      now: this.#clock,
    });
  }

  static async start(options: NodeOptions): Promise<HanglianNode> {
    const suite = options.suite ?? ed25519Sha256;
    const logger = createLogger(options.name, options.logLevel);
    const signatures = new SignatureCache(suite);
    const application = createApplication({
      chainId: options.genesis.chainId,
      suite,
      verifySignatures: (tx) => signatures.verify(tx),
    });
    const chain = Chain.open({
      dataDir: options.dataDir,
      genesis: options.genesis,
      stateMachine: application.stateMachine,
      suite,
      validators: application.validators,
      ...(options.durability === undefined ? {} : { durability: options.durability }),
    });
    const node = new HanglianNode(options, chain, application, signatures, logger);
    try {
      node.#api = await startApiServer(node, options.api);
    } catch (error) {
      await chain.close();
      throw error;
    }
    node.#scheduler.start();
    logger.info({ height: chain.height, api: node.apiUrl, chainId: chain.chainId }, 'node started');
    return node;
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
    const tx = this.mempool.add(bytes, this.chain.reader(), {
      height: this.chain.height + 1,
      time: Math.max(this.#clock(), this.chain.latestTime + 1),
    });
    this.#scheduler.poke();
    return tx;
  }

  txStatus(txIdHex: string): TxStatus {
    if (this.mempool.has(txIdHex)) return { txId: txIdHex, status: 'pending' };
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
  }

  /** Proposes, executes, signs and commits the next block (solo mode). False when it could not. */
  #produceBlock(): boolean {
    const chain = this.chain;
    const time = Math.max(this.#clock(), chain.latestTime + 1);
    const txs = this.mempool.reap(chain.reader(), {
      maxTxs: this.#options.maxBlockTxs ?? 5_000,
      maxBytes: this.#options.maxBlockBytes ?? 8 * 1024 * 1024,
    });
    const height = chain.height + 1;
    const lastCommit = chain.height === 0 ? null : (chain.getCommit(chain.height) ?? null);
    let prepared: ReturnType<Chain['prepareProposal']>;
    try {
      prepared = chain.prepareProposal({
        time,
        proposer: this.#options.validatorKey.publicKey,
        txs,
        lastCommit,
      });
    } catch (error) {
      this.logger.error({ err: error, height }, 'cannot build a block');
      return false;
    }
    for (const { tx, error } of prepared.excluded) {
      this.mempool.evict(tx);
      const id = bytesToHex(tx.id);
      this.#recordRejection(id, error);
      this.logger.debug({ txId: id, code: error.code }, 'transaction left out of the block');
    }
    const commit = soloCommit(chain.chainId, height, prepared.hash, this.#options.validatorKey);
    try {
      chain.commitBlock(prepared, commit);
    } catch (error) {
      prepared.overlay.discard();
      this.logger.error({ err: error, height }, 'cannot commit a block');
      return false;
    }
    this.mempool.update(prepared.txs, chain.reader(), height);
    const txIds = prepared.txs.map((tx) => bytesToHex(tx.id));
    this.logger.debug({ height, txs: txIds.length }, 'block committed');
    for (const { tx } of prepared.excluded) this.#settle(bytesToHex(tx.id));
    // Settle from the block just committed: looking each one up again would decode the block's results
    // once per transaction.
    txIds.forEach((txId, index) => {
      const result = prepared.results.txResults[index]!;
      this.#settle(txId, { txId, status: 'committed', height, index, result });
    });
    const event: CommittedBlockEvent = { height, hash: bytesToHex(prepared.hash), txIds };
    this.events.emit('block', event);
    return true;
  }

  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#scheduler.stop();
    await this.#api?.close();
    await this.chain.close();
    this.logger.info('node stopped');
  }
}
