/**
 * What an order lifecycle costs one node as the ledger grows (issue 14: "the per-transaction cost of a
 * transfer AND of an order lifecycle"), measured as transferGrowth.ts measures a transfer. A one-validator
 * chain of the book story's organisations, with the commerce standards in its genesis, is created whose
 * genesis state also holds N synthetic keys (`Chain.openPrefilled` with storage's `prefillState`),
 * optionally above M blocks of synthetic history (`historyBlocks`), and its tree's upper levels are read
 * into memory as a node does at start. The book's commerce world is then set
 * up in this process, one transaction a block, unmeasured: the book story's product, codes, channel and
 * listing (`setUpBookCommerce`), PayBank A's payment and Swift Logistics' express implementations
 * registered (`registerBookImplementations`, as the chaos campaign's order load does), and the bookstore
 * stocked with a copy for every sale (`stockBookstore`). The buyer's most (`maxTotal`) is the SDK's own
 * `previewOrder`, asked of the chain in this process.
 *
 * The measured blocks are pipelined as on a busy chain: block k holds the `create` of sale batch k and the
 * next step of each of the four batches before it (confirmPayment, ship, deliver, confirm: `saleStep`), so
 * every measured block is the same mix of all five steps, one of each per lifecycle. Four blocks fill the
 * pipeline and four drain it (unmeasured), so every sale completes; warm-up blocks follow the filling ones.
 * Every step of every sale is signed before the clock starts (the order id is its create's transaction id,
 * known once the create is signed). Per block, the CPU of this process (the contract worker thread
 * included) is taken over admission's decode and signature check, the proposal's execution and the commit
 * with a signed precommit, exactly as for transfers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commerceGenesisSection } from '@hanglian/commerce-standards';
import {
  addressFromPublicKey,
  bytesToHex,
  decodeTx,
  ed25519Sha256,
  hexToBytes,
  type SigningKey,
  signTx,
  toJsonValue,
} from '@hanglian/core';
import {
  type Chain,
  createApplication,
  initNetwork,
  networkPaths,
  readKeyFile,
  SignatureCache,
} from '@hanglian/node';
import {
  type BaseClient,
  buildTxBody,
  generateWallet,
  type OrderKey,
  previewOrder,
  query,
  type RequestFunction,
  type TxCall,
} from '@hanglian/sdk';
import { BOOK_ORDER_REQUEST, LIFECYCLE_STEPS, orderIdOf, saleStep } from '../demo/bookOrder.js';
import {
  BOOK_COPIES,
  type BookStep,
  registerBookImplementations,
  setUpBookCommerce,
  stockBookstore,
} from '../demo/bookStory.js';
import { openNetworkMembers } from '../demo/members.js';
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

export interface OrderGrowthOptions extends GrowthRunOptions {
  /** Sales started per block: each full block holds this many of each of the five steps. (The warm-up
   * blocks follow the four that fill the pipeline.) */
  readonly lifecyclesPerBlock?: number;
}

export interface OrderGrowthFigures extends GrowthLedgerFigures {
  /** The commerce world's set-up (unmeasured): world, implementations, stock, signing every step. */
  readonly setupSeconds: number;
  /** Lifecycles' worth of steps in the measured blocks (blocks × lifecyclesPerBlock). */
  readonly lifecycles: number;
  readonly transactions: number;
  /** CPU of this process per lifecycle (five transactions) over decode, signature check, execution, commit (µs). */
  readonly cpuMicrosPerLifecycle: number;
  readonly cpuMicrosPerTransaction: number;
  /** The same by phase: admission (decode, signatures), proposal (execution, state root), commit (LMDB). */
  readonly phaseMicrosPerTransaction: PhaseMicros;
  /** Tree node records read from LMDB per lifecycle (not from the caches or the pinned levels). */
  readonly treeReadsPerLifecycle: number;
  /** How much the ledger directory grew per measured lifecycle. */
  readonly diskBytesPerLifecycle: number;
  /** Sales created over the whole run, and those the chain shows completed once the pipeline drained. */
  readonly ordersCreated: number;
  readonly ordersCompleted: number;
}

