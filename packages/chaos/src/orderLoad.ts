/**
 * Whole order lifecycles as a load (issue 12): once the network is up, a commerce world is set up with
 * ordinary signed transactions (the book story's product, codes, channel, stock and listing, PayBank A's
 * payment and Swift Logistics' express implementations registered, as `hanglian devnet --demo` does), then
 * each client runs sales one after another through whichever node is live: create (the platform gateway,
 * a one-time order key co-signing), confirmPayment, ship, deliver, confirm.
 *
 * A step is signed ONCE. When its fate is unknown (a timeout, the node killed under it, a refusal that
 * may follow an earlier copy), the client first resolves it on a live node, by the transaction's status
 * and else by the order's state, and only then sends the SAME bytes again, to another node: a step can
 * commit at most once whatever happens (one nonce, one id), and it is never signed a second time. Each
 * client has its own member identities (certified at set-up by each organisation's admin), so no two
 * clients share a nonce and a client's next nonce is known without asking a node that may lag.
 */
import {
  BOOK_COPIES,
  BOOK_ORDER_REQUEST,
  type BookStep,
  LIFECYCLE_STEPS,
  type LifecycleStep,
  orderIdOf,
  registerBookImplementations,
  type SaleOrg,
  saleStep,
  setUpBookCommerce,
  stockBookstore,
  submitStep,
} from '@hanglian/cli';
import {
  addressFromPublicKey,
  bytesToHex,
  decodeTx,
  ed25519Sha256,
  hexToBytes,
  type SigningKey,
  signTx,
} from '@hanglian/core';
import {
  buildTxBody,
  createClient,
  generateWallet,
  getAccount,
  getStatus,
  identity,
  memberSigner,
  previewOrder,
  query,
  type SealRecipient,
  settlement,
  type TxCall,
} from '@hanglian/sdk';
import { CHAOS_CHAIN_ID, type ChaosCluster, httpJson, sleep } from './cluster.js';
import { InvariantViolation } from './invariants.js';

export interface CompletedLifecycle {
  readonly order: string;
  /**
   * Height of the confirm step: the commit the API acknowledged, or (its fate resolved by reading the
   * order) the height of that answer, which is at or above it. Every node at this height or above must
   * show the order completed.
   */
  readonly height: number;
}

export interface FailedStep {
  readonly order: string;
  readonly step: LifecycleStep;
  readonly code: string;
  readonly message: string;
}

/** What the resolution of a step found: committed (with its result), or applied by the order's state. */
export interface StepOutcome {
  readonly height: number;
  readonly code: string;
  readonly message: string;
}

/** A step resolved to neither: `pending` somewhere (wait), or not known here (send it again). */
type Unresolved = 'pending' | 'unknown';

/** Blocks ahead a step stays valid (the chain refuses more than 10,000). */
const EXPIRY_BLOCKS = 5_000;
/** Copies shipped to the bookstore at a time (the shipment size the commerce benchmark uses). */
const STOCK_CHUNK = 2_000;
/** Copies the book story's set-up leaves at the bookstore (codes 1–200). */
const STORY_STOCK = 200;
/** Restock when fewer copies than this are left unsold at the bookstore. */
const RESTOCK_BELOW = 100;
/** The organisations of a sale, each of which certifies one identity per client. */
const SALE_ORGS: readonly SaleOrg[] = ['platform-a', 'paybank-a', 'bookstore', 'carrier-a'];
/** What each client's PayBank A identity is funded with: ~2,800 sales of the book (≈ 7,000 each). */
const PAYMENT_FLOAT = 20_000_000;
/** The implementations a sale calls (the listing has no inventory implementation: built-in FIFO). */
const SALE_IMPLEMENTATIONS = [BOOK_ORDER_REQUEST.payment, BOOK_ORDER_REQUEST.logistics];
/** Statuses a sale of this load passes through, in order; any other is reached only by a deadline. */
const SALE_PROGRESS: readonly string[] = ['created', 'paid', 'shipped', 'delivered', 'completed'];
/** How far along a sale a status is (-1: off the sale's path, e.g. cancelled by a deadline). */
const progress = (status: string) => SALE_PROGRESS.indexOf(status);

/**
 * Whether a node's state shows the sale `order` at `status` or further along (the step that leads there
 * was applied): the height of that answer, or undefined.
 */
export function orderReached(order: string, status: string): (node: ApiNode) => Promise<number | undefined> {
  return async (node) => {
    const answer = await httpJson(`${node.url}/v1/query/orders/order`, {
      json: { params: { id: order } },
      timeoutMs: 5_000,
    });
    const found = answer.status === 200 ? (answer.body.result as { status: string } | null) : null;
    return found !== null && progress(found.status) >= progress(status)
      ? (answer.body.height as number)
      : undefined;
  };
}

