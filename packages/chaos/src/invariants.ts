/**
 * The invariants the campaign checks after every fault, on what the nodes' APIs say:
 *
 * - agreement: every node that holds a block at a height holds the same block (header hash) there;
 * - exactly once: no transaction id appears twice in the chain, and every transaction the API
 *   acknowledged as committed is in the block of the height it was acknowledged at;
 * - money: the supply equals the issuers' outstanding amounts and never changes (the load only
 *   transfers), and each load account's balance equals its opening balance plus what the chain's
 *   transfers moved in and out of it, at the height the balances were read;
 * - progress (checked by the runner): once a fault has healed, every node commits new blocks within
 *   a bound, and no node stays behind for good.
 *
 * The checks are incremental: each height is read once from the reference node, each node's headers
 * once (the last 20 again after it restarted, all again after its ledger was wiped).
 */
import {
  bytesToHex,
  decodeTx,
  formatReaderHeader,
  hexToBytes,
  READ_REQUEST_HEADER,
  readRequestSignBytes,
  type SigningKey,
  utf8,
} from '@hanglian/core';
import { OPENING_BALANCE } from '@hanglian/node';
import { CHAOS_CHAIN_ID, type ChaosCluster, type ChaosNode, httpJson } from './cluster.js';
import type { AckedTx, RingLoad } from './load.js';

/**
 * A read that times out is tried again (a starved machine answers late); a node whose API has not
 * answered in four tries (a minute) while its process runs is a finding, not a runner error.
 */
export async function patient<T>(node: ChaosNode, path: string, read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      if (!timedOut || attempt >= 4) {
        throw new InvariantViolation(
          timedOut ? 'halt' : 'runner',
          `${node.name} did not answer ${path}${timedOut ? ' in 4 tries of 15 s' : `: ${String(error)}`}`,
        );
      }
    }
  }
}

export class InvariantViolation extends Error {
  constructor(
    readonly invariant:
      | 'agreement'
      | 'exactly-once'
      | 'money'
      | 'progress'
      | 'halt'
      | 'double-sign'
      | 'orders'
      | 'escrow'
      | 'evidence'
      | 'runner',
    message: string,
  ) {
    super(`${invariant}: ${message}`);
    this.name = 'InvariantViolation';
  }
}

export interface CheckCounts {
  /** Header hashes compared across nodes (a node's headers once, the last 20 again after it restarts, all again after a wipe). */
  headers: number;
  /** Blocks scanned for duplicates and transfers. */
  blocks: number;
  /** Acknowledged transactions found at their height. */
  acked: number;
  /** Money checks (supply and every load balance at one height). */
  money: number;
  /** Progress checks passed after a fault healed. */
  progress: number;
  /** Distinct signed votes and proposals the wire observer saw, none conflicting (see observer.ts). */
  signedMessages: number;
  /** Completed order lifecycles found completed, their escrow empty, on a live node (per order and node, each check; orderChecks.ts). */
  ordersFinal: number;
  /** Escrow checks: the escrow totals and every open order's escrow at one height (orderChecks.ts). */
  escrow: number;
}

/** Runs `task` over `items`, `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

/** Headers below the last compared height that are compared again after a node restarts. */
const RECHECK_ON_RESTART = 20;

export class InvariantChecker {
  readonly counts: CheckCounts = {
    headers: 0,
    blocks: 0,
    acked: 0,
    money: 0,
    progress: 0,
    signedMessages: 0,
    ordersFinal: 0,
    escrow: 0,
  };
  /** The hash every node agreed on at each height seen so far. */
  readonly #agreed = new Map<number, string>();
  /** Per node, the last height whose header was compared. */
  readonly #checkedTo = new Map<string, number>();
  /** Nodes that came back by state sync: they hold no blocks below their snapshot. */
  readonly #stateSynced = new Set<string>();
  /** Ledger scan of the reference chain. */
  #scannedTo = 0;
  readonly #txHeights = new Map<string, number>();
  /** Per load address, net units moved by the chain's transfers, by height scanned. */
  readonly #flows = new Map<string, number>();
  #ackedSeen = 0;
  #pending: AckedTx[] = [];
  #supply: number | undefined;

  constructor(
    readonly cluster: ChaosCluster,
    readonly load: RingLoad,
    /** A member key that signs members-only reads (balances). */
    readonly reader: SigningKey,
  ) {
    for (const address of load.addresses) this.#flows.set(address, 0);
  }

