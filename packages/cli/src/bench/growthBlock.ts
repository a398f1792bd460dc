/**
 * One block through a node's own code, as the growth benchmarks run it on a one-validator chain in this
 * process: admission (each transaction decoded and its signatures checked once, as a node admits it), the
 * proposal (execution and the new state root), and the commit with a signed precommit (state values, tree
 * nodes, block, results, transaction index: one LMDB write transaction). The CPU of this process (every
 * thread, the contract worker's included) is taken per phase, so a ledger's extra cost can be told apart:
 * execution and the tree's hashing in the proposal, LMDB's page writes in the commit.
 */
import { type Commit, decodeTx, ed25519Sha256, type SigningKey } from '@hanglian/core';
import { Chain, commitSignedBy, type createApplication, type SignatureCache } from '@hanglian/node';
import type { GenesisDocument } from '@hanglian/state-machine';
import { directoryBytes, prefillState } from '@hanglian/storage';

/** What every growth part (transfers, order lifecycles) takes. */
export interface GrowthRunOptions {
  /** Synthetic keys pre-filled beside the genesis state, one ledger per size. */
  readonly sizes: readonly number[];
  /** Blocks run before measuring (caches and the JIT settle), then blocks measured. */
  readonly warmupBlocks?: number;
  readonly blocks?: number;
  /**
   * Blocks of synthetic history below the state (default 0), for every ledger but the first of several:
   * that one, the smallest, stays an empty ledger, the baseline issue 14 compares with. Alone, a ledger
   * gets the history.
   */
  readonly historyBlocks?: number;
  /** Synthetic transfers per history block (default 20). */
  readonly historyTransactionsPerBlock?: number;
  readonly onProgress?: (line: string) => void;
  /** Called as the measured blocks of a ledger start (true) and end (false): where a profiler starts and stops. */
  readonly onMeasuring?: (keys: number, measuring: boolean) => void;
}

/** What every growth part reports of a ledger besides its own figures. */
export interface GrowthLedgerFigures {
  readonly keys: number;
  /** The whole pre-fill (history, then state), and the history's own figures when it had any. */
  readonly fillSeconds: number;
  readonly history: HistoryFigures | undefined;
  /** The ledger directory's size after the pre-fill, before any block ran. */
  readonly ledgerBytes: number;
  /** How much the ledger directory grew per measured block. */
  readonly diskBytesPerBlock: number;
}

/** A ledger's history pre-fill, measured (`openGrowthLedger`). */
export interface HistoryFigures {
  readonly blocks: number;
  readonly transactions: number;
  /** Writing the history (making and writing blocks 1..N-1; block N lands with the state). */
  readonly seconds: number;
  readonly blocksPerSecond: number;
  /** CPU of the process meanwhile, all its threads (making bodies, writing): less load-dependent. */
  readonly cpuSeconds: number;
  /** The ledger directory's size once the history is written, before the state, and per block. */
  readonly diskBytes: number;
  readonly diskBytesPerBlock: number;
}

export interface GrowthLedger {
  readonly chain: Chain;
  /** The whole pre-fill: history, then the state's keys. */
  readonly fillSeconds: number;
  readonly history: HistoryFigures | undefined;
  /** The ledger directory's size after the pre-fill (state and history), before any block runs. */
  readonly ledgerBytes: number;
}

/**
 * The history each ledger of `sizes` gets: `historyBlocks` for every ledger but the first of several,
 * which stays without history (the smallest: the empty ledger issue 14 compares with, "within 20% of the
 * cost on an empty ledger"); a ledger alone gets it.
 */
export function historyFor(sizes: readonly number[], historyBlocks: number): (index: number) => number {
  if (!Number.isSafeInteger(historyBlocks) || historyBlocks < 0)
    throw new Error('history blocks must be a whole number');
  return (index) => (sizes.length > 1 && index === 0 ? 0 : historyBlocks);
}

/**
 * Creates a growth benchmark's ledger in `dataDir`: the genesis state plus `keys` synthetic keys
 * (storage's `prefillState`: the sorted import), and with `historyBlocks` > 0, that many blocks of
 * synthetic history below them (`Chain.openPrefilled`'s history: blocks, results, commits and the
 * transaction index written directly, the state imported at the last height, whose commit `validator`
 * signs). The chain continues at the next height; its tree's upper levels are read into memory, as a
 * node does at start.
 */