const CHAIN_ID = 'hanglian-order-growth';
/** Copies the book story's set-up leaves at the bookstore (codes 1–200). */
const STORY_STOCK = 200;
/** Blocks ahead every transaction stays valid (the chain refuses more than 10,000). */
const EXPIRY_BLOCKS = 5_000;
const STEPS = LIFECYCLE_STEPS.length;

/**
 * An SDK client whose reads are answered by the chain in this process, as the node's API answers them
 * (the module query's result as JSON): what `previewOrder` and `query` need, and nothing else. Its status
 * holds only the chain id, height and latest block time (`previewOrder` reads the time for a session).
 */
function inProcessClient(chain: Chain): BaseClient {
  const request = async (
    endpoint: { readonly id: string },
    args?: { params?: { module: string; name: string }; body?: { params?: unknown } },
  ): Promise<unknown> => {
    if (endpoint.id === 'postQuery' && args?.params !== undefined)
      return toJsonValue(chain.query(args.params.module, args.params.name, args.body?.params ?? {}));
    if (endpoint.id === 'getStatus')
      return { chainId: chain.chainId, height: chain.height, latestBlockTime: chain.latestTime };
    throw new Error(`the in-process client answers queries and the status only, not ${endpoint.id}`);
  };
  return { url: 'in-process', request: request as unknown as RequestFunction };
}

