/**
 * What a settlement transfer costs one node as the ledger grows (issue 14's growth target is per
 * transaction, not per tree key). A one-validator chain is created whose genesis state also holds N
 * synthetic keys (`Chain.openPrefilled` with storage's `prefillState`: the sorted import, minutes for ten
 * million), its tree's upper levels are read into memory as a node does at start, and then the same blocks
 * of signed transfers are run through the node's own code in this process: decode and signature check
 * (admission: once per transaction per node), the proposal's execution, and the commit (state, tree, block,
 * results, transaction index, commit certificate) with a real signed precommit. The CPU of this process
 * over those steps, per transfer, is compared with the smallest ledger's. Signing the transfers happens
 * before the clock starts (it is the clients' work, not the node's).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519Sha256, sha256, signTx, type TxBody } from '@hanglian/core';
import {
  Chain,
  createApplication,
  initNetwork,
  networkPaths,
  readKeyFile,
  SignatureCache,
} from '@hanglian/node';
import { directoryBytes, prefillState } from '@hanglian/storage';
import { addPhases, growthBlockRunner, NO_PHASES, type PhaseMicros, scalePhases } from './growthBlock.js';

export interface TransferGrowthOptions {
  /** Synthetic keys pre-filled beside the genesis state, one ledger per size. */
  readonly sizes: readonly number[];
  /** Blocks run before measuring (caches and the JIT settle), then blocks measured. */
  readonly warmupBlocks?: number;
  readonly blocks?: number;
  readonly transfersPerBlock?: number;
  readonly onProgress?: (line: string) => void;
  /** Called as the measured blocks of a ledger start (true) and end (false): where a profiler starts and stops. */
  readonly onMeasuring?: (keys: number, measuring: boolean) => void;
}

export interface TransferGrowthFigures {
  readonly keys: number;
  readonly fillSeconds: number;
  readonly transfers: number;
  /** CPU of this process per transfer over decode, signature check, execution and commit (µs). */
  readonly cpuMicrosPerTransfer: number;
  /** The same by phase: admission (decode, signatures), proposal (execution, state root), commit (LMDB). */
  readonly phaseMicrosPerTransfer: PhaseMicros;
  /** Tree node records read from LMDB per transfer (not from the caches or the pinned levels). */
  readonly treeReadsPerTransfer: number;
  /** How much the ledger directory grew per measured block, and per transfer. */
  readonly diskBytesPerBlock: number;
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
  for (const keys of options.sizes) {
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
      progress(`transfers on ${keys.toLocaleString('en')} keys: pre-filling…`);
      const fillStarted = performance.now();
      const chain = Chain.openPrefilled(
        {
          dataDir,
          genesis: net.genesis,
          stateMachine: application.stateMachine,
          suite: ed25519Sha256,
          validators: application.validators,
        },
        (state, genesis) => prefillState(state, keys, new Uint8Array(100).fill(0xab), progress, genesis),
      );
      const fillSeconds = (performance.now() - fillStarted) / 1000;
      try {
        const warm = chain.storage.state.warmTree();
        while (warm.next().done !== true);
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
              expiresAt: 5_000,
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
        let phases = NO_PHASES;
        let reads = 0;
        let diskBefore = 0;
        for (let b = 0; b < blockTxs.length; b++) {
          if (b === warmupBlocks) {
            diskBefore = directoryBytes(dataDir);
            options.onMeasuring?.(keys, true);
          }
          const used = blockRunner.run(blockTxs[b]!, `block ${b + 1}`);
          if (b >= warmupBlocks) {
            phases = addPhases(phases, used.phases);
            reads += used.reads;
          }
        }
        options.onMeasuring?.(keys, false);
        const transfers = blocks * perBlock;
        const diskGrowth = directoryBytes(dataDir) - diskBefore;
        figures.push({
          keys,
          fillSeconds,
          transfers,
          cpuMicrosPerTransfer: (phases.admission + phases.proposal + phases.commit) / transfers,
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
