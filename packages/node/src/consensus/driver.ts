/**
 * The consensus driver: runs the pure consensus machine (@hanglian/consensus) inside a node. It turns the
 * machine's outputs into effects (durable WAL writes before anything leaves the node, broadcasts, timers,
 * building and verifying blocks through the chain, committing decisions) and the world's events (peer
 * messages, timers, blocks learned by sync) into the machine's inputs. It decides nothing itself.
 */
import {
  type CommitCertificate,
  type ConsensusInput,
  ConsensusMachine,
  type ConsensusOutput,
  type ConsensusSigner,
  type Evidence,
  recordsForHeight,
  type TimeoutOptions,
  ValidatorSet,
  verifyCommitCertificate,
  type WalRecord,
} from '@hanglian/consensus';
import {
  blockCodec,
  blockHash,
  bytesToHex,
  type Commit,
  CoreErrors,
  type CryptoSuite,
  type DecodedTx,
  HanglianError,
  hexToBytes,
  type SigningKey,
} from '@hanglian/core';
import type { Chain, PreparedBlock } from '../chain/chain.js';
import { NodeErrors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Mempool } from '../mempool/mempool.js';
import { BlockSync, type SyncedBlock } from '../sync/blockSync.js';
import { answerSyncRequest, isSyncRequest } from '../sync/server.js';
import { type SyncWire, syncWireCodec } from '../sync/wire.js';
import { consensusAddressOf, Ed25519ConsensusSigner, Ed25519ConsensusVerifier } from './ed25519Signer.js';
import type { FileWal } from './fileWal.js';
import { eventLoopScheduler, type Scheduler, type TimerHandle } from './scheduler.js';
import type { PeerTransport } from './transport.js';
import { decodeConsensusMessage, encodeConsensusMessage } from './wire.js';

export interface BlockTiming {
  /** Least time between two blocks: lets transactions gather (Tendermint's commit timeout). */
  readonly minBlockIntervalMs: number;
  /** With no transactions waiting, a block is still made this often, so time and deadlines move. */
  readonly emptyBlockIntervalMs: number;
  /**
   * A chain with no transaction for this long is idle: its empty blocks then come further apart (a
   * quarter of the idle time, up to `maxIdleBlockIntervalMs`), so an idle consortium does not write a
   * block a second for ever. Any transaction ends the idleness at once: the height starts after
   * `minBlockIntervalMs`. Default 5 minutes.
   */
  readonly idleAfterMs?: number;
  /** The longest wait between two empty blocks of an idle chain (default 30 s; at most the empty interval: no back-off). */
  readonly maxIdleBlockIntervalMs?: number;
}

export const defaultBlockTiming: BlockTiming = {
  minBlockIntervalMs: 20,
  emptyBlockIntervalMs: 1_000,
  // Five minutes: a consortium's quiet spell, far longer than any pause of a test or a demo step, so
  // nothing that waits for a few empty blocks meets the back-off.
  idleAfterMs: 300_000,
  maxIdleBlockIntervalMs: 30_000,
};

/**
 * How long after a commit an empty block is made, `idleForMs` after this node last committed a
 * transaction (or started). Timing only: nodes may disagree on it without any harm, since a node that
 * hears a peer working on the next height starts it at once.
 */
export function emptyBlockDelayMs(timing: BlockTiming, idleForMs: number): number {
  const { emptyBlockIntervalMs } = timing;
  const idleAfter = timing.idleAfterMs ?? defaultBlockTiming.idleAfterMs!;
  const max = timing.maxIdleBlockIntervalMs ?? defaultBlockTiming.maxIdleBlockIntervalMs!;
  if (idleForMs < idleAfter || max <= emptyBlockIntervalMs) return emptyBlockIntervalMs;
  return Math.min(max, Math.max(emptyBlockIntervalMs, Math.floor(idleForMs / 4)));
}

/**
 * The steps of one height on one node, in order, each timed from the end of the one before (clock readings;
 * the driver decides nothing by them). A step this node did not see is absent: a full node sends no votes,
 * a height taken from block sync has no proposal.
 */