/**
 * A set-up read tried again while the node does not answer in time (SDK_TIMEOUT) or at all (SDK_NETWORK):
 * on a starved machine a read-only contract call (the order preview) can take longer than the client's
 * 30 s, and the set-up has nothing to lose by asking again (seed 1505, at load 31). Five tries.
 */
async function retryStarved<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= 5 || (code !== 'SDK_TIMEOUT' && code !== 'SDK_NETWORK')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2_000 * attempt));
    }
  }
}

export class OrderLoad {
  readonly completed: CompletedLifecycle[] = [];
  /** Orders whose step was sent but its fate not learnt when the load stopped: the step, by order id. */
  readonly inDoubt = new Map<string, LifecycleStep>();
  /** Steps the chain committed with a failure (the order checks report them as a violation). */
  readonly failed: FailedStep[] = [];
  /** Every order the load signed a create for. */
  readonly orders = new Set<string>();
  #stopping = false;
  #running: Promise<void>[] = [];
  #world:
    | {
        readonly carrier: SealRecipient;
        readonly maxTotal: number;
        /** Per client, its identity of each organisation of a sale. */
        readonly identities: ReadonlyArray<Readonly<Record<SaleOrg, SigningKey>>>;
      }
    | undefined;
  /** Next nonce of every identity the load signs with after set-up, by address. */
  readonly #nonces = new Map<string, number>();
  readonly #sender = new StepSubmitter(
    () => this.cluster.live,
    () => this.#stopping,
  );
  /** Order keys come from one wallet, one index per sale, across clients. */
  readonly #wallet = generateWallet();
  #started = 0;
  /** Codes 1..#stocked are at the bookstore. */
  #stocked = STORY_STOCK;
  #restocking: Promise<void> | undefined;

  constructor(
    readonly cluster: ChaosCluster,
    readonly clients: number,
  ) {}

  /** Retries: refused, timed-out or unresolved submissions, and resolutions that found a step pending. */
  get errors(): number {
    return this.#sender.errors;
  }

  get lastError(): string {
    return this.#sender.lastError;
  }

  get ready(): boolean {
    return this.#world !== undefined;
  }

  /**
   * The commerce world, set up through one live node while no fault runs (a failure here is the runner's).
   * Independent sequences (each key's transactions in order) run side by side.
   */
  async setUp(log: (line: string) => void = () => {}): Promise<void> {
    if (this.#world !== undefined) return;
    const node = this.cluster.live[0];
    if (node === undefined)
      throw new InvariantViolation('runner', 'no live node to set up the order load through');
    const client = createClient({ url: node.url });
    const run: BookStep = (name, org, call, label = 'ops', actors = []) =>
      submitStep(client, name, memberSigner(this.cluster.key(`${org}/${label}`)), call, actors);
    const identities = Array.from(
      { length: this.clients },
      () =>
        Object.fromEntries(SALE_ORGS.map((org) => [org, ed25519Sha256.generateSigningKey()])) as Record<
          SaleOrg,
          SigningKey
        >,
    );
    const certify = async (org: SaleOrg) => {
      for (const [i, keys] of identities.entries())
        await run(
          `${org} certifies order client ${i}'s identity`,
          org,
          identity.certifyIdentity({
            publicKey: keys[org].publicKey,
            kind: 'service',
            permissions: ['transact'],
          }),
          'admin',
        );
    };
    const stocked = Math.min(BOOK_COPIES, STORY_STOCK + STOCK_CHUNK);
    await Promise.all([
      (async () => {
        await setUpBookCommerce(run);
        await stockBookstore(
          (org, call) => run(`${org} stocks`, org, call),
          STORY_STOCK + 1,
          stocked,
          'chaos',
        );
      })(),
      // An organisation's admin key deploys and registers its implementation, then certifies: in order.
      (async () => {
        await registerBookImplementations(run, [BOOK_ORDER_REQUEST.payment]);
        await certify('paybank-a');
      })(),
      (async () => {
        await registerBookImplementations(run, [BOOK_ORDER_REQUEST.logistics]);
        await certify('carrier-a');
      })(),
      certify('platform-a'),
      certify('bookstore'),
      (async () => {
        // confirmPayment pays the escrow from the submitter: each client's PayBank A identity holds a float.
        for (const [i, keys] of identities.entries())
          await run(
            `paybank-a funds order client ${i}'s payment identity`,
            'paybank-a',
            settlement.transfer({
              to: addressFromPublicKey(keys['paybank-a'].publicKey),
              amount: PAYMENT_FLOAT,
            }),
          );
      })(),
    ]);
    this.#stocked = stocked;
    const { result: carrier } = await retryStarved(() =>
      query<{ publicKey: string } | null>(client, {
        module: 'identity',
        name: 'encryptionKey',
        params: { org: 'carrier-a' },
      }),
    );
    if (carrier === null) throw new InvariantViolation('runner', 'carrier-a has no encryption key');
    // Every sale is the same book by the same carrier: the total each order key signs, quoted once.
    const { total: maxTotal } = await retryStarved(() => previewOrder(client, BOOK_ORDER_REQUEST));
    // Every set-up step committed through this node: its nonces are current.
    const signers = [
      ...identities.flatMap((keys) => Object.values(keys)),
      this.cluster.key('bookpress/ops'),
      this.cluster.key('bookstore/ops'),
    ];
    await Promise.all(
      signers.map(async (key) => {
        const address = addressFromPublicKey(key.publicKey);
        this.#nonces.set(address, (await getAccount(client, { address })).nextNonce);
      }),
    );
    this.#sender.height = (await getStatus(client)).height;
    this.#world = {
      carrier: { org: 'carrier-a', publicKey: hexToBytes(carrier.publicKey) },
      maxTotal,
      identities,
    };
    log(
      `order load set up: the book listed, copies 1-${stocked} at the bookstore, ${SALE_IMPLEMENTATIONS.join(' and ')} registered, ${this.clients} client(s) with their own identities; each sale totals ${maxTotal}`,
    );
  }

  /**
   * Once: a load stopped with a step in doubt cannot reuse that step's nonce (it may still commit), so it
   * is not started again.
   */
  start(): void {
    if (this.#world === undefined) throw new InvariantViolation('runner', 'the order load is not set up');
    if (this.#running.length > 0) return;
    this.#stopping = false;
    this.#running = Array.from({ length: this.clients }, (_, i) => this.#client(i));
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#running);
    await this.#restocking;
    this.#running = [];
  }

  async #client(index: number): Promise<void> {
    const world = this.#world!;
    const keys = world.identities[index]!;
    while (!this.#stopping) {
      if (!(await this.#inStock())) return;
      const key = this.#wallet.orderKey(this.#started++);
      let order = '';
      for (const name of LIFECYCLE_STEPS) {
        const step = saleStep(name, order, key, world.carrier, world.maxTotal);
        const signer = keys[step.org];
        const tx = this.#sign(signer, step.call, step.actors.length > 0 ? [key.signingKey] : []);
        const txId = bytesToHex(decodeTx(tx).id);
        if (name === 'create') {
          order = orderIdOf(txId);
          this.orders.add(order);
        }
        const outcome = await this.#sender.submitOnce(
          tx,
          txId,
          `${name} of ${order}`,
          orderReached(order, step.statusAfter),
        );
        if (outcome === 'stopped') return;
        if (outcome === 'stopped-in-doubt') {
          this.inDoubt.set(order, name);
          return;
        }
        if (outcome.code !== 'OK') {
          this.failed.push({ order, step: name, code: outcome.code, message: outcome.message });
          break;
        }
        if (name === 'confirm') this.completed.push({ order, height: outcome.height });
      }
    }
  }

  /** Signs a call with the identity's next nonce, which it consumes (the caller resolves the step). */
  #sign(signer: SigningKey, call: TxCall, actors: readonly SigningKey[]): Uint8Array {
    const address = addressFromPublicKey(signer.publicKey);
    const nonce = this.#nonces.get(address)!;
    this.#nonces.set(address, nonce + 1);
    const body = buildTxBody(call, {
      chainId: CHAOS_CHAIN_ID,
      submitter: signer.publicKey,
      nonce,
      expiresAt: this.#sender.height + EXPIRY_BLOCKS,
      actors: actors.map((a) => a.publicKey),
    });
    return signTx(body, signer, actors);
  }

  /**
   * True when a copy is at the bookstore for the next sale. A restock (the publisher ships the next 2,000
   * codes, the bookstore receives them) starts in the background when fewer than RESTOCK_BELOW are left;
   * a client waits for it only when none is. False once all the codes are sold, or when stopping.
   */
  async #inStock(): Promise<boolean> {
    if (this.#stocked - this.#started < RESTOCK_BELOW && this.#stocked < BOOK_COPIES)
      this.#restocking ??= this.#restock().finally(() => {
        this.#restocking = undefined;
      });
    while (this.#started >= this.#stocked) {
      if (this.#restocking === undefined || this.#stopping) {
        if (!this.#stopping) this.#sender.lastError = `all ${BOOK_COPIES} copies sold: no more sales`;
        return false;
      }
      await this.#restocking;
    }
    return !this.#stopping;
  }

  async #restock(): Promise<void> {
    const first = this.#stocked + 1;
    const last = Math.min(BOOK_COPIES, this.#stocked + STOCK_CHUNK);
    let done = true;
    await stockBookstore(
      async (org, call) => {
        if (!done) return;
        const tx = this.#sign(this.cluster.key(`${org}/ops`), call, []);
        const txId = bytesToHex(decodeTx(tx).id);
        // A shipment is resolved by its transaction's status alone.
        const outcome = await this.#sender.submitOnce(
          tx,
          txId,
          `restock ${first}-${last}`,
          async () => undefined,
        );
        if (typeof outcome === 'string' || outcome.code !== 'OK') {
          done = false;
          if (typeof outcome !== 'string')
            this.#sender.lastError = `restock ${first}-${last}: ${outcome.code} ${outcome.message}`;
        }
      },
      first,
      last,
      'chaos',
    );
    if (done) this.#stocked = last;
  }
}

