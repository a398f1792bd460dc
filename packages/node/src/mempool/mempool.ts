/**
 * Pending transactions. Admission runs every check a block would (chain, command, params, expiry,
 * membership, signatures) against the latest committed state, except that a nonce ahead of the next
 * expected one is accepted and waits for its predecessors, if it is at most `nonceWindow` past the first
 * nonce this node is missing (MEMPOOL_NONCE_TOO_FAR beyond: issue 16, a far-ahead nonce was reported
 * pending and then silently dropped at its expiry). The window bounds a gap, not a busy account: an
 * unbroken run of pending nonces is bounded by `perSubmitterLimit` and by back-pressure. A waiting transaction's status says the nonce it waits for, and one dropped
 * (expired, or its nonce used by another) is reported to `onDrop` with the reason. Blocks take transactions in arrival order of
 * submitters, each submitter's in nonce order, so nonces are never reordered.
 */
import { bytesToHex, type DecodedTx, decodeTx, HanglianError, sha256 } from '@hanglian/core';
import { AdmissionMemo, ExecutionErrors, type StateMachine, type StateReader } from '@hanglian/state-machine';
import { NodeErrors } from '../errors.js';

export interface MempoolOptions {
  /** Most transactions held at once. */
  readonly capacity: number;
  /** Most pending transactions of one submitter. */
  readonly perSubmitterLimit: number;
  /**
   * How far past the first nonce this node is missing for the submitter (the end of its unbroken run of
   * pending nonces from the committed next one) a transaction may be admitted to wait. Counted from the
   * committed nonce instead, one account sending faster than 64 per commit latency (a platform's order
   * gateway) was refused, and the nonce it then gave up left a gap that stalled every later one.
   */
  readonly nonceWindow: number;
  /**
   * Back-pressure: a client's transaction is refused with MEMPOOL_BACKLOG (503, retryable) while the
   * mempool holds more than this many seconds of commits — the chain's recent commit rate (transactions
   * of the last blocks over the time they took) times this — and at least `backlogFloor`. Past saturation,
   * a longer queue only lengthens every wait and holds more requests, memory and connections on every
   * node, which costs the CPU that commits need. (A limit in blocks' worth would not bound it: a proposal
   * takes everything pending, so blocks grow with the backlog and the limit with them.) Transactions
   * relayed by peers are still taken (another node already acknowledged them).
   */
  readonly backlogSeconds: number;
  /** The backlog never refuses below this many pending transactions (an idle chain takes a burst). */
  readonly backlogFloor: number;
  /** Milliseconds, for the commit rate only (admission decisions stay out of consensus). */
  readonly clock: () => number;
}

export const defaultMempoolOptions: MempoolOptions = {
  capacity: 50_000,
  perSubmitterLimit: 2_000,
  nonceWindow: 64,
  backlogSeconds: 2,
  backlogFloor: 1_000,
  clock: () => performance.now(),
};

/** A pending transaction dropped without being included, and why (the node reports it as rejected). */
export type DropListener = (tx: DecodedTx, reason: HanglianError) => void;

/** The key of a transaction's whole signed bytes (body and signatures). */
function bytesKey(bytes: Uint8Array): string {
  return Buffer.from(sha256(bytes)).toString('base64');
}

/** How many recent blocks the commit rate of the backlog limit looks at. */
const RECENT_BLOCKS = 8;

/** Where a transaction came from: a client of this node, or a peer relaying one. */
export type TxSource = 'client' | 'peer';

interface SubmitterQueue {
  /** nonce -> transaction */
  readonly byNonce: Map<number, DecodedTx>;
  /** The next nonce the committed state expects of the submitter, as last seen. */
  next: number;
  /** Transactions in the unbroken run of nonces from `next`: those the next blocks can take. */
  ready: number;
}

export interface ReapLimits {
  readonly maxTxs: number;
  readonly maxBytes: number;
}