export function openGrowthLedger(args: {
  readonly dataDir: string;
  readonly genesis: GenesisDocument;
  readonly application: ReturnType<typeof createApplication>;
  readonly keys: number;
  readonly historyBlocks: number;
  readonly historyTransactionsPerBlock?: number;
  readonly validator: SigningKey;
  readonly progress: (line: string) => void;
}): GrowthLedger {
  const { dataDir, keys, historyBlocks, progress } = args;
  let history: HistoryFigures | undefined;
  const started = performance.now();
  const chain = Chain.openPrefilled(
    {
      dataDir,
      genesis: args.genesis,
      stateMachine: args.application.stateMachine,
      suite: ed25519Sha256,
      validators: args.application.validators,
    },
    (state, genesis) => {
      if (historyBlocks > 0) progress(`  history written; importing the state at height ${genesis.version}…`);
      prefillState(state, keys, new Uint8Array(100).fill(0xab), progress, genesis);
    },
    historyBlocks > 0
      ? {
          blocks: historyBlocks,
          ...(args.historyTransactionsPerBlock === undefined
            ? {}
            : { transactionsPerBlock: args.historyTransactionsPerBlock }),
          signers: [args.validator],
          onProgress: progress,
          onWritten: (written) => {
            const diskBytes = directoryBytes(dataDir);
            history = {
              blocks: written.blocks,
              transactions: written.transactions,
              seconds: written.seconds,
              cpuSeconds: written.cpuSeconds,
              blocksPerSecond: written.blocks / Math.max(written.seconds, 1e-9),
              diskBytes,
              diskBytesPerBlock: diskBytes / written.blocks,
            };
          },
        }
      : undefined,
  );
  const fillSeconds = (performance.now() - started) / 1000;
  try {
    const warm = chain.storage.state.warmTree();
    while (warm.next().done !== true);
    return { chain, fillSeconds, history, ledgerBytes: directoryBytes(dataDir) };
  } catch (error) {
    void chain.close();
    throw error;
  }
}

/** CPU per phase of a block, in µs. */
export interface PhaseMicros {
  readonly admission: number;
  readonly proposal: number;
  readonly commit: number;
}

export const NO_PHASES: PhaseMicros = { admission: 0, proposal: 0, commit: 0 };

export function addPhases(a: PhaseMicros, b: PhaseMicros): PhaseMicros {
  return {
    admission: a.admission + b.admission,
    proposal: a.proposal + b.proposal,
    commit: a.commit + b.commit,
  };
}

export function scalePhases(a: PhaseMicros, by: number): PhaseMicros {
  return { admission: a.admission / by, proposal: a.proposal / by, commit: a.commit / by };
}

export interface GrowthBlockRunner {
  /**
   * Runs `txs` as the next block; throws unless every one is included with OK (`what` names the block in
   * the error). Returns the block's CPU by phase and the tree records it read from LMDB.
   */
  run(txs: readonly Uint8Array[], what: string): { phases: PhaseMicros; reads: number };
}

/** The whole CPU of some phases. */
export function totalMicros(phases: PhaseMicros): number {
  return phases.admission + phases.proposal + phases.commit;
}

/**
 * Runs every block of `blockTxs` in order and measures blocks `from` … `to - 1`: their CPU by phase, the tree
 * records they read and how much the ledger directory grew over them. `measuring` is told as they start and
 * end (a profiler's start and stop). Blocks after `to` run unmeasured (a pipeline draining).
 */
export function runGrowthBlocks(
  runner: GrowthBlockRunner,
  blockTxs: readonly (readonly Uint8Array[])[],
  args: {
    readonly from: number;
    readonly to: number;
    readonly dataDir: string;
    readonly what: (index: number) => string;
    readonly measuring?: (measuring: boolean) => void;
  },
): { phases: PhaseMicros; reads: number; diskGrowth: number } {
  let phases = NO_PHASES;
  let reads = 0;
  let diskBefore = 0;
  let diskGrowth = 0;
  for (let k = 0; k < blockTxs.length; k++) {
    if (k === args.from) {
      diskBefore = directoryBytes(args.dataDir);
      args.measuring?.(true);
    }
    const used = runner.run(blockTxs[k]!, args.what(k));
    if (k >= args.from && k < args.to) {
      phases = addPhases(phases, used.phases);
      reads += used.reads;
    }
    if (k === args.to - 1) {
      args.measuring?.(false);
      diskGrowth = directoryBytes(args.dataDir) - diskBefore;
    }
  }
  return { phases, reads, diskGrowth };
}

export function growthBlockRunner(args: {
  chain: Chain;
  chainId: string;
  validator: SigningKey;
  signatures: SignatureCache;
}): GrowthBlockRunner {
  const { chain, chainId, validator, signatures } = args;
  // On a ledger with history, the next block carries the latest one's commit, as on any chain.
  let lastCommit: Commit | null = chain.height > 0 ? (chain.getCommit(chain.height) ?? null) : null;
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  };
  return {
    run(txs, what) {
      const readsBefore = chain.storage.state.treeRecordsRead();
      const t0 = cpu();
      const decoded = txs.map((bytes) => {
        const tx = decodeTx(bytes, chainId);
        signatures.verify(tx);
        return tx;
      });
      const t1 = cpu();
      const prepared = chain.prepareProposal({
        time: chain.latestTime + 1_000,
        proposer: validator.publicKey,
        txs: decoded,
        lastCommit,
      });
      const t2 = cpu();
      const commit = commitSignedBy(prepared, [validator], chainId);
      chain.commitBlock(prepared, commit);
      const t3 = cpu();
      const failed = prepared.results.txResults.find((r) => r.code !== 'OK');
      if (prepared.txs.length !== txs.length || failed !== undefined)
        throw new Error(
          `${what}: ${prepared.txs.length} of ${txs.length} included, ${failed === undefined ? prepared.excluded[0]?.error.message : `${failed.code}: ${failed.message}`}`,
        );
      lastCommit = commit;
      return {
        phases: { admission: t1 - t0, proposal: t2 - t1, commit: t3 - t2 },
        reads: chain.storage.state.treeRecordsRead() - readsBefore,
      };
    },
  };
}