export const HEIGHT_STEPS = [
  /** From the previous commit to the height's start: the minimum block interval, or waiting for work. */
  'wait',
  /** To the proposal: built and executed here (the proposer), or received from the proposer. */
  'proposal',
  /** To the proposal's verdict: the block executed and checked (nothing for this node's own proposal). */
  'verify',
  /** To this node's prevote leaving it (WAL and signer fsyncs). */
  'prevote',
  /** To this node's precommit leaving it: prevotes of more than 2/3 of the power gathered, fsyncs. */
  'prevotes',
  /** To the decision: precommits of more than 2/3 of the power gathered. */
  'precommits',
  /** To the block written (the ledger's commit and fsync), the mempool updated and waiters answered. */
  'commit',
] as const;
export type HeightStep = (typeof HEIGHT_STEPS)[number];

/** How long each step of one decided height took on this node, in milliseconds of its clock. */
export interface HeightTimeline {
  readonly height: number;
  /** The round that decided the height: each round before it ended without a decision (timeouts). */
  readonly round: number;
  readonly steps: Partial<Record<HeightStep, number>>;
}

export interface ConsensusDriverOptions {
  readonly chain: Chain;
  readonly mempool: Mempool;
  /** This node's validator key; undefined for a full node, which follows without voting. */
  readonly key: SigningKey | undefined;
  /**
   * What signs this node's votes and proposals (the guarded signer, which remembers on disk what it
   * signed); default: the key itself, unguarded (tests only).
   */
  readonly signer?: ConsensusSigner;
  readonly suite: CryptoSuite;
  readonly transport: PeerTransport;
  readonly wal: FileWal;
  readonly timing: BlockTiming;
  readonly timeouts?: Partial<TimeoutOptions>;
  readonly maxBlockTxs: number;
  readonly maxBlockBytes: number;
  /**
   * Gas after which this node's proposals stop taking transactions: keeps a block's execution short
   * enough for its round under load, so throughput plateaus instead of collapsing into round timeouts.
   */
  readonly maxBlockGas?: number;
  /** Largest accepted lead of a proposed block's time over this node's clock. */
  readonly maxClockDriftMs?: number;
  readonly clock: () => number;
  /** Timers (default: the event loop's; the driver simulation's virtual ones). */
  readonly scheduler?: Scheduler;
  readonly logger: Logger;
  /** Called after every committed block, with what it committed. */
  readonly onCommitted: (prepared: PreparedBlock) => void;
  /** Called after every height decided here with the time each of its steps took (metrics). */
  readonly onHeightTimeline?: (timeline: HeightTimeline) => void;
  /** Called when the machine proves a validator signed two conflicting votes. */
  readonly onEvidence: (evidence: Evidence) => void;
  /** Called for each transaction this node's proposal left out because it failed authentication. */
  readonly onExcluded: (tx: DecodedTx, error: HanglianError) => void;
  /**
   * Called once when writing the WAL or committing a block failed (a full disk, an I/O error): the driver
   * has stopped, synchronously, before anything that depended on the write left the node.
   */
  readonly onStorageFault?: (fault: HanglianError) => void;
}

/** Errors of the file system under the WAL and the ledger that no retry in this process will fix. */
const STORAGE_ERROR_CODES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EFBIG']);

/** The node's error for a failed write, or undefined when `error` is not one of the file system's. */
export function storageFault(error: unknown, what: string): HanglianError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const message = String((error as Error | null)?.message ?? error);
  // lmdb reports a full disk by its message (and MDB_MAP_FULL when the map, not the disk, is full).
  const full = code === 'ENOSPC' || code === 'EDQUOT' || /no space left on device/i.test(message);
  if (!full && !(typeof code === 'string' && STORAGE_ERROR_CODES.has(code))) return undefined;
  return new HanglianError(
    full ? NodeErrors.DISK_FULL : NodeErrors.STORAGE_FAILED,
    full
      ? `the disk is full (no space left on device) while ${what}: free space and restart the node; it resumes from its WAL`
      : `writing the node's data failed (${code}) while ${what}: check the disk, then restart the node`,
    { cause: error },
  );
}