/** A node steps are sent to: its name (for messages) and API URL. */
export interface ApiNode {
  readonly name: string;
  readonly url: string;
}

/**
 * Sends signed steps through whichever node is live, each until it is resolved, never sending one again
 * before its fate was looked up (the order load's clients share one; apart for its tests).
 */
export class StepSubmitter {
  /** Retries: refused, timed-out or unresolved submissions, and resolutions that found a step pending. */
  errors = 0;
  lastError = '';
  /** Highest height seen in an answer: expiries are set from it, not from a node that may lag. */
  height = 0;
  #slot = 0;

  constructor(
    /** The nodes to send to now (the live ones), taken in turn. */
    readonly nodes: () => readonly ApiNode[],
    readonly stopping: () => boolean,
  ) {}

  /**
   * Sends one signed step until it is resolved: committed (with its result), or found applied by
   * `applied` (the height of an answer that shows it). Before every resend, the step is resolved on the
   * node at hand; it is resent (the same bytes) only when that node neither holds it pending nor shows it
   * committed or applied. 'stopped-in-doubt': the load stopped after the step was sent at least once.
   */
  async submitOnce(
    tx: Uint8Array,
    txId: string,
    what: string,
    applied: (node: ApiNode) => Promise<number | undefined>,
  ): Promise<StepOutcome | 'stopped' | 'stopped-in-doubt'> {
    let sent = false;
    while (!this.stopping()) {
      const nodes = this.nodes();
      if (nodes.length === 0) {
        await sleep(200);
        continue;
      }
      const node = nodes[this.#slot++ % nodes.length]!;
      try {
        if (sent) {
          const known = await this.#resolve(node, txId, applied);
          if (known === 'pending') {
            this.errors++;
            await sleep(500);
            continue;
          }
          if (known !== 'unknown') return known;
        }
        sent = true;
        const response = await httpJson(`${node.url}/v1/txs?wait=commit&timeoutMs=8000`, {
          json: { tx: bytesToHex(tx) },
          timeoutMs: 10_000,
        });
        if (response.status === 200 && response.body.status === 'committed')
          return this.#committed(response.body);
        // Refused (TX_NONCE_TOO_LOW after an earlier copy committed, MEMPOOL_DUPLICATE while one waits),
        // timed out, or the node could not say: resolved before anything is sent again.
        this.errors++;
        this.lastError = `${what} via ${node.name}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
      } catch (error) {
        this.errors++;
        this.lastError = `${what} via ${node.name}: ${String(error).slice(0, 300)}`;
      }
      await sleep(200);
    }
    return sent ? 'stopped-in-doubt' : 'stopped';
  }

  /** A committed transaction's status (from a submission or a lookup) as the step's outcome. */
  #committed(body: { height: number; result: { code: string; message?: string } }): StepOutcome {
    this.height = Math.max(this.height, body.height);
    return { height: body.height, code: body.result.code, message: body.result.message ?? '' };
  }

  /** What `node` knows of a step: committed there, pending in its mempool, or applied by its state. */
  async #resolve(
    node: ApiNode,
    txId: string,
    applied: (node: ApiNode) => Promise<number | undefined>,
  ): Promise<StepOutcome | Unresolved> {
    const status = await httpJson(`${node.url}/v1/txs/${txId}`, { timeoutMs: 5_000 });
    if (status.status === 200 && status.body.status === 'committed') return this.#committed(status.body);
    if (status.status === 200 && status.body.status === 'pending') return 'pending';
    // Not in its index (a node that synced from a snapshot holds no older blocks) nor its mempool: the
    // state says whether the step was applied.
    const height = await applied(node);
    return height === undefined ? 'unknown' : { height, code: 'OK', message: '' };
  }
}
