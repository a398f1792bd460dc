/**
 * What a settlement transfer costs one node as the ledger grows (issue 14's growth target is per
 * transaction, not per tree key). A one-validator chain is created whose genesis state also holds N
 * synthetic keys (`Chain.openPrefilled` with storage's `prefillState`: the sorted import, minutes for ten
 * million), optionally above M blocks of synthetic history (`historyBlocks`, written directly: issue 14's
 * "1 million blocks of history"), its tree's upper levels are read into memory as a node does at start,
 * and then the same blocks of signed transfers are run through the node's own code in this process:
 * decode and signature check (admission: once per transaction per node), the proposal's execution, and
 * the commit (state, tree, block, results, transaction index, commit certificate) with a real signed
 * precommit. The CPU of this process over those steps, per transfer, is compared with the smallest
 * ledger's. Signing the transfers happens before the clock starts (it is the clients' work, not the
 * node's).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519Sha256, sha256, signTx, type TxBody } from '@hanglian/core';
import { createApplication, initNetwork, networkPaths, readKeyFile, SignatureCache } from '@hanglian/node';
import {
  type GrowthLedgerFigures,
  type GrowthRunOptions,
  growthBlockRunner,
  historyFor,
  openGrowthLedger,
  type PhaseMicros,
  runGrowthBlocks,
  scalePhases,
  totalMicros,
} from './growthBlock.js';

export interface TransferGrowthOptions extends GrowthRunOptions {
  readonly transfersPerBlock?: number;
}

export interface TransferGrowthFigures extends GrowthLedgerFigures {
  readonly transfers: number;
  /** CPU of this process per transfer over decode, signature check, execution and commit (µs). */
  readonly cpuMicrosPerTransfer: number;
  /** The same by phase: admission (decode, signatures), proposal (execution, state root), commit (LMDB). */
  readonly phaseMicrosPerTransfer: PhaseMicros;
  /** Tree node records read from LMDB per transfer (not from the caches or the pinned levels). */
  readonly treeReadsPerTransfer: number;
  /** How much the ledger directory grew per measured transfer. */
  readonly diskBytesPerTransfer: number;
}

const SENDERS = 64;
const CHAIN_ID = 'hanglian-growth';

export async function runTransferGrowth(options: TransferGrowthOptions): Promise<TransferGrowthFigures[]> {
  const warmupBlocks = options.warmupBlocks ?? 5;
  const blocks = options.blocks ?? 30;
  const perBlock = options.transfersPerBlock ?? 300;
  const progress = options.onProgress ?? (() => {});
  const figures: TransferGrowthFigures[] = [];
  const historyOf = historyFor(options.sizes, options.historyBlocks ?? 0);
  for (const [index, keys] of options.sizes.entries()) {
    const dir = mkdtempSync(join(tmpdir(), 'hanglian-transfer-growth-'));
    try {
      const net = initNetwork({
        dir,
        chainId: CHAIN_ID,
        validators: 1,
        genesisTime: 1_700_000_000_000,
        scryptN: 1024,
        extraAccounts: SENDERS,
        passphrase: 'growth-bench',
      });
      const org = net.manifest.organisations[0]!.id;
      const senders = Array.from({ length: SENDERS }, (_, i) =>
        readKeyFile(networkPaths.orgKey(dir, org, `account-${i}`), net.passphrase),
      );
      const validator = readKeyFile(networkPaths.key(dir, 'node0'), net.passphrase);
      const signatures = new SignatureCache(ed25519Sha256);
      const application = createApplication({
        chainId: CHAIN_ID,
        suite: ed25519Sha256,
        verifySignatures: (tx) => signatures.verify(tx),
      });
      const dataDir = networkPaths.nodeData(dir, 'node0');
      const historyBlocks = historyOf(index);
      progress(
        `transfers on ${keys.toLocaleString('en')} keys${historyBlocks > 0 ? ` and ${historyBlocks.toLocaleString('en')} blocks of history` : ''}: pre-filling…`,
      );
      const { chain, fillSeconds, history, ledgerBytes } = openGrowthLedger({
        dataDir,
        genesis: net.genesis,
        application,
        keys,
        historyBlocks,
        ...(options.historyTransactionsPerBlock === undefined
          ? {}
          : { historyTransactionsPerBlock: options.historyTransactionsPerBlock }),
        validator,
        progress,
      });
      try {
        // Every transfer of every block, signed before the clock starts: sender i sends to a fresh address.
        const nonces = senders.map(() => 0);
        let recipient = 0;
        const blockTxs: Uint8Array[][] = [];
        for (let b = 0; b < warmupBlocks + blocks; b++) {
          const txs: Uint8Array[] = [];
          for (let t = 0; t < perBlock; t++) {
            const i = t % SENDERS;
            const body: TxBody = {
              v: 1,
              chainId: CHAIN_ID,
              module: 'settlement',
              command: 'transfer',
              params: {
                to: `hl${Buffer.from(
                  sha256(Uint8Array.of(recipient >> 16, recipient >> 8, recipient++ & 0xff)),
                )
                  .toString('hex')
                  .slice(0, 40)}`,
                amount: 1,
              },
              submitter: senders[i]!.publicKey,
              nonce: nonces[i]!++,
              expiresAt: chain.height + 5_000,
              actors: [],
            };
            txs.push(signTx(body, senders[i]!));
          }
          blockTxs.push(txs);
        }
        progress(
          `  filled in ${fillSeconds.toFixed(1)} s; ${warmupBlocks} + ${blocks} blocks of ${perBlock} transfers…`,
        );
        const blockRunner = growthBlockRunner({ chain, chainId: CHAIN_ID, validator, signatures });
        const { phases, reads, diskGrowth } = runGrowthBlocks(blockRunner, blockTxs, {
          from: warmupBlocks,
          to: warmupBlocks + blocks,
          dataDir,
          what: (b) => `block ${b + 1}`,
          measuring: (measuring) => options.onMeasuring?.(keys, measuring),
        });
        const transfers = blocks * perBlock;
        figures.push({
          keys,
          fillSeconds,
          history,
          ledgerBytes,
          transfers,
          cpuMicrosPerTransfer: totalMicros(phases) / transfers,
          phaseMicrosPerTransfer: scalePhases(phases, transfers),
          treeReadsPerTransfer: reads / transfers,
          diskBytesPerBlock: diskGrowth / blocks,
          diskBytesPerTransfer: diskGrowth / transfers,
        });
      } finally {
        await chain.close();
        await application.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return figures;
}