const GOSSIP_INTERVAL_MS = 1_000;
/** Bounds the proposer-rotation increments computed per height (large, coprime voting powers). */
const MAX_ROTATION_PERIOD = 4_096;
const STATUS_INTERVAL_MS = 2_000;
/** Least time between two sendings of a decided height's precommits to one lagging peer. */
const COMMIT_VOTES_INTERVAL_MS = 500;
/**
 * Event-loop turns given to I/O between two blocks applied from block sync. An HTTP request takes at least
 * two polls (accept, then read); with one turn per block, as before, every API request waited for about two
 * blocks to execute, which on a starved machine (seconds per block) made the API look dead for the whole
 * catch-up (docs/reliability.md, chaos seed 2028). An idle turn costs microseconds.
 */
const CATCH_UP_YIELD_TURNS = 4;

export class ConsensusDriver {
  readonly #o: ConsensusDriverOptions;
  readonly #verifier: Ed25519ConsensusVerifier;
  #machine: ConsensusMachine;
  readonly #inputs: ConsensusInput[] = [];
  #draining = false;
  /** Executed blocks by hex hash, waiting for a decision at the current height. */
  readonly #prepared = new Map<string, PreparedBlock>();
  /** Certified blocks fetched from peers (block sync), fed to the machine in order. */
  readonly #sync: BlockSync;
  readonly #timers = new Set<TimerHandle>();
  readonly #scheduler: Scheduler;
  /** When each peer was last sent a decided height's precommits. */
  readonly #commitVotesSent = new Map<string, number>();
  #nextHeightTimer: TimerHandle | undefined;
  #waitingToStart: number | undefined;
  #lastCommitAt = 0;
  /** When this node last committed a block with transactions (or started): how long the chain is idle. */
  #lastBusyAt = 0;
  #stopped = false;
  #halted = false;
  /** The synced block just offered to the machine, to drop it if the machine did not take it. */
  #fedFromSync: SyncedBlock | undefined;
  /** Clock readings of the current height's steps: when each ended (`wait` ends when the height starts). */
  #marks: { height: number; since: number; at: Partial<Record<HeightStep, number>> } | undefined;
  /** When the last height's steps ended (its block committed and reported), or the driver started. */
  #stepsEndedAt = 0;

