/**
 * The chain: the ledger of one node. It owns the storage, runs the state machine over it, and knows how
 * to build a block (as proposer), verify a block (as validator or syncing node), and commit a block with
 * its commit certificate, atomically with the state it produced. It knows nothing of who proposes or how
 * votes are gathered: that is the consensus engine's (or the solo producer's) job.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  type Address,
  addressFromPublicKey,
  type Block,
  type BlockHeader,
  type BlockResults,
  blockCodec,
  blockHash,
  blockResultsCodec,
  bytesEqual,
  bytesToHex,
  type ChainEvent,
  type Commit,
  CoreErrors,
  type CryptoSuite,
  commitCodec,
  commitHash,
  concatBytes,
  type DecodedTx,
  decodeTx,
  encodeCanonical,
  HanglianError,
  merkleListRoot,
  type SigningKey,
  sha256,
  type TxResult,
  txResultCodec,
  utf8,
  type Validator,
  VOTE_PRECOMMIT,
  validatorSetCodec,
  validatorSetHash,
  verifyCommit,
  voteSignBytes,
} from '@hanglian/core';
import type {
  GenesisDocument,
  QueryAuthorizer,
  ReadAccess,
  StateMachine,
  StateReader,
} from '@hanglian/state-machine';
import {
  BlockStore,
  type ExtraWrite,
  type ImportExtraWrites,
  type KvDurability,
  openStorage,
  type StateOverlay,
  type StateProofAtVersion,
  type StatePruning,
  type StateStore,
  type Storage,
} from '@hanglian/storage';
import { NodeErrors } from '../errors.js';
import {
  historyFromWorkers,
  type SyntheticBlock,
  type SyntheticCheckpoint,
  SyntheticHistory,
  type SyntheticHistoryOptions,
} from './historyPrefill.js';

/** Where the chain finds the validator sets; the governance module's methods in a real node. */
export interface ValidatorSource {
  /** The set that signs the block after the state `state` (the next block). */
  current(state: StateReader): Validator[];
  /** The set that signs the block after that one. */
  next(state: StateReader): Validator[];
}

export interface ChainOptions {
  readonly dataDir: string;
  readonly genesis: GenesisDocument;
  readonly stateMachine: StateMachine;
  readonly suite: CryptoSuite;
  readonly validators: ValidatorSource;
  readonly durability?: KvDurability;
  /** Keep only recent heights and snapshots of the state (storage README, "Pruning"); default: archival. */
  readonly pruning?: StatePruning;
}

/** What state sync hands the chain: a verified block, its commit and signers, and the state after it. */
export interface LedgerSnapshot {
  readonly block: Block;
  readonly commit: Commit;
  readonly validators: readonly Validator[];
  readonly results: BlockResults;
  /** The state's entries; may be read lazily (state sync streams them from a file). */
  readonly entries: Iterable<{ key: Uint8Array; value: Uint8Array }>;
}

/** Synthetic history below a benchmark's pre-filled state (`Chain.openPrefilled`). */
export interface HistoryPrefill {
  /** Blocks of history: heights 1..blocks, the state imported at the last. */
  readonly blocks: number;
  /** Synthetic settlement transfers per block (default 20). */
  readonly transactionsPerBlock?: number;
  /** Milliseconds between two blocks' times (default 1,000). */
  readonly blockMillis?: number;
  /** Keys of genesis validators holding more than 2/3 of the power: they sign the last block's commit. */
  readonly signers: readonly SigningKey[];
  /** Threads that make the blocks' bodies while this one writes (default: one per core). */
  readonly workers?: number;
  /** Told of progress every `progressEvery` blocks (default 100,000, or a tenth of a shorter history). */
  readonly onProgress?: (line: string) => void;
  readonly progressEvery?: number;
  /**
   * Told once the history is written, before the state is imported: blocks, their transactions, the
   * seconds and CPU seconds it took, and the bytes of the records written (keys and values, before
   * LMDB's overhead).
   */
  readonly onWritten?: (figures: {
    blocks: number;
    transactions: number;
    seconds: number;
    /** CPU of this process meanwhile (all its threads: the one that writes, those that make bodies). */
    cpuSeconds: number;
    recordBytes: number;
  }) => void;
}