export async function runOrderGrowth(options: OrderGrowthOptions): Promise<OrderGrowthFigures[]> {
  const warmupBlocks = options.warmupBlocks ?? 5;
  const blocks = options.blocks ?? 30;
  const perBlock = options.lifecyclesPerBlock ?? 60;
  const progress = options.onProgress ?? (() => {});
  // Batches of sales started: four fill the pipeline, then the warm-up and measured blocks each start one.
  const batches = STEPS - 1 + warmupBlocks + blocks;
  const sales = batches * perBlock;
  if (sales > BOOK_COPIES)
    throw new Error(
      `${sales} sales need more than the book's ${BOOK_COPIES} copies: fewer blocks or lifecycles per block`,
    );
  const figures: OrderGrowthFigures[] = [];
  const historyOf = historyFor(options.sizes, options.historyBlocks ?? 0);
  for (const [index, keys] of options.sizes.entries()) {
    const dir = mkdtempSync(join(tmpdir(), 'hanglian-order-growth-'));
    try {
      const net = initNetwork({
        dir,
        chainId: CHAIN_ID,
        validators: 1,
        genesisTime: 1_700_000_000_000,
        scryptN: 1024,
        passphrase: 'growth-bench',
        registry: commerceGenesisSection(),
      });
      const members = openNetworkMembers(dir, net.passphrase);
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
        `order lifecycles on ${keys.toLocaleString('en')} keys${historyBlocks > 0 ? ` and ${historyBlocks.toLocaleString('en')} blocks of history` : ''}: pre-filling…`,
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
        const setupStarted = performance.now();
        progress(`  filled in ${fillSeconds.toFixed(1)} s; setting up the book's commerce world…`);

        const blockRunner = growthBlockRunner({ chain, chainId: CHAIN_ID, validator, signatures });

        // Each identity's next nonce, handed out locally as the steps are signed.
        const nonces = new Map<string, number>();
        const expiresAt = chain.height + EXPIRY_BLOCKS;
        const sign = (submitter: SigningKey, call: TxCall, actors: readonly SigningKey[]): Uint8Array => {
          const address = addressFromPublicKey(submitter.publicKey);
          const nonce = nonces.get(address) ?? chain.nextNonce(address);
          nonces.set(address, nonce + 1);
          const body = buildTxBody(call, {
            chainId: CHAIN_ID,
            submitter: submitter.publicKey,
            nonce,
            expiresAt,
            actors: actors.map((a) => a.publicKey),
          });
          return signTx(body, submitter, actors);
        };
        // The book story's steps, each alone in a block that must commit OK.
        const run: BookStep = async (name, org, call, label = 'ops', actors = []) => {
          if (actors.length > 0) throw new Error(`${name}: the set-up here signs with member keys only`);
          const tx = sign(members.key(org, label), call, []);
          blockRunner.run([tx], `set-up step "${name}"`);
          return bytesToHex(decodeTx(tx).id);
        };
        await setUpBookCommerce(run);
        await registerBookImplementations(run, [BOOK_ORDER_REQUEST.payment, BOOK_ORDER_REQUEST.logistics]);
        if (sales > STORY_STOCK)
          await stockBookstore(
            (org, call) => run(`${org} stocks`, org, call),
            STORY_STOCK + 1,
            sales,
            'growth',
          );

        const client = inProcessClient(chain);
        const { result: carrier } = await query<{ publicKey: string } | null>(client, {
          module: 'identity',
          name: 'encryptionKey',
          params: { org: 'carrier-a' },
        });
        if (carrier === null) throw new Error('carrier-a has no encryption key');
        const carrierKey = { org: 'carrier-a', publicKey: hexToBytes(carrier.publicKey) };
        // Every sale is the same book by the same carrier: the total each order key signs, quoted once.
        const { total: maxTotal } = await previewOrder(client, BOOK_ORDER_REQUEST);

        // Every step of every sale, signed before the clock starts, block by block: in block k, the steps
        // of the oldest batch first (its confirm), the create of batch k last.
        const wallet = generateWallet();
        const orderKeys: OrderKey[] = [];
        const orders: string[] = [];
        const blockTxs: Uint8Array[][] = [];
        for (let k = 0; k < batches + STEPS - 1; k++) {
          const txs: Uint8Array[] = [];
          for (let s = STEPS - 1; s >= 0; s--) {
            const batch = k - s;
            if (batch < 0 || batch >= batches) continue;
            for (let i = 0; i < perBlock; i++) {
              const n = batch * perBlock + i;
              orderKeys[n] ??= wallet.orderKey(n);
              const key = orderKeys[n]!;
              const step = saleStep(LIFECYCLE_STEPS[s]!, orders[n] ?? '', key, carrierKey, maxTotal);
              const tx = sign(
                members.key(step.org),
                step.call,
                step.actors.length > 0 ? [key.signingKey] : [],
              );
              if (s === 0) orders[n] = orderIdOf(bytesToHex(decodeTx(tx).id));
              txs.push(tx);
            }
          }
          blockTxs.push(txs);
        }
        const setupSeconds = (performance.now() - setupStarted) / 1000;
        progress(
          `  set up in ${setupSeconds.toFixed(1)} s (each sale totals ${maxTotal}); ${STEPS - 1} + ${warmupBlocks} + ${blocks} + ${STEPS - 1} blocks of up to ${perBlock} lifecycles' steps…`,
        );

        const measuredFrom = STEPS - 1 + warmupBlocks;
        const { phases, reads, diskGrowth } = runGrowthBlocks(blockRunner, blockTxs, {
          from: measuredFrom,
          to: measuredFrom + blocks,
          dataDir,
          what: (k) => `block ${k + 1} of the lifecycles`,
          measuring: (measuring) => options.onMeasuring?.(keys, measuring),
        });
        let completed = 0;
        for (const id of orders) {
          const order = chain.query('orders', 'order', { id }).result as { status: string } | null;
          if (order?.status === 'completed') completed++;
        }
        const lifecycles = blocks * perBlock;
        figures.push({
          keys,
          fillSeconds,
          history,
          ledgerBytes,
          setupSeconds,
          lifecycles,
          transactions: lifecycles * STEPS,
          cpuMicrosPerLifecycle: totalMicros(phases) / lifecycles,
          cpuMicrosPerTransaction: totalMicros(phases) / (lifecycles * STEPS),
          phaseMicrosPerTransaction: scalePhases(phases, lifecycles * STEPS),
          treeReadsPerLifecycle: reads / lifecycles,
          diskBytesPerBlock: diskGrowth / blocks,
          diskBytesPerLifecycle: diskGrowth / lifecycles,
          ordersCreated: orders.length,
          ordersCompleted: completed,
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