  constructor(options: ConsensusDriverOptions) {
    this.#o = options;
    this.#scheduler = options.scheduler ?? eventLoopScheduler;
    this.#verifier = new Ed25519ConsensusVerifier(options.chain.chainId, options.suite);
    this.#machine = this.#newMachine();
    this.#sync = new BlockSync({
      transport: options.transport,
      chainId: options.chain.chainId,
      height: () => options.chain.height,
      logger: options.logger,
      clock: options.clock,
      scheduler: this.#scheduler,
      onBlock: () => {
        // A block for the height this node waits to start: start it now, and feed it.
        if (this.#waitingToStart !== undefined && this.#sync.has(this.#waitingToStart))
          this.#startHeight(this.#waitingToStart);
        this.#feed();
      },
    });
  }

  /** Block sync's counters, for tests and metrics. */
  get syncStats(): BlockSync['stats'] {
    return this.#sync.stats;
  }

  #newMachine(): ConsensusMachine {
    const signer =
      this.#o.key === undefined
        ? undefined
        : (this.#o.signer ?? new Ed25519ConsensusSigner(this.#o.chain.chainId, this.#o.key));
    return new ConsensusMachine({
      ...(signer === undefined ? {} : { signer }),
      verifier: this.#verifier,
      ...(this.#o.timeouts === undefined ? {} : { timeouts: this.#o.timeouts }),
    });
  }

  get height(): number | undefined {
    return this.#machine.height;
  }

  get round(): number | undefined {
    return this.#machine.round;
  }

  /** This node's clock reading when it last committed a block (or started). */
  get lastCommitAt(): number {
    return this.#lastCommitAt;
  }

  /** Peers' last announced heights (public key hex → height). */
  get peerHeights(): ReadonlyMap<string, number> {
    return this.#sync.peerHeights;
  }

  start(): void {
    const { transport } = this.#o;
    transport.onMessage('consensus', (peer, payload) => this.#onConsensusMessage(peer, payload));
    transport.onMessage('sync', (peer, payload) => this.#onSyncMessage(peer, payload));
    this.#lastCommitAt = this.#o.clock();
    this.#lastBusyAt = this.#lastCommitAt;
    this.#stepsEndedAt = this.#lastCommitAt;
    this.#startHeight(this.#o.chain.height + 1);
    this.#every(GOSSIP_INTERVAL_MS, () => {
      for (const message of this.#machine.ownMessages())
        transport.broadcast('consensus', encodeConsensusMessage(message));
    });
    this.#every(STATUS_INTERVAL_MS, () => this.#announce());
    this.#announce();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#sync.stop();
    for (const t of this.#timers) this.#scheduler.clearTimeout(t);
    this.#timers.clear();
    if (this.#nextHeightTimer !== undefined) this.#scheduler.clearTimeout(this.#nextHeightTimer);
    for (const p of this.#prepared.values()) p.overlay.discard();
    this.#prepared.clear();
    this.#o.wal.close();
  }

  /** Called by the node when a transaction enters the mempool: a waiting height may start now. */
  onTransactionAdmitted(): void {
    if (this.#waitingToStart !== undefined && this.#nextHeightTimer !== undefined) {
      this.#scheduleStart(
        this.#waitingToStart,
        this.#o.timing.minBlockIntervalMs - (this.#o.clock() - this.#lastCommitAt),
      );
    }
  }

  #every(ms: number, fn: () => void): void {
    const tick = () => {
      if (this.#stopped) return;
      fn();
      const t = this.#scheduler.setTimeout(() => {
        this.#timers.delete(t);
        tick();
      }, ms);
      this.#timers.add(t);
    };
    const t = this.#scheduler.setTimeout(() => {
      this.#timers.delete(t);
      tick();
    }, ms);
    this.#timers.add(t);
  }

  #after(ms: number, fn: () => void): void {
    const t = this.#scheduler.setTimeout(
      () => {
        this.#timers.delete(t);
        if (!this.#stopped) fn();
      },
      Math.max(0, ms),
    );
    this.#timers.add(t);
  }

  #announce(): void {
    this.#o.transport.broadcast(
      'sync',
      syncWireCodec.encode({ kind: 'status', height: this.#o.chain.height }),
    );
  }

  /**
   * The set for `height`, its round-0 proposer rotated by the height. The set is rebuilt from the chain's
   * validators each height (a restarted node must compute the same proposer as everyone else), so the
   * rotation is a pure function of the height: `(height - 1) mod period` increments of a fresh set, where
   * the period (total power / gcd of powers) is when the priorities repeat. Without these increments every
   * height started from the same priorities and one validator proposed every block.
   */
  #validatorSet(height: number): ValidatorSet {
    const validators = this.#o.chain
      .currentValidators()
      .map((v) => ({ address: consensusAddressOf(v.publicKey), power: v.power }));
    let set = ValidatorSet.create(validators);
    const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
    const divisor = validators.reduce((g, v) => gcd(g, v.power), 0);
    const period = Math.min(set.totalPower / Math.max(1, divisor), MAX_ROTATION_PERIOD);
    for (let i = 0; i < (height - 1) % period; i++) set = set.next();
    return set;
  }

  /**
   * Starts `height` with whatever the WAL holds for it. Every height, not only the first after the process
   * starts: a node whose ledger was wiped (its WAL kept) catches up by block sync and reaches again the
   * height it had voted in; without its votes and lock it would sign a second, conflicting vote.
   */
  #startHeight(height: number): void {
    this.#waitingToStart = undefined;
    this.#nextHeightTimer = undefined;
    this.#marks = { height, since: this.#stepsEndedAt, at: {} };
    this.#mark(height, 'wait');
    const recovered = recordsForHeight(this.#o.wal.replay() as WalRecord[], height);
    if (recovered.length > 0)
      this.#o.logger.info({ height, records: recovered.length }, 'resuming the height from the WAL');
    this.#feed({
      type: 'start-height',
      height,
      validators: this.#validatorSet(height),
      ...(recovered.length > 0 ? { recovered } : {}),
    });
  }

  /**
   * After a commit, the next height starts when there is work (after the minimum block interval), or
   * when the empty-block interval has passed, or at once when peers are already there or sync has blocks.
   */
  #scheduleNextHeight(height: number): void {
    this.#waitingToStart = height;
    const sinceCommit = this.#o.clock() - this.#lastCommitAt;
    const { minBlockIntervalMs } = this.#o.timing;
    const hasWork = this.#o.mempool.size > 0;
    if (this.#sync.has(height)) {
      this.#startAfterTurns(height, CATCH_UP_YIELD_TURNS);
      return;
    }
    const emptyMs = emptyBlockDelayMs(this.#o.timing, this.#lastCommitAt - this.#lastBusyAt);
    this.#scheduleStart(height, hasWork ? minBlockIntervalMs - sinceCommit : emptyMs - sinceCommit);
  }

  /**
   * Starts `height`, whose block sync already holds, after `turns` turns of the event loop (each one polls
   * I/O): catching up applies one block at a time without starving the API and the network.
   */
  #startAfterTurns(height: number, turns: number): void {
    this.#scheduler.setImmediate(() => {
      if (this.#stopped || this.#waitingToStart !== height) return;
      if (turns > 1) this.#startAfterTurns(height, turns - 1);
      else this.#startHeight(height);
    });
  }

  #scheduleStart(height: number, delayMs: number): void {
    if (this.#nextHeightTimer !== undefined) this.#scheduler.clearTimeout(this.#nextHeightTimer);
    this.#nextHeightTimer = this.#scheduler.setTimeout(
      () => {
        if (this.#stopped || this.#waitingToStart !== height) return;
        this.#startHeight(height);
      },
      Math.max(0, delayMs),
    );
  }

  /** Notes when `step` of `height` ended, the first time only (later rounds add to the steps after it). */
  #mark(height: number, step: HeightStep): void {
    const marks = this.#marks;
    if (marks === undefined || marks.height !== height || marks.at[step] !== undefined) return;
    marks.at[step] = this.#o.clock();
  }

  /** The decided height's steps, each from the end of the last one before it that this node saw. */
  #reportTimeline(height: number, round: number): void {
    const marks = this.#marks;
    this.#marks = undefined;
    this.#stepsEndedAt = marks?.at.commit ?? this.#o.clock();
    if (marks === undefined || marks.height !== height || this.#o.onHeightTimeline === undefined) return;
    const steps: Partial<Record<HeightStep, number>> = {};
    let previous = marks.since;
    for (const step of HEIGHT_STEPS) {
      const at = marks.at[step];
      if (at === undefined) continue;
      steps[step] = Math.max(0, at - previous);
      previous = at;
    }
    this.#o.onHeightTimeline({ height, round, steps });
  }

  #feed(input?: ConsensusInput): void {
    if (input !== undefined) this.#inputs.push(input);
    if (this.#draining || this.#halted) return;
    this.#draining = true;
    try {
      while (!this.#stopped && !this.#halted) {
        const next = this.#inputs.shift() ?? this.#takeSynced();
        if (next === undefined) break;
        try {
          this.#carryOut(this.#machine.step(next));
        } catch (error) {
          // A write that failed (the WAL before a vote leaves, the ledger at a commit) stops the driver
          // here: what followed it in the outputs was not carried out, and nothing more will be. The WAL
          // replays at the restart; a torn last record is dropped by its checksum.
          const fault = storageFault(error, 'writing the consensus WAL or committing a block');
          if (fault === undefined) throw error;
          this.#halted = true;
          this.stop();
          this.#o.logger.fatal({ code: fault.code, err: error }, fault.message);
          this.#o.onStorageFault?.(fault);
          break;
        }
        const fed = this.#fedFromSync;
        this.#fedFromSync = undefined;
        // Never offered twice: a block the machine did not take (it cannot, once verified) is dropped.
        if (fed !== undefined && this.#machine.height === fed.height && !this.#machine.decided)
          this.#sync.reject(fed, 'not taken by the consensus machine');
      }
    } finally {
      this.#draining = false;
    }
  }

  /**
   * The synced block for the height in progress, once its certificate verifies against the height's
   * validator set (its bytes were checked against the certificate's hash when they arrived) and the block
   * executes on this chain. A block that fails is the sending peer's fault: it is dropped and asked of
   * another peer, and consensus goes on.
   */
  #takeSynced(): ConsensusInput | undefined {
    const height = this.#machine.height;
    const validators = this.#machine.validators;
    if (height === undefined || validators === undefined) return undefined;
    if (this.#machine.decided || this.#waitingToStart !== undefined) return undefined;
    for (;;) {
      const block = this.#sync.take(height);
      if (block === undefined) return undefined;
      const check = verifyCommitCertificate(block.certificate, validators, this.#verifier);
      if (!check.ok) {
        this.#sync.reject(block, `certificate: ${check.reason}`);
        continue;
      }
      try {
        // Executed now, before the machine decides (the result is kept for the commit): a certified
        // block that does not extend this chain is a fork only keys of more than 1/3 could sign, and it
        // is refused like any bad answer rather than halting this node.
        this.#verifyPayload(block.certificate.blockHash, block.payload);
      } catch (error) {
        this.#o.logger.error(
          { err: error, height, peer: block.peer.slice(0, 12) },
          'a certified block from a peer does not verify on this chain',
        );
        this.#sync.reject(block, `block: ${(error as Error).message}`);
        continue;
      }
      this.#fedFromSync = block;
      return { type: 'commit-received', certificate: block.certificate, payload: block.payload };
    }
  }

  #carryOut(outputs: readonly ConsensusOutput[]): void {
    let unsynced = false;
    for (const output of outputs) {
      if (output.type === 'wal-write') {
        this.#o.wal.append(output.record);
        unsynced = true;
        continue;
      }
      // The WAL contract: what was written is on disk before anything that follows it leaves the node.
      if (unsynced) {
        this.#o.wal.sync();
        unsynced = false;
      }
      this.#carryOutOne(output);
    }
    if (unsynced) this.#o.wal.sync();
  }

  #carryOutOne(output: Exclude<ConsensusOutput, { type: 'wal-write' }>): void {
    switch (output.type) {
      case 'broadcast':
        this.#o.transport.broadcast('consensus', encodeConsensusMessage(output.message));
        if (output.message.kind === 'vote') {
          const { vote } = output.message;
          this.#mark(vote.height, vote.type === 'prevote' ? 'prevote' : 'prevotes');
        }
        return;
      case 'schedule-timeout':
        this.#after(output.delayMs, () =>
          this.#feed({
            type: 'timeout-fired',
            timeout: output.timeout,
            height: output.height,
            round: output.round,
          }),
        );
        return;
      case 'build-proposal':
        this.#scheduler.setImmediate(() => this.#buildProposal(output.height, output.round));
        return;
      case 'validate-proposal':
        this.#scheduler.setImmediate(() =>
          this.#validateProposal(output.height, output.blockHash, output.payload),
        );
        return;
      case 'decide':
        this.#decide(output.height, output.blockHash, output.payload, output.certificate);
        return;
      case 'evidence':
        this.#o.logger.warn(
          { evidence: output.evidence.kind, validator: output.evidence.validator },
          'equivocation seen',
        );
        this.#o.onEvidence(output.evidence);
        return;
    }
  }

  #buildProposal(height: number, round: number): void {
    if (this.#stopped || this.#machine.height !== height) return;
    const { chain, mempool } = this.#o;
    try {
      const txs = mempool.reap(chain.reader(), {
        maxTxs: this.#o.maxBlockTxs,
        maxBytes: this.#o.maxBlockBytes,
      });
      const prepared = chain.prepareProposal({
        time: Math.max(this.#o.clock(), chain.latestTime + 1),
        proposer: this.#o.key!.publicKey,
        txs,
        lastCommit: height === 1 ? null : (chain.getCommit(height - 1) ?? null),
        ...(this.#o.maxBlockGas === undefined ? {} : { maxGas: this.#o.maxBlockGas }),
      });
      for (const { tx, error } of prepared.excluded) {
        mempool.evict(tx);
        this.#o.onExcluded(tx, error);
      }
      const hash = bytesToHex(prepared.hash);
      this.#keepPrepared(hash, prepared);
      // Built here is executed here: the proposer's own block needs no verdict.
      this.#mark(height, 'proposal');
      this.#mark(height, 'verify');
      this.#feed({
        type: 'proposal-built',
        height,
        round,
        blockHash: hash,
        payload: blockCodec.encode(prepared.block),
      });
    } catch (error) {
      // Without a proposal the round times out and the next proposer takes over.
      this.#o.logger.error({ err: error, height, round }, 'cannot build a proposal');
    }
  }

  #keepPrepared(hash: string, prepared: PreparedBlock): void {
    const old = this.#prepared.get(hash);
    if (old !== undefined && old !== prepared) old.overlay.discard();
    this.#prepared.set(hash, prepared);
  }

  /** Decodes and verifies a proposed block; a block is valid only if it re-executes to its header. */
  #verifyPayload(blockHashHex: string, payload: Uint8Array): PreparedBlock {
    const known = this.#prepared.get(blockHashHex);
    if (known !== undefined) return known;
    const block = blockCodec.decode(payload);
    if (bytesToHex(blockHash(block.header)) !== blockHashHex) {
      throw new HanglianError(
        CoreErrors.BLOCK_INVALID,
        'the payload does not hash to the proposed block hash',
      );
    }
    // The transactions this node admitted are taken decoded and authenticated from its mempool.
    const prepared = this.#o.chain.verifyBlock(block, (bytes) => this.#o.mempool.decoded(bytes));
    this.#keepPrepared(blockHashHex, prepared);
    return prepared;
  }

  #validateProposal(height: number, blockHashHex: string, payload: Uint8Array): void {
    if (this.#stopped || this.#machine.height !== height) return;
    let result: 'valid' | 'invalid' = 'valid';
    try {
      const prepared = this.#verifyPayload(blockHashHex, payload);
      const drift = prepared.block.header.time - this.#o.clock();
      if (drift > (this.#o.maxClockDriftMs ?? 10_000)) {
        result = 'invalid';
        this.#o.logger.warn({ height, drift }, 'proposal is too far in the future');
      }
    } catch (error) {
      result = 'invalid';
      this.#o.logger.warn(
        { height, code: (error as HanglianError).code, reason: (error as Error).message },
        'invalid proposal',
      );
    }
    if (result === 'valid') this.#mark(height, 'verify');
    this.#feed({ type: 'validation-result', height, blockHash: blockHashHex, result });
  }

  #decide(height: number, blockHashHex: string, payload: Uint8Array, certificate: CommitCertificate): void {
    const { chain, mempool } = this.#o;
    this.#mark(height, 'precommits');
    let prepared: PreparedBlock;
    try {
      prepared = this.#verifyPayload(blockHashHex, payload);
    } catch (error) {
      // More than 2/3 of the voting power decided a block this node cannot execute: its state or code
      // differs from theirs. Going on would fork it from the network, so it stops here.
      this.#halted = true;
      this.#o.logger.fatal(
        { err: error, height },
        'decided block does not verify: consensus halted on this node',
      );
      return;
    }
    const commit: Commit = {
      height,
      round: certificate.round,
      blockHash: hexToBytes(blockHashHex),
      signatures: certificate.signatures.map((s) => ({
        validator: hexToBytes(s.validator),
        signature: s.signature,
      })),
    };
    chain.commitBlock(prepared, commit);
    this.#prepared.delete(blockHashHex);
    for (const other of this.#prepared.values()) other.overlay.discard();
    this.#prepared.clear();
    this.#lastCommitAt = this.#o.clock();
    if (prepared.txs.length > 0) this.#lastBusyAt = this.#lastCommitAt;
    mempool.update(prepared.txs, chain.reader(), height, prepared.overlay);
    this.#o.wal.truncateBelow(height + 1);
    this.#sync.committed(height);
    this.#o.onCommitted(prepared);
    this.#mark(height, 'commit');
    this.#reportTimeline(height, certificate.round);
    this.#scheduleNextHeight(height + 1);
  }

  #onConsensusMessage(peer: string, payload: Uint8Array): boolean | undefined {
    if (this.#stopped) return undefined;
    let message: ReturnType<typeof decodeConsensusMessage>;
    try {
      message = decodeConsensusMessage(payload);
    } catch {
      this.#o.logger.debug({ peer }, 'undecodable consensus message');
      return false;
    }
    const at = message.kind === 'vote' ? message.vote.height : message.proposal.height;
    const mine = this.#o.chain.height + 1;
    // A peer at a later height has the blocks before it.
    if (at > mine) this.#sync.peerHas(peer, at - 1, false);
    else if (at < mine) this.#sendCommitVotes(peer, at);
    // A peer already working on the height this node waits to start: start it now.
    if (at === this.#waitingToStart) this.#startHeight(at);
    if (message.kind === 'proposal') this.#mark(at, 'proposal');
    this.#feed(
      message.kind === 'vote' ? { type: 'vote-received', message } : { type: 'proposal-received', message },
    );
  }

  /**
   * A peer still working on a height this node decided gets that height's precommits, rebuilt from the
   * stored certificate (votes prove themselves, whoever relays them), as CometBFT gossips its last commit.
   * Its machine can then decide from them even if no peer serves it the block by sync: validators that
   * crashed after precommitting keep only their own votes, and could otherwise wait for ever for the
   * others' precommits of a decider that moved on (found by the simulator's lying-sync mix).
   */
  #sendCommitVotes(peer: string, height: number): void {
    const now = this.#o.clock();
    if (now - (this.#commitVotesSent.get(peer) ?? Number.NEGATIVE_INFINITY) < COMMIT_VOTES_INTERVAL_MS)
      return;
    const commit = this.#o.chain.getCommit(height);
    if (commit === undefined) return;
    this.#commitVotesSent.set(peer, now);
    const blockHash = bytesToHex(commit.blockHash);
    for (const { validator, signature } of commit.signatures) {
      const vote = {
        type: 'precommit' as const,
        height: commit.height,
        round: commit.round,
        blockHash,
        validator: bytesToHex(validator),
      };
      this.#o.transport.send(peer, 'consensus', encodeConsensusMessage({ kind: 'vote', vote, signature }));
    }
  }

  /** The `sync` channel: requests are answered from the ledger, answers go to block sync. */
  #onSyncMessage(peer: string, payload: Uint8Array): boolean | undefined {
    if (this.#stopped) return undefined;
    let message: SyncWire;
    try {
      message = syncWireCodec.decode(payload);
    } catch {
      this.#o.logger.debug({ peer }, 'undecodable sync message');
      return false;
    }
    if (isSyncRequest(message)) {
      answerSyncRequest(this.#o.chain, this.#o.transport, peer, message);
      return true;
    }
    switch (message.kind) {
      case 'status':
        this.#sync.peerHas(peer, message.height, true);
        return true;
      case 'blocks':
        return this.#sync.onBlocks(peer, message.items);
      default:
        // Headers and snapshot chunks answer a state-syncing node; a running node never asked for them.
        return true;
    }
  }
}