/** A block executed over an uncommitted overlay, waiting for its commit certificate. */
export interface PreparedBlock {
  readonly block: Block;
  /** The validators that must sign this block's commit. */
  readonly validators: readonly Validator[];
  readonly hash: Uint8Array;
  readonly txs: readonly DecodedTx[];
  readonly results: BlockResults;
  readonly overlay: StateOverlay;
  /** Proposal only: transactions left out because they failed authentication. */
  readonly excluded: ReadonlyArray<{ tx: DecodedTx; error: HanglianError }>;
}

const META_DB = 'node_meta';
const RESULTS_CACHE_BLOCKS = 16;
const COMMITS_DB = 'commits';
/** The node's own sub-databases beside the storage's: whoever opens the environment names the same set. */
export const CHAIN_SUB_DBS: readonly string[] = [META_DB, COMMITS_DB];
const GENESIS_HASH_KEY = utf8('genesis_hash');

/**
 * A commit of `prepared` signed by `validators`' precommits in round 0, for chains run in one process
 * without consensus (benchmarks and tests of a one-validator chain). A network's commits come from its
 * consensus, never from here.
 */
export function commitSignedBy(
  prepared: PreparedBlock,
  validators: readonly SigningKey[],
  chainId: string,
): Commit {
  const height = prepared.block.header.height;
  const signBytes = voteSignBytes({
    chainId,
    type: VOTE_PRECOMMIT,
    height,
    round: 0,
    blockHash: prepared.hash,
  });
  return {
    height,
    round: 0,
    blockHash: prepared.hash,
    signatures: validators.map((key) => ({ validator: key.publicKey, signature: key.sign(signBytes) })),
  };
}

/** The hash that stands for the genesis document: the parent hash of block 1. */
export function genesisHashOf(genesis: GenesisDocument): Uint8Array {
  return sha256(encodeCanonical(genesis));
}

function validatorsKey(height: number): Uint8Array {
  return concatBytes(utf8('validators/'), heightKey(height));
}

function heightKey(height: number): Uint8Array {
  const key = new Uint8Array(8);
  new DataView(key.buffer).setBigUint64(0, BigInt(height));
  return key;
}

/** The results root: Merkle root over each transaction's encoded result, then the block-level events. */
export function resultsRootOf(
  txResults: readonly TxResult[],
  blockEvents: readonly ChainEvent[],
): Uint8Array {
  return merkleListRoot([...txResults.map((r) => txResultCodec.encode(r)), encodeCanonical(blockEvents)]);
}

export class Chain {
  readonly chainId: string;
  readonly genesis: GenesisDocument;
  readonly genesisHash: Uint8Array;
  readonly storage: Storage;
  readonly #sm: StateMachine;
  readonly #suite: CryptoSuite;
  readonly #validators: ValidatorSource;
  #latestHeader: BlockHeader | undefined;
  #latestHash: Uint8Array;
  readonly #resultsCache = new Map<number, BlockResults>();

  private constructor(options: ChainOptions, storage: Storage) {
    this.chainId = options.genesis.chainId;
    this.genesis = options.genesis;
    this.genesisHash = genesisHashOf(options.genesis);
    this.storage = storage;
    this.#sm = options.stateMachine;
    this.#suite = options.suite;
    this.#validators = options.validators;
    this.#latestHash = this.genesisHash;
  }

  /** Opens (or creates) the ledger in `dataDir`; writes the genesis state on first open. */
  static open(options: ChainOptions): Chain {
    return Chain.#open(options, () => {});
  }