export class Mempool {
  readonly #options: MempoolOptions;
  readonly #sm: StateMachine;
  readonly #chainId: string;
  readonly #byId = new Map<string, DecodedTx>();
  /**
   * The same transactions by the hash of their whole signed bytes: a block's verification takes the
   * decoded, already authenticated transaction from here instead of decoding its bytes a second time.
   */
  readonly #byBytes = new Map<string, DecodedTx>();
  // Insertion order of submitters is their arrival order: blocks serve them in that order.
  readonly #bySubmitter = new Map<string, SubmitterQueue>();
  #bytes = 0;
  /** The sum of every submitter's `ready`: what back-pressure counts. */
  #ready = 0;
  readonly #onDrop: DropListener | undefined;
  /** When the last `RECENT_BLOCKS` blocks were committed here and their transactions, newest last. */
  readonly #recentBlocks: Array<{ readonly at: number; readonly txs: number }> = [];
  /**
   * Submitters' membership as read from the committed state admission checks against, for admissions to
   * height `#memoHeight`. `update` carries it over a block that wrote no membership record; anything else
   * that moves the height (a block committed without `update`) makes `add` clear it.
   */
  readonly memo = new AdmissionMemo();
  #memoHeight = -1;

  constructor(
    stateMachine: StateMachine,
    chainId: string,
    options: Partial<MempoolOptions> = {},
    onDrop?: DropListener,
  ) {
    this.#sm = stateMachine;
    this.#chainId = chainId;
    this.#options = { ...defaultMempoolOptions, ...options };
    this.#onDrop = onDrop;
  }