  /**
   * A node restarted with its ledger: compare again the last RECHECK_ON_RESTART headers it had (what a
   * crash could have torn) and everything after.
   */
  restarted(name: string): void {
    const checked = this.#checkedTo.get(name);
    if (checked !== undefined) this.#checkedTo.set(name, Math.max(0, checked - RECHECK_ON_RESTART));
  }

  /** A node's ledger was wiped: compare all its headers again (a state-synced one may lack a prefix). */
  wiped(name: string, stateSynced: boolean): void {
    this.#checkedTo.delete(name);
    if (stateSynced) this.#stateSynced.add(name);
    else this.#stateSynced.delete(name);
  }

  /** A node with every block from 1, to read the chain from. */
  #reference(): ChaosNode {
    const full = this.cluster.live.filter((n) => !this.#stateSynced.has(n.name));
    if (full.length === 0) throw new InvariantViolation('runner', 'no live node holds the whole chain');
    return full[0]!;
  }

  /** Agreement on every header up to the lowest live height; returns that height. */
  async agreement(): Promise<number> {
    const nodes = this.cluster.live;
    const heights = await this.cluster.heights(nodes);
    const answering = nodes.filter((n) => heights[n.name]! >= 0);
    if (answering.length === 0) return 0;
    const common = Math.min(...answering.map((n) => heights[n.name]!));
    for (const node of answering) {
      const from = (this.#checkedTo.get(node.name) ?? 0) + 1;
      const todo = Array.from({ length: Math.max(0, common - from + 1) }, (_, i) => from + i);
      const missing: number[] = [];
      await pool(todo, 12, async (h) => {
        const response = await patient(node, `/v1/headers/${h}`, () =>
          httpJson(`${node.url}/v1/headers/${h}`, { timeoutMs: 15_000 }),
        );
        if (response.status !== 200) {
          missing.push(h);
          return;
        }
        const hash = response.body.hash as string;
        const agreed = this.#agreed.get(h);
        if (agreed === undefined) this.#agreed.set(h, hash);
        else if (agreed !== hash)
          throw new InvariantViolation(
            'agreement',
            `fork at height ${h}: ${node.name} has block ${hash}, another node ${agreed}`,
          );
        this.counts.headers++;
      });
      if (missing.length > 0) {
        missing.sort((a, b) => a - b);
        // A state-synced node has no blocks below its snapshot: a missing prefix, and nothing else.
        const prefix = missing.every((h, i) => h === from + i);
        if (!this.#stateSynced.has(node.name) || !prefix)
          throw new InvariantViolation(
            'agreement',
            `${node.name} is at height ${heights[node.name]} but has no block at ${missing.slice(0, 5).join(', ')}`,
          );
      }
      this.#checkedTo.set(node.name, common);
    }
    return common;
  }

  /** Reads blocks and results from the reference node up to `to`: duplicates and money flows. */
  async #scan(to: number): Promise<void> {
    if (to <= this.#scannedTo) return;
    const node = this.#reference();
    const heights = Array.from({ length: to - this.#scannedTo }, (_, i) => this.#scannedTo + 1 + i);
    const blocks = new Map<number, { txs: string[]; results: any[] }>();
    await pool(heights, 8, async (h) => {
      const [block, results] = await Promise.all([
        this.#signedGet(node, `/v1/blocks/${h}`),
        this.#signedGet(node, `/v1/blocks/${h}/results`),
      ]);
      if (block.status !== 200 || results.status !== 200)
        throw new InvariantViolation('runner', `${node.name} did not serve block ${h} (${block.status})`);
      if (this.#agreed.has(h) && this.#agreed.get(h) !== block.body.hash)
        throw new InvariantViolation('agreement', `${node.name} serves block ${block.body.hash} at ${h}`);
      blocks.set(h, { txs: block.body.txs as string[], results: results.body.txResults as any[] });
    });
    const load = new Set(this.load.addresses);
    for (const h of heights) {
      const { txs, results } = blocks.get(h)!;
      txs.forEach((hex, index) => {
        const tx = decodeTx(hexToBytes(hex));
        const id = bytesToHex(tx.id);
        const earlier = this.#txHeights.get(id);
        if (earlier !== undefined)
          throw new InvariantViolation(
            'exactly-once',
            `transaction ${id} committed at ${earlier} and again at ${h}`,
          );
        this.#txHeights.set(id, h);
        const ok = results[index]?.code === 'OK';
        if (ok && tx.body.module === 'settlement' && tx.body.command === 'transfer') {
          const params = tx.body.params as { to: string; amount: number };
          if (load.has(tx.submitter))
            this.#flows.set(tx.submitter, this.#flows.get(tx.submitter)! - params.amount);
          if (load.has(params.to)) this.#flows.set(params.to, this.#flows.get(params.to)! + params.amount);
        }
      });
      this.counts.blocks++;
    }
    this.#scannedTo = to;
  }

  /** Every acknowledged transaction is in the chain, at the height it was acknowledged at. */
  async exactlyOnce(common: number): Promise<void> {
    await this.#scan(common);
    const acked = this.load.acked;
    for (; this.#ackedSeen < acked.length; this.#ackedSeen++) this.#pending.push(acked[this.#ackedSeen]!);
    // Acknowledgements arrive out of height order: those above the scan wait for the next check.
    const later: AckedTx[] = [];
    for (const tx of this.#pending) {
      if (tx.height > this.#scannedTo) {
        later.push(tx);
        continue;
      }
      const at = this.#txHeights.get(tx.id);
      if (at !== tx.height)
        throw new InvariantViolation(
          'exactly-once',
          `transaction ${tx.id} acknowledged at height ${tx.height} by ${tx.via} is ${at === undefined ? 'not in the chain' : `at height ${at}`}`,
        );
      this.counts.acked++;
    }
    this.#pending = later;
  }

  #readerHeader(method: string, path: string, body: string): string {
    const time = Date.now();
    const signature = this.reader.sign(
      readRequestSignBytes({ chainId: CHAOS_CHAIN_ID, method, path, time, body: utf8(body) }),
    );
    return formatReaderHeader({ publicKey: this.reader.publicKey, time, signature });
  }

  /** A members-only read (blocks and results carry transactions). */
  #signedGet(node: ChaosNode, path: string): Promise<{ status: number; body: any }> {
    // Signed afresh on each try: a read signature carries its time.
    return patient(node, path, () =>
      httpJson(`${node.url}${path}`, {
        headers: { [READ_REQUEST_HEADER]: this.#readerHeader('GET', path, '') },
        timeoutMs: 15_000,
      }),
    );
  }

  async #query(node: ChaosNode, name: string, params: unknown): Promise<{ height: number; result: any }> {
    const path = `/v1/query/settlement/${name}`;
    const body = JSON.stringify({ params });
    const response = await patient(node, path, () =>
      httpJson(`${node.url}${path}`, {
        method: 'POST',
        json: { params },
        headers: { [READ_REQUEST_HEADER]: this.#readerHeader('POST', path, body) },
        timeoutMs: 15_000,
      }),
    );
    if (response.status !== 200)
      throw new InvariantViolation('runner', `${name} query: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  /** Supply and the load's balances, read at one height on the reference node, against the ledger. */
  async money(): Promise<void> {
    const node = this.#reference();
    for (let attempt = 0; attempt < 8; attempt++) {
      const [supply, ...balances] = await Promise.all([
        this.#query(node, 'supply', {}),
        ...this.load.addresses.map((address) => this.#query(node, 'balance', { address })),
      ]);
      const height = supply!.height;
      if (balances.some((b) => b.height !== height)) continue;
      const outstanding = (supply!.result.issuers as Array<{ outstanding: number }>).reduce(
        (sum, i) => sum + i.outstanding,
        0,
      );
      if (supply!.result.supply !== outstanding)
        throw new InvariantViolation(
          'money',
          `at height ${height} the supply is ${supply!.result.supply} but the issuers have ${outstanding} outstanding`,
        );
      this.#supply ??= supply!.result.supply;
      if (supply!.result.supply !== this.#supply)
        throw new InvariantViolation(
          'money',
          `the supply moved from ${this.#supply} to ${supply!.result.supply} at ${height}`,
        );
      await this.#scan(height);
      if (this.#scannedTo !== height) continue;
      this.load.addresses.forEach((address, i) => {
        const expected = OPENING_BALANCE + this.#flows.get(address)!;
        const amount = balances[i]!.result.amount as number;
        if (amount !== expected)
          throw new InvariantViolation(
            'money',
            `at height ${height} ${address} holds ${amount}; its opening balance and the chain's transfers give ${expected}`,
          );
      });
      this.counts.money++;
      return;
    }
    throw new InvariantViolation('runner', 'could not read the balances at one height in 8 tries');
  }
}