  /**
   * BENCHMARKS ONLY: creates a ledger in an empty `dataDir` whose genesis state is the document's plus
   * whatever `fill` writes. `fill` gets the empty state store, the genesis entries, the writes that must
   * commit with them and the version to import them as, and must import all of it as that version (e.g.
   * storage's `prefillState`, which writes millions of keys in minutes by the sorted import). The genesis
   * hash stays the document's, so this is no real network's ledger: it measures what a block costs on a
   * grown state.
   *
   * With `history`, the ledger also gets `history.blocks` blocks of synthetic history below that state
   * (`SyntheticHistory`: blocks, results, commits, validator sets and the transaction index, as a node
   * keeps them; their bodies made by worker threads), written directly in bulk (`BlockStore.importHistory`)
   * before the state. Why the state is imported at the last height, not at 0 with history below it: a
   * version is a height, so the state at version 0 is what block 1 executes on, and no block can lie
   * below it; and the next block needs, from
   * the latest one, its hash, its time, its commit certificate (carried by the next block and checked
   * against the latest block's validators by `verifyBlock`) and a state root in its header that is the
   * state's. So the ledger is shaped like a state-synced one (`importSnapshot`: the state at height N with
   * block N, no state kept below it) that also keeps blocks 1..N: the genesis state, pre-filled keys
   * included, is imported as version N, in one transaction with block N, whose header carries the root the
   * import built (storage calls back with it) and whose commit the validators' keys (`history.signers`)
   * sign for real. The chain then continues at N + 1 like any other: `prepareProposal`, `verifyBlock` and
   * `commitBlock` see a latest block, its commit and its validators. Older blocks' state roots and
   * signatures are synthetic (nothing re-executes or re-verifies them; `SyntheticHistory` says what is
   * real), and their times are the genesis time plus a block interval each, so the latest time moves on.
   */
  static openPrefilled(
    options: ChainOptions,
    fill: (
      state: StateStore,
      genesis: {
        entries: Array<{ key: Uint8Array; value: Uint8Array }>;
        extraWrites: ImportExtraWrites;
        version: number;
      },
    ) => void,
    history?: HistoryPrefill,
  ): Chain {
    if (existsSync(join(options.dataDir, 'data.mdb')))
      throw new HanglianError(NodeErrors.CONFIG_INVALID, 'a prefilled ledger needs an empty directory');
    const blocks = history?.blocks ?? 0;
    if (!Number.isSafeInteger(blocks) || blocks < 0)
      throw new HanglianError(NodeErrors.CONFIG_INVALID, 'history blocks must be a whole number');
    return Chain.#open(options, (chain) => {
      const overlay = chain.storage.state.beginBlock();
      options.stateMachine.initGenesis(options.genesis, overlay);
      const entries = overlay
        .changes()
        .filter((change) => change.value !== null)
        .map((change) => ({ key: change.key, value: change.value as Uint8Array }));
      const validators = options.validators.current(overlay);
      const nextValidators = options.validators.next(overlay);
      overlay.discard();
      const genesisWrites: ExtraWrite[] = [[META_DB, GENESIS_HASH_KEY, chain.genesisHash]];
      if (history === undefined || blocks === 0) {
        fill(chain.storage.state, { entries, extraWrites: genesisWrites, version: 0 });
        return;
      }
      const lastBlockWrites = chain.#prefillHistory(history, validators, nextValidators);
      fill(chain.storage.state, {
        entries,
        extraWrites: (root) => [...lastBlockWrites(root), ...genesisWrites],
        version: blocks,
      });
      if (chain.storage.state.latestVersion() !== blocks)
        throw new HanglianError(
          NodeErrors.CONFIG_INVALID,
          `with ${blocks} blocks of history, the state must be imported as version ${blocks}`,
        );
    });
  }

  /**
   * Writes blocks 1..N-1 of synthetic history and returns the writes of block N, made from the root of
   * the state imported with it (see `openPrefilled`).
   */
  #prefillHistory(
    history: HistoryPrefill,
    validators: readonly Validator[],
    nextValidators: readonly Validator[],
  ): (stateRoot: Uint8Array) => ExtraWrite[] {
    const blocks = history.blocks;
    // One signature per validator whose key was given, in the set's order.
    const signers = validators.flatMap((v) => {
      const key = history.signers.find((k) => bytesEqual(k.publicKey, v.publicKey));
      return key === undefined ? [] : [{ key, power: v.power }];
    });
    const total = validators.reduce((sum, v) => sum + v.power, 0);
    const signed = signers.reduce((sum, s) => sum + s.power, 0);
    if (signed * 3 <= total * 2)
      throw new HanglianError(
        NodeErrors.CONFIG_INVALID,
        "history's signers must be genesis validators holding more than 2/3 of the power",
      );
    const progress = history.onProgress ?? (() => {});
    const perBlock = history.transactionsPerBlock ?? 20;
    const syntheticOptions: SyntheticHistoryOptions = {
      chainId: this.chainId,
      genesisHash: this.genesisHash,
      genesisTime: this.genesis.genesisTime,
      blockMillis: history.blockMillis ?? 1_000,
      transactionsPerBlock: perBlock,
      validators,
      nextValidators,
      lastHeight: blocks,
    };
    const validatorSet = validatorSetCodec.encode([...validators]);
    const writesOf = (block: SyntheticBlock) => ({
      record: {
        height: block.height,
        hash: block.hash,
        block: block.block,
        transactionIds: block.transactionIds,
        results: block.results,
      },
      extraWrites: [
        [COMMITS_DB, heightKey(block.height), block.commit],
        [META_DB, validatorsKey(block.height), validatorSet],
      ] as ExtraWrite[],
    });
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    // A line every 100,000 blocks, or every tenth of a shorter history.
    const every = history.progressEvery ?? Math.min(100_000, Math.max(1_000, Math.ceil(blocks / 10)));
    let nextLine = every;
    // Blocks 1..N-1: their bodies are made by worker threads (one per core) while this one chains and
    // writes them; block N here, once the state's root is known.
    let checkpoint: SyntheticCheckpoint | undefined;
    const workers = history.workers ?? availableParallelism();
    const written = this.storage.blocks.importHistory(
      (function* () {
        const made = historyFromWorkers(syntheticOptions, blocks - 1, workers);
        for (let next = made.next(); ; next = made.next()) {
          if (next.done === true) {
            checkpoint = next.value;
            return;
          }
          yield writesOf(next.value);
        }
      })(),
      {
        onBatch: (count) => {
          if (count < nextLine) return;
          const seconds = (performance.now() - started) / 1000;
          progress(
            `  history: ${count.toLocaleString('en')} of ${blocks.toLocaleString('en')} blocks in ${seconds.toFixed(1)} s (${Math.round(count / seconds).toLocaleString('en')} blocks/s)`,
          );
          nextLine = (Math.floor(count / every) + 1) * every;
        },
        onIndex: (subDb, records) =>
          progress(
            `  history: ${records.toLocaleString('en')} records of ${subDb} sorted and written in key order (at ${((performance.now() - started) / 1000).toFixed(1)} s)…`,
          ),
      },
    );
    history.onWritten?.({
      blocks,
      transactions: blocks * perBlock,
      seconds: (performance.now() - started) / 1000,
      cpuSeconds: ((cpu) => (cpu.user + cpu.system) / 1e6)(process.cpuUsage(cpuBefore)),
      recordBytes: written.bytes,
    });
    if (checkpoint === undefined) throw new Error('the history generator did not say where it stopped');
    const synthetic = new SyntheticHistory(syntheticOptions, checkpoint);
    return (stateRoot) => {
      const last = writesOf(synthetic.next({ stateRoot, signers: signers.map((s) => s.key) }));
      return [...BlockStore.writesFor(last.record), ...last.extraWrites];
    };
  }

  /**
   * Opens the ledger's storage, lets `prepare` write into it, then writes or checks the genesis and loads
   * the latest block; the storage is closed again if any of it fails.
   */
  static #open(options: ChainOptions, prepare: (chain: Chain) => void): Chain {
    const storage = openStorage({
      path: options.dataDir,
      extraSubDbs: CHAIN_SUB_DBS,
      ...(options.durability === undefined ? {} : { durability: options.durability }),
      ...(options.pruning === undefined ? {} : { pruning: options.pruning }),
    });
    const chain = new Chain(options, storage);
    try {
      prepare(chain);
      chain.#initOrCheckGenesis();
      chain.#loadLatest();
    } catch (error) {
      void storage.close();
      throw error;
    }
    return chain;
  }

  /**
   * Creates a ledger from a state snapshot instead of the genesis (state sync): the entries, strictly
   * ascending by key hash, must rebuild the header's state root, the results must match its results root.
   * `block`, `commit` and `validators` must already be verified by the caller (a header chain checked from
   * a trusted checkpoint or the genesis validator set). The state streams into the store as it is read
   * (`StateStore.importSorted`: bounded memory whatever its size), in a directory beside `dataDir` whose
   * files move into `dataDir` only once the root matched; a crash or a mismatch leaves `dataDir` without a
   * ledger, so the next start syncs again. Blocks below the snapshot are not stored: this node serves state
   * and new blocks, not old history.
   */
  static async importSnapshot(options: ChainOptions, snapshot: LedgerSnapshot): Promise<void> {
    if (existsSync(join(options.dataDir, 'data.mdb')))
      throw new HanglianError(NodeErrors.CONFIG_INVALID, 'state sync needs an empty ledger directory');
    // No dot in the name: lmdb-js takes a path with an extension for a file, not a directory.
    const building = `${options.dataDir}-importing`;
    rmSync(building, { recursive: true, force: true });
    const storage = openStorage({
      path: building,
      extraSubDbs: [META_DB, COMMITS_DB],
      ...(options.durability === undefined ? {} : { durability: options.durability }),
      ...(options.pruning === undefined ? {} : { pruning: options.pruning }),
    });
    let imported = false;
    try {
      const { block, commit, validators, results, entries } = snapshot;
      const height = block.header.height;
      const hash = blockHash(block.header);
      const mismatch = (what: string) =>
        new HanglianError(NodeErrors.STATE_SYNC_MISMATCH, `snapshot at height ${height}: ${what}`);
      if (!bytesEqual(merkleListRoot(block.txs), block.header.txRoot))
        throw mismatch('transactions do not match the txRoot');
      if (!bytesEqual(resultsRootOf(results.txResults, results.blockEvents), block.header.resultsRoot)) {
        throw mismatch('results do not match the resultsRoot');
      }
      let committed: { root: Uint8Array };
      try {
        committed = storage.state.importSorted(height, entries, [
          ...BlockStore.writesFor({
            height,
            hash,
            block: blockCodec.encode(block),
            transactionIds: block.txs.map((bytes) => decodeTx(bytes).id),
            results: blockResultsCodec.encode(results),
          }),
          [COMMITS_DB, heightKey(height), commitCodec.encode(commit)],
          [META_DB, validatorsKey(height), validatorSetCodec.encode([...validators])],
          [META_DB, GENESIS_HASH_KEY, genesisHashOf(options.genesis)],
        ]);
      } catch (error) {
        if ((error as { code?: string }).code === 'STORAGE_INVALID_ARGUMENT')
          throw mismatch(`the state entries are not a state: ${(error as Error).message}`);
        throw error;
      }
      if (!bytesEqual(committed.root, block.header.stateRoot))
        throw mismatch('the state entries do not rebuild the stateRoot');
      imported = true;
    } finally {
      await storage.close();
      if (imported) {
        // The data file last: a ledger directory holds a ledger once data.mdb is there.
        mkdirSync(options.dataDir, { recursive: true });
        const files = readdirSync(building).sort((a, b) =>
          a === 'data.mdb' ? 1 : b === 'data.mdb' ? -1 : 0,
        );
        for (const file of files) renameSync(join(building, file), join(options.dataDir, file));
      }
      rmSync(building, { recursive: true, force: true });
    }
  }

  #initOrCheckGenesis(): void {
    const stored = this.storage.kv.subDb(META_DB).get(GENESIS_HASH_KEY);
    if (stored !== undefined) {
      if (!bytesEqual(stored, this.genesisHash)) {
        throw new HanglianError(
          NodeErrors.GENESIS_MISMATCH,
          'the data directory was created from another genesis',
          {
            details: { stored: bytesToHex(stored), expected: bytesToHex(this.genesisHash) },
          },
        );
      }
      return;
    }
    const overlay = this.storage.state.beginBlock();
    this.#sm.initGenesis(this.genesis, overlay);
    overlay.commit(0, [[META_DB, GENESIS_HASH_KEY, this.genesisHash]]);
  }

  #loadLatest(): void {
    const height = this.storage.state.latestVersion() ?? 0;
    if (height === 0) return;
    const bytes = this.storage.blocks.getBlock(height);
    if (bytes === undefined) {
      throw new HanglianError(
        NodeErrors.STORED_BLOCK_INVALID,
        `state is at height ${height} but its block is missing`,
      );
    }
    const block = blockCodec.decodeStored(bytes);
    this.#latestHeader = block.header;
    this.#latestHash = blockHash(block.header);
  }

  /** Height of the latest committed block (0: only the genesis state). */
  get height(): number {
    return this.#latestHeader?.height ?? 0;
  }

  get latestHeader(): BlockHeader | undefined {
    return this.#latestHeader;
  }

  /** Hash of the latest block, or the genesis hash before block 1. */
  get latestHash(): Uint8Array {
    return this.#latestHash;
  }

  /** Time of the latest block, or the genesis time. */
  get latestTime(): number {
    return this.#latestHeader?.time ?? this.genesis.genesisTime;
  }

  get stateRoot(): Uint8Array {
    return this.storage.state.latestRoot();
  }

  /** The latest committed state, for queries and mempool checks. */
  reader(): StateReader {
    return this.storage.state.reader();
  }

  /** The validators that sign the next block. */
  currentValidators(): Validator[] {
    return this.#validators.current(this.reader());
  }

  /**
   * Builds the next block from candidate transactions: executes them over a fresh overlay (leaving out
   * those that fail authentication) and fills in every root. Nothing is written until `commitBlock`.
   */
  prepareProposal(args: {
    time: number;
    proposer: Uint8Array;
    txs: readonly DecodedTx[];
    lastCommit: Commit | null;
    /** Stop including transactions once they used this much gas (the proposer's choice). */
    maxGas?: number;
  }): PreparedBlock {
    const height = this.height + 1;
    const overlay = this.storage.state.beginBlock();
    try {
      const validators = this.#validators.current(overlay);
      const nextValidators = this.#validators.next(overlay);
      const execution = this.#sm.executeBlock(
        { chainId: this.chainId, height, time: args.time, proposer: addressFromPublicKey(args.proposer) },
        args.txs,
        overlay,
        'propose',
        args.maxGas === undefined ? {} : { maxGas: args.maxGas },
      );
      const txBytes = execution.included.map((tx) => tx.bytes);
      const header: BlockHeader = {
        v: 1,
        chainId: this.chainId,
        height,
        time: args.time,
        previousBlockHash: this.#latestHash,
        txRoot: merkleListRoot(txBytes),
        txCount: txBytes.length,
        stateRoot: overlay.previewRoot(),
        resultsRoot: resultsRootOf(execution.txResults, execution.blockEvents),
        proposer: addressFromPublicKey(args.proposer),
        validatorSetHash: validatorSetHash(validators),
        nextValidatorSetHash: validatorSetHash(nextValidators),
        lastCommitHash: commitHash(args.lastCommit),
      };
      const block: Block = { header, txs: txBytes, lastCommit: args.lastCommit };
      return {
        block,
        validators,
        hash: blockHash(header),
        txs: execution.included,
        results: { height, txResults: execution.txResults, blockEvents: execution.blockEvents },
        overlay,
        excluded: execution.excluded,
      };
    } catch (error) {
      overlay.discard();
      throw error;
    }
  }

  /**
   * Verifies a block received from another node (or read back for replay): structure, parent, time,
   * last commit, then re-executes it and compares every root. Throws BLOCK_INVALID with the reason.
   * `known` may give, for a transaction's exact bytes, the transaction already decoded from those bytes
   * for this chain (the mempool's, checked at admission), so it is not decoded a second time; whatever it
   * does not know is decoded here.
   */
  verifyBlock(block: Block, known?: (bytes: Uint8Array) => DecodedTx | undefined): PreparedBlock {
    const invalid = (reason: string): never => {
      throw new HanglianError(CoreErrors.BLOCK_INVALID, `block ${block.header.height}: ${reason}`);
    };
    const h = block.header;
    if (h.chainId !== this.chainId) invalid('wrong chain id');
    if (h.height !== this.height + 1) invalid(`expected height ${this.height + 1}`);
    if (!bytesEqual(h.previousBlockHash, this.#latestHash)) invalid('does not extend the latest block');
    if (h.time <= this.latestTime) invalid('time does not move forward');
    if (h.txCount !== block.txs.length) invalid('txCount does not match');
    if (!bytesEqual(h.txRoot, merkleListRoot(block.txs))) invalid('txRoot does not match the transactions');
    if (!bytesEqual(h.lastCommitHash, commitHash(block.lastCommit))) invalid('lastCommitHash does not match');
    if (h.height > 1 && block.lastCommit === null) invalid('missing the commit of the previous block');
    const txs = block.txs.map((bytes) => {
      const decoded = known?.(bytes);
      if (decoded !== undefined) return decoded;
      try {
        return decodeTx(bytes, this.chainId);
      } catch (error) {
        return invalid(`holds a malformed transaction: ${(error as Error).message}`);
      }
    });
    if (h.height === 1 && block.lastCommit !== null) invalid('the first block has no previous commit');
    if (h.height > 1) {
      const previous = this.validatorsAt(h.height - 1);
      if (previous === undefined) invalid('the validators of the previous block are unknown');
      const check = verifyCommit(block.lastCommit!, this.chainId, this.#latestHash, previous!, this.#suite);
      if (!check.ok) invalid(`the previous block's commit does not verify: ${check.reason}`);
    }
    const overlay = this.storage.state.beginBlock();
    try {
      const validators = this.#validators.current(overlay);
      if (!bytesEqual(h.validatorSetHash, validatorSetHash(validators))) {
        invalid('validatorSetHash does not match the chain state');
      }
      if (!bytesEqual(h.nextValidatorSetHash, validatorSetHash(this.#validators.next(overlay)))) {
        invalid('nextValidatorSetHash does not match the chain state');
      }
      const execution = this.#sm.executeBlock(
        { chainId: this.chainId, height: h.height, time: h.time, proposer: h.proposer },
        txs,
        overlay,
        'verify',
      );
      if (!bytesEqual(h.resultsRoot, resultsRootOf(execution.txResults, execution.blockEvents))) {
        invalid('resultsRoot does not match re-execution');
      }
      if (!bytesEqual(h.stateRoot, overlay.previewRoot())) invalid('stateRoot does not match re-execution');
      return {
        block,
        validators,
        hash: blockHash(h),
        txs,
        results: { height: h.height, txResults: execution.txResults, blockEvents: execution.blockEvents },
        overlay,
        excluded: [],
      };
    } catch (error) {
      overlay.discard();
      throw error;
    }
  }

  /** Lands a prepared block with its commit certificate, atomically with its state. */
  commitBlock(prepared: PreparedBlock, commit: Commit): void {
    const height = prepared.block.header.height;
    if (commit.height !== height || !bytesEqual(commit.blockHash, prepared.hash)) {
      throw new HanglianError(CoreErrors.BLOCK_INVALID, 'the commit is for another block');
    }
    BlockStore.commitBlock(
      prepared.overlay,
      {
        height,
        hash: prepared.hash,
        block: blockCodec.encode(prepared.block),
        transactionIds: prepared.txs.map((tx) => tx.id),
        results: blockResultsCodec.encode(prepared.results),
      },
      [
        [COMMITS_DB, heightKey(height), commitCodec.encode(commit)],
        [META_DB, validatorsKey(height), validatorSetCodec.encode([...prepared.validators])],
      ],
    );
    this.#latestHeader = prepared.block.header;
    this.#latestHash = prepared.hash;
  }

  getBlock(height: number): Block | undefined {
    const bytes = this.storage.blocks.getBlock(height);
    return bytes === undefined ? undefined : blockCodec.decodeStored(bytes);
  }

  /** The commit certificate stored for a block. */
  getCommit(height: number): Commit | undefined {
    const bytes = this.storage.kv.subDb(COMMITS_DB).get(heightKey(height));
    return bytes === undefined ? undefined : commitCodec.decodeStored(bytes);
  }

  /** The validators that signed (or must sign) the block at `height`, once it is committed. */
  validatorsAt(height: number): Validator[] | undefined {
    const bytes = this.storage.kv.subDb(META_DB).get(validatorsKey(height));
    return bytes === undefined ? undefined : validatorSetCodec.decodeStored(bytes);
  }

  /** A block's results; the latest few are kept decoded, since status lookups cluster on recent blocks. */
  getResults(height: number): BlockResults | undefined {
    const cached = this.#resultsCache.get(height);
    if (cached !== undefined) return cached;
    const bytes = this.storage.blocks.getResults(height);
    if (bytes === undefined) return undefined;
    const results = blockResultsCodec.decodeStored(bytes);
    if (this.#resultsCache.size >= RESULTS_CACHE_BLOCKS) {
      const oldest = this.#resultsCache.keys().next().value;
      if (oldest !== undefined) this.#resultsCache.delete(oldest);
    }
    this.#resultsCache.set(height, results);
    return results;
  }

  locateTx(txId: Uint8Array): { height: number; index: number } | undefined {
    return this.storage.blocks.locateTransaction(txId);
  }

  /** A proof of a state key's value (or absence) at a height (default: latest). */
  prove(key: Uint8Array, height?: number): StateProofAtVersion {
    return this.storage.state.prove(key, height);
  }

  /** A module query on the latest state; `authorize` refuses callers the query's access excludes. */
  query(
    module: string,
    name: string,
    params: unknown,
    authorize?: QueryAuthorizer,
  ): { height: number; result: unknown } {
    const height = this.height;
    const at = { height, time: this.latestTime };
    return { height, result: this.#sm.query(module, name, params, this.reader(), at, authorize) };
  }

  /** Who may read a state key through the API: the state machine decides per store. */
  stateAccess(key: string): ReadAccess {
    return this.#sm.stateAccess(key);
  }

  /** The next nonce `submitter` may use in the latest committed state. */
  nextNonce(submitter: Address): number {
    return this.#sm.nextNonce(this.reader(), submitter);
  }

  /** True when the state of `height` was committed on this node (it may since be pruned: `isStatePruned`). */
  hasStateAt(height: number): boolean {
    return height <= this.height && this.storage.state.rootAt(height) !== undefined;
  }

  /**
   * The lowest height whose state this node keeps when it prunes (heights below it are kept only when
   * they are snapshots), or undefined when nothing was pruned.
   */
  statePrunedBelow(): number | undefined {
    return this.storage.state.prunedBelow();
  }

  /** True when the state of `height` was committed but this node pruned it (it keeps recent heights and snapshots). */
  isStatePruned(height: number): boolean {
    return this.storage.state.isPruned(height);
  }

  /** True when `address` is an active member identity in the latest committed state. */
  isActiveMember(address: Address): boolean {
    return this.#sm.isActiveMember(this.reader(), address, this.latestTime);
  }

  close(): Promise<void> {
    return this.storage.close();
  }
}