  get size(): number {
    return this.#byId.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Pending transactions the next blocks can take: each submitter's unbroken run of nonces from the one
   * the state expects. One waiting for a missing predecessor is not in it (it lengthens nobody's wait).
   */
  get ready(): number {
    return this.#ready;
  }

  has(txIdHex: string): boolean {
    return this.#byId.has(txIdHex);
  }

  /**
   * The pending transaction whose signed bytes are exactly `bytes`, as decoded and checked at admission
   * (signatures included), or undefined. Equal bytes decode to an equal transaction, so a block's
   * verification may use it in place of `decodeTx(bytes, chainId)`: one decode per transaction per node.
   */
  decoded(bytes: Uint8Array): DecodedTx | undefined {
    return this.#byBytes.get(bytesKey(bytes));
  }

  /**
   * Decodes and checks a transaction and keeps it for the next blocks. Throws a HanglianError with the
   * reason when it is refused; nothing is kept then.
   */
  add(
    bytes: Uint8Array,
    state: StateReader,
    next: { height: number; time: number },
    source: TxSource = 'client',
  ): DecodedTx {
    const tx = decodeTx(bytes, this.#chainId);
    const queue = this.#bySubmitter.get(tx.submitter);
    // The submitter's next nonce to commit, and the first one after it that this node has not received.
    const expected = this.#sm.nextNonce(state, tx.submitter);
    const missing = this.nextNonce(tx.submitter, expected);
    // Only transactions the next blocks can take count: a client refused for one nonce sends its next
    // nonces on, which wait for it without delaying anyone, and counting them would refuse ever more.
    // The nonce those wait for is taken even past the backlog. Refused, it held every one of them, and
    // a refusal came at random: the backlog rises and falls with each block, so a client's later nonces
    // were taken between two blocks while the one they waited for was refused again at its resend (in
    // the network bench, hundreds of a sender's transfers waited 30 s behind one nonce refused five
    // times). What it releases is at most the nonce window, admitted under the limit.
    // (`missing`, with pending nonces beyond the run the queue holds from `expected`.)
    const fillsGap = tx.body.nonce === missing && (queue?.byNonce.size ?? 0) > missing - expected;
    if (source === 'client' && this.#ready >= this.backlogLimit && !fillsGap) {
      throw new HanglianError(
        NodeErrors.MEMPOOL_BACKLOG,
        `${this.#ready} transactions are ready for the next blocks, more than ${this.#options.backlogSeconds} s of commits; retry shortly`,
        {
          details: {
            pending: this.#byId.size,
            ready: this.#ready,
            limit: this.backlogLimit,
            committedPerSecond: Math.round(this.committedPerSecond),
            retryAfterMs: 1_000,
          },
        },
      );
    }
    const id = bytesToHex(tx.id);
    if (this.#byId.has(id)) {
      throw new HanglianError(NodeErrors.MEMPOOL_DUPLICATE, 'the transaction is already pending', {
        details: { txId: id },
      });
    }
    if (queue?.byNonce.has(tx.body.nonce)) {
      throw new HanglianError(
        NodeErrors.MEMPOOL_NONCE_TAKEN,
        `nonce ${tx.body.nonce} is taken by another pending transaction`,
      );
    }
    if (this.#byId.size >= this.#options.capacity) {
      throw new HanglianError(NodeErrors.MEMPOOL_FULL, `the mempool holds ${this.#byId.size} transactions`);
    }
    if ((queue?.byNonce.size ?? 0) >= this.#options.perSubmitterLimit) {
      throw new HanglianError(
        NodeErrors.MEMPOOL_SENDER_LIMIT,
        `${tx.submitter} has too many pending transactions`,
      );
    }
    if (next.height !== this.#memoHeight) {
      this.memo.clear();
      this.#memoHeight = next.height;
    }
    this.#sm.checkTx(tx, state, next, this.memo);
    if (tx.body.nonce > missing + this.#options.nonceWindow) {
      throw new HanglianError(
        NodeErrors.MEMPOOL_NONCE_TOO_FAR,
        `nonce ${tx.body.nonce} is more than ${this.#options.nonceWindow} past ${missing}, the first nonce of this submitter the node has not received (the next to commit is ${expected})`,
        {
          details: {
            nonce: tx.body.nonce,
            next: missing,
            committedNext: expected,
            window: this.#options.nonceWindow,
          },
        },
      );
    }
    this.#insert(tx, id);
    this.#refreshReady(this.#bySubmitter.get(tx.submitter)!, expected);
    return tx;
  }

  /**
   * The nonce a pending transaction waits for (a predecessor not yet received), or undefined when it
   * waits for nothing but a block.
   */
  waitingFor(txIdHex: string, state: StateReader): number | undefined {
    const tx = this.#byId.get(txIdHex);
    if (tx === undefined) return undefined;
    const queue = this.#bySubmitter.get(tx.submitter);
    let nonce = this.#sm.nextNonce(state, tx.submitter);
    while (nonce < tx.body.nonce && queue?.byNonce.has(nonce)) nonce++;
    return nonce < tx.body.nonce ? nonce : undefined;
  }

  #insert(tx: DecodedTx, id: string): void {
    let queue = this.#bySubmitter.get(tx.submitter);
    if (queue === undefined) {
      queue = { byNonce: new Map(), next: 0, ready: 0 };
      this.#bySubmitter.set(tx.submitter, queue);
    }
    queue.byNonce.set(tx.body.nonce, tx);
    this.#byId.set(id, tx);
    this.#byBytes.set(bytesKey(tx.bytes), tx);
    this.#bytes += tx.bytes.byteLength;
  }

  #remove(tx: DecodedTx): void {
    const id = bytesToHex(tx.id);
    if (!this.#byId.delete(id)) return;
    this.#byBytes.delete(bytesKey(tx.bytes));
    this.#bytes -= tx.bytes.byteLength;
    const queue = this.#bySubmitter.get(tx.submitter);
    queue?.byNonce.delete(tx.body.nonce);
    if (queue !== undefined && queue.byNonce.size === 0) {
      this.#ready -= queue.ready;
      this.#bySubmitter.delete(tx.submitter);
    }
    // Otherwise the queue's `ready` may now be stale: the caller refreshes it.
  }

  /** Recounts a submitter's run of nonces from `next`, the nonce its committed state expects. */
  #refreshReady(queue: SubmitterQueue, next: number): void {
    let count = 0;
    while (queue.byNonce.has(next + count)) count++;
    this.#ready += count - queue.ready;
    queue.ready = count;
    queue.next = next;
  }

  /** The nonce a new transaction of `submitter` should carry, given the next one the state expects. */
  nextNonce(submitter: string, stateNext: number): number {
    let nonce = stateNext;
    const queue = this.#bySubmitter.get(submitter);
    while (queue?.byNonce.has(nonce)) nonce++;
    return nonce;
  }

  /**
   * Transactions for the next block: for each submitter (in arrival order, round robin), its run of
   * consecutive nonces from the next expected one. A submitter with a gap contributes nothing until the
   * missing nonce arrives.
   */
  reap(state: StateReader, limits: ReapLimits): DecodedTx[] {
    const runs: DecodedTx[][] = [];
    for (const [submitter, queue] of this.#bySubmitter) {
      let nonce = this.#sm.nextNonce(state, submitter);
      const run: DecodedTx[] = [];
      for (let tx = queue.byNonce.get(nonce); tx !== undefined; tx = queue.byNonce.get(++nonce)) run.push(tx);
      if (run.length > 0) runs.push(run);
    }
    const out: DecodedTx[] = [];
    let bytes = 0;
    // Round robin so one busy submitter cannot fill a block while others wait.
    for (let i = 0; out.length < limits.maxTxs; i++) {
      let took = false;
      for (const run of runs) {
        const tx = run[i];
        if (tx === undefined) continue;
        if (bytes + tx.bytes.byteLength > limits.maxBytes) return out;
        out.push(tx);
        bytes += tx.bytes.byteLength;
        took = true;
        if (out.length >= limits.maxTxs) break;
      }
      if (!took) break;
    }
    return out;
  }

  /** Pending transactions above which clients are refused with MEMPOOL_BACKLOG. */
  get backlogLimit(): number {
    return Math.max(
      this.#options.backlogFloor,
      Math.ceil(this.#options.backlogSeconds * this.committedPerSecond),
    );
  }

  /** Transactions committed per second over the last blocks (0 before two blocks were seen). */
  get committedPerSecond(): number {
    const blocks = this.#recentBlocks;
    if (blocks.length < 2) return 0;
    const seconds = (blocks[blocks.length - 1]!.at - blocks[0]!.at) / 1000;
    if (seconds <= 0) return 0;
    let txs = 0;
    // The first block's transactions arrived before the window opened.
    for (let i = 1; i < blocks.length; i++) txs += blocks[i]!.txs;
    return txs / seconds;
  }

  /** After a block: drop what it included, then what can no longer be included (used nonces, expired). */
  update(
    included: readonly DecodedTx[],
    state: StateReader,
    height: number,
    /** The committed block's writes: membership remembered at admission survives a block that wrote none of its records. */
    writes?: { hasChangeUnder(prefix: Uint8Array): boolean },
  ): void {
    const prefixes = this.#sm.membershipKeyPrefixes;
    const membershipKept =
      writes !== undefined &&
      prefixes !== undefined &&
      this.#memoHeight === height &&
      !prefixes.some((prefix) => writes.hasChangeUnder(prefix));
    if (!membershipKept) this.memo.clear();
    this.#memoHeight = height + 1;
    this.#recentBlocks.push({ at: this.#options.clock(), txs: included.length });
    if (this.#recentBlocks.length > RECENT_BLOCKS) this.#recentBlocks.shift();
    for (const tx of included) this.#remove(tx);
    for (const [submitter, queue] of [...this.#bySubmitter]) {
      const next = this.#sm.nextNonce(state, submitter);
      for (const tx of [...queue.byNonce.values()]) {
        if (tx.body.nonce < next) {
          this.#remove(tx);
          this.#onDrop?.(
            tx,
            new HanglianError(
              ExecutionErrors.TX_NONCE_TOO_LOW,
              `nonce ${tx.body.nonce} was used by another transaction`,
            ),
          );
        } else if (tx.body.expiresAt <= height) {
          this.#remove(tx);
          const waited = tx.body.nonce > next ? ` waiting for nonce ${next}` : '';
          this.#onDrop?.(
            tx,
            new HanglianError(ExecutionErrors.TX_EXPIRED, `expired at height ${tx.body.expiresAt}${waited}`),
          );
        }
      }
      if (this.#bySubmitter.get(submitter) === queue) this.#refreshReady(queue, next);
    }
  }

  /** Drops a transaction that a proposal found inadmissible. */
  evict(tx: DecodedTx): void {
    this.#remove(tx);
    const queue = this.#bySubmitter.get(tx.submitter);
    if (queue !== undefined) this.#refreshReady(queue, queue.next);
  }
}
