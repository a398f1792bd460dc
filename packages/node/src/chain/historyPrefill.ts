/**
 * BENCHMARKS ONLY: blocks of synthetic history, made fast enough to give a ledger a million blocks in
 * minutes (issue 14: the growth benchmark runs on a ledger "pre-filled to 10 million state keys and 1
 * million blocks of history", by "a generator that writes the state directly, not by transactions").
 *
 * Each block is what a node keeps of a committed block, in the node's own encodings: the block (a header
 * chained to its parent by hash and by the previous block's commit, and `transactionsPerBlock` settlement
 * transfers of ~285 bytes each from 64 synthetic submitters to fresh addresses), its results (one OK result
 * per transfer with its `transferred` event, as a transfer's result looks), its commit certificate, and the
 * ids of its transactions. The transaction and results roots are real (an old transaction's inclusion
 * proof checks against its header); what is synthetic is what nothing re-executes: the transactions'
 * signatures and submitters are random-looking bytes of the right length (they decode, they do not
 * verify), old blocks' state roots are made-up hashes (no state is kept below the imported one, as after
 * state sync), and every commit's signatures are made-up bytes but the last block's, which the validators'
 * keys sign for real, since the next block carries it and verifying that block checks it.
 *
 * Speed: a transaction is not encoded field by field. Its encoding, and its result's, are templates made
 * once per submitter (and length of nonce) by the canonical encoder, in which the fields that change (the
 * recipient, the nonce, the signature, the transaction id) are located by encoding twice with different
 * values and comparing; each transaction is a copy of its template with those bytes rewritten. Blocks and
 * commits go through the canonical encoder; the list roots hash with one reused buffer. A block's body
 * (transactions, ids, results, roots: nearly all the work) depends on its height alone (the generator is
 * seeded from it, a nonce is counted from it), so worker threads make bodies in parallel
 * (`historyFromWorkers`) and one thread chains them into blocks in order. Everything is deterministic,
 * so two runs write the same ledger. Every synthetic transaction expires at the last height.
 */
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import {
  addressFromPublicKey,
  concatBytes,
  encodeCanonical,
  type SigningKey,
  sha256,
  utf8,
  type Validator,
  VOTE_PRECOMMIT,
  validatorSetHash,
  voteSignBytes,
} from '@hanglian/core';

export interface SyntheticHistoryOptions {
  readonly chainId: string;
  /** The parent hash of block 1. */
  readonly genesisHash: Uint8Array;
  /** Block h's time is genesisTime + h × blockMillis. */
  readonly genesisTime: number;
  readonly blockMillis: number;
  readonly transactionsPerBlock: number;
  /** The validators that sign every block (the genesis set), and the next set named in each header. */
  readonly validators: readonly Validator[];
  readonly nextValidators: readonly Validator[];
  /** The last height: every synthetic transaction expires there. */
  readonly lastHeight: number;
}

/** Where a generator's chain stands after some blocks: another one made from it goes on with the same. */
export interface SyntheticCheckpoint {
  readonly height: number;
  readonly parentHash: Uint8Array;
  readonly lastCommit: object | null;
  readonly lastCommitHash: Uint8Array;
}

/**
 * What a block holds apart from its place in the chain: its transactions, their ids, its results
 * (encoded) and both list roots. A pure function of the height (`SyntheticHistory.body`), so workers make
 * them in parallel; the header, which chains each block to its parent, is made in order (`chain`).
 */
export interface SyntheticBody {
  readonly height: number;
  readonly txs: readonly Uint8Array[];
  readonly transactionIds: readonly Uint8Array[];
  readonly results: Uint8Array;
  readonly txRoot: Uint8Array;
  readonly resultsRoot: Uint8Array;
}

/** One block's records, encoded. */
export interface SyntheticBlock {
  readonly height: number;
  readonly hash: Uint8Array;
  readonly block: Uint8Array;
  readonly results: Uint8Array;
  readonly transactionIds: readonly Uint8Array[];
  readonly commit: Uint8Array;
}

const SUBMITTERS = 64;
/** Gas a real settlement transfer of this size used (to a new account, on this schedule). */
const TRANSFER_GAS = 2_344;
const ADDRESS_HEX = 40;
const SIGNATURE_BYTES = 64;
const HASH_BYTES = 32;

/** The positions of the bytes where two encodings of the same length differ, as runs [start, end). */
function differingRuns(a: Uint8Array, b: Uint8Array): Array<[number, number]> {
  if (a.length !== b.length) throw new Error('history templates: the two encodings differ in length');
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const start = i;
    while (i < a.length && a[i] !== b[i]) i++;
    runs.push([start, i]);
  }
  return runs;
}

function runsOf(a: Uint8Array, b: Uint8Array, count: number, length: number, what: string): number[] {
  const runs = differingRuns(a, b);
  if (runs.length !== count || runs.some(([start, end]) => end - start !== length))
    throw new Error(`history templates: ${what} is not ${count} run(s) of ${length} bytes`);
  return runs.map(([start]) => start);
}

/** CBOR's widths of an unsigned integer's value bytes, with the least and the greatest value of each. */
const NONCE_CLASSES = [
  { below: 24, width: 1, low: 0, high: 23 },
  { below: 0x100, width: 1, low: 24, high: 0xff },
  { below: 0x10000, width: 2, low: 0x100, high: 0xffff },
  { below: 0x100000000, width: 4, low: 0x10000, high: 0xffffffff },
] as const;

interface TxTemplate {
  /** The signed transaction's encoding, and where its body, recipient, nonce and signature lie in it. */
  readonly signed: Uint8Array;
  readonly body: readonly [number, number];
  readonly to: number;
  readonly nonce: number;
  readonly nonceWidth: number;
  readonly signature: number;
}

interface ResultTemplate {
  readonly bytes: Uint8Array;
  readonly txId: number;
  readonly to: readonly number[];
}

const HEX = utf8('0123456789abcdef');
const ZERO_TO = `hl${'0'.repeat(ADDRESS_HEX)}`;
const OTHER_TO = `hl${'f'.repeat(ADDRESS_HEX)}`;

export class SyntheticHistory {
  readonly #options: SyntheticHistoryOptions;
  readonly #submitters: Array<{ publicKey: Uint8Array; address: string }>;
  readonly #txTemplates = new Map<string, TxTemplate>();
  readonly #currentTemplates: Array<{ template: TxTemplate; from: number; below: number } | undefined> = [];
  readonly #resultTemplates: ResultTemplate[];
  readonly #resultsArrayHead: Uint8Array;
  readonly #validatorSetHash: Uint8Array;
  readonly #nextValidatorSetHash: Uint8Array;
  /** Scratch for the list roots: 0x00 ‖ item for a leaf, 0x01 ‖ left ‖ right for a node. */
  #scratch = new Uint8Array(1024);
  /** The state of the seeded generator (mulberry32), set from the height at each block. */
  #seed = 0;
  #height = 0;
  #parentHash: Uint8Array;
  /** The previous block's commit, as the next block carries it, and its encoding's hash. */
  #lastCommit: object | null = null;
  #lastCommitHash: Uint8Array = new Uint8Array(HASH_BYTES);

  constructor(options: SyntheticHistoryOptions, from?: SyntheticCheckpoint) {
    this.#options = options;
    this.#parentHash = options.genesisHash;
    this.#submitters = Array.from({ length: SUBMITTERS }, (_, s) => {
      const publicKey = sha256(utf8(`hanglian/history/submitter/${s}`));
      return { publicKey, address: addressFromPublicKey(publicKey) };
    });
    if (from !== undefined) {
      this.#height = from.height;
      this.#parentHash = from.parentHash;
      this.#lastCommit = from.lastCommit;
      this.#lastCommitHash = from.lastCommitHash;
    }
    this.#resultTemplates = this.#submitters.map(({ address }) => {
      const result = (txId: Uint8Array, to: string) =>
        encodeCanonical({
          txId,
          code: 'OK',
          message: '',
          gasUsed: TRANSFER_GAS,
          events: [
            {
              module: 'settlement',
              name: 'transferred',
              topics: [address, to],
              data: { from: address, to, amount: 1 },
            },
          ],
        });
      const bytes = result(new Uint8Array(HASH_BYTES), ZERO_TO);
      return {
        bytes,
        txId: runsOf(
          bytes,
          result(new Uint8Array(HASH_BYTES).fill(0xff), ZERO_TO),
          1,
          HASH_BYTES,
          'txId',
        )[0]!,
        to: runsOf(bytes, result(new Uint8Array(HASH_BYTES), OTHER_TO), 2, ADDRESS_HEX, 'to').map((at) => at),
      };
    });
    const count = options.transactionsPerBlock;
    this.#resultsArrayHead = encodeCanonical(new Array(count).fill(0)).subarray(0, -count || undefined);
    this.#validatorSetHash = validatorSetHash([...options.validators]);
    this.#nextValidatorSetHash = validatorSetHash([...options.nextValidators]);
  }

  get height(): number {
    return this.#height;
  }

  checkpoint(): SyntheticCheckpoint {
    return {
      height: this.#height,
      parentHash: this.#parentHash,
      lastCommit: this.#lastCommit,
      lastCommitHash: this.#lastCommitHash,
    };
  }

  /**
   * The next block. `last` makes it the last one: its header carries `last.stateRoot` (the state imported
   * with it) and its commit is signed by `last.signers`, the validators' keys; otherwise the state root is
   * a made-up hash and the commit's signatures made-up bytes.
   */
  next(last?: { stateRoot: Uint8Array; signers: readonly SigningKey[] }): SyntheticBlock {
    return this.chain(this.body(this.#height + 1), last);
  }

  /**
   * The transactions and results of the block at `height`, the same whatever was made before: the
   * generator is seeded from the height, and transaction g of the history (g = height × count + t) is
   * submitter g mod 64's, with the nonce that counts that submitter's transactions before it.
   */
  body(height: number): SyntheticBody {
    const count = this.#options.transactionsPerBlock;
    this.#reseed(height, 1);
    const txs: Uint8Array[] = new Array(count);
    const results: Uint8Array[] = new Array(count + 1);
    const transactionIds: Uint8Array[] = new Array(count);
    const to = new Uint8Array(ADDRESS_HEX);
    // Transactions of submitter s among positions [count, g): the history starts at height 1.
    const before = (g: number, s: number) =>
      Math.ceil((g - s) / SUBMITTERS) - Math.ceil((count - s) / SUBMITTERS);
    for (let t = 0; t < count; t++) {
      const g = height * count + t;
      const s = g % SUBMITTERS;
      let nonce = before(g, s);
      const template = this.#txTemplate(s, nonce);
      const tx = template.signed.slice();
      // Recipient: 20 random-looking bytes in hex, in the transaction and twice in its event.
      this.#randomHex(to);
      tx.set(to, template.to);
      for (let i = template.nonce + template.nonceWidth - 1; i >= template.nonce; i--) {
        tx[i] = nonce & 0xff;
        nonce = Math.floor(nonce / 256);
      }
      this.#randomBytes(tx, template.signature, SIGNATURE_BYTES);
      const id = sha256(tx.subarray(template.body[0], template.body[1]));
      const resultTemplate = this.#resultTemplates[s]!;
      const result = resultTemplate.bytes.slice();
      result.set(id, resultTemplate.txId);
      for (const at of resultTemplate.to) result.set(to, at);
      txs[t] = tx;
      results[t] = result;
      transactionIds[t] = id;
    }
    // The results root covers each transaction's result, then the block's events (none).
    results[count] = encodeCanonical([]);
    const resultsRoot = this.#listRoot(results);
    // The results' encoding: the map of an empty list, with the transactions' results spliced in.
    const empty = encodeCanonical({ height, txResults: [], blockEvents: [] });
    const at = this.#emptyListAt(empty);
    const resultsBytes = concatBytes(
      empty.subarray(0, at),
      this.#resultsArrayHead,
      ...results.slice(0, count),
      empty.subarray(at + 1),
    );
    return { height, txs, transactionIds, results: resultsBytes, txRoot: this.#listRoot(txs), resultsRoot };
  }

  /** The block of `body`, chained to the previous one (its height must be the next), and its commit. */
  chain(
    body: SyntheticBody,
    last?: { stateRoot: Uint8Array; signers: readonly SigningKey[] },
  ): SyntheticBlock {
    const options = this.#options;
    const height = body.height;
    if (height !== this.#height + 1)
      throw new Error(`history: block ${height} does not follow block ${this.#height}`);
    this.#height = height;
    const header = {
      v: 1,
      chainId: options.chainId,
      height,
      time: options.genesisTime + height * options.blockMillis,
      previousBlockHash: this.#parentHash,
      txRoot: body.txRoot,
      txCount: body.txs.length,
      stateRoot: last?.stateRoot ?? sha256(concatBytes(utf8('hanglian/history/state/'), this.#parentHash)),
      resultsRoot: body.resultsRoot,
      proposer: addressFromPublicKey(options.validators[(height - 1) % options.validators.length]!.publicKey),
      validatorSetHash: this.#validatorSetHash,
      nextValidatorSetHash: this.#nextValidatorSetHash,
      lastCommitHash: this.#lastCommitHash,
    };
    const hash = sha256(encodeCanonical(header));
    const block = encodeCanonical({ header, txs: body.txs, lastCommit: this.#lastCommit });
    let signatures: Array<{ validator: Uint8Array; signature: Uint8Array }>;
    if (last === undefined) {
      this.#reseed(height, 2);
      signatures = options.validators.map((v) => {
        const signature = new Uint8Array(SIGNATURE_BYTES);
        this.#randomBytes(signature, 0, SIGNATURE_BYTES);
        return { validator: v.publicKey, signature };
      });
    } else {
      const message = voteSignBytes({
        chainId: options.chainId,
        type: VOTE_PRECOMMIT,
        height,
        round: 0,
        blockHash: hash,
      });
      signatures = last.signers.map((key) => ({ validator: key.publicKey, signature: key.sign(message) }));
    }
    const commit = { height, round: 0, blockHash: hash, signatures };
    const commitBytes = encodeCanonical(commit);
    this.#parentHash = hash;
    this.#lastCommit = commit;
    this.#lastCommitHash = sha256(commitBytes);
    return {
      height,
      hash,
      block,
      results: body.results,
      transactionIds: body.transactionIds,
      commit: commitBytes,
    };
  }

  /** Seeds the generator for one of a block's streams (1: its transactions, 2: its commit's signatures). */
  #reseed(height: number, stream: number): void {
    this.#seed =
      (Math.imul(height >>> 0, 0x9e3779b1) ^ Math.imul(Math.floor(height / 2 ** 32) + stream, 0x85ebca6b)) |
      0;
  }

  /** Where the `txResults` key's empty list (0x80) lies in an encoding of results with none. */
  #emptyListAt(empty: Uint8Array): number {
    const key = encodeCanonical('txResults');
    const at = Buffer.from(empty.buffer, empty.byteOffset, empty.length).indexOf(key) + key.length;
    if (at < key.length || empty[at] !== 0x80)
      throw new Error('history templates: no empty txResults list in the results');
    return at;
  }

  #txTemplate(s: number, nonce: number): TxTemplate {
    // Nonces only grow: a submitter's template serves until its nonce needs a longer encoding.
    const current = this.#currentTemplates[s];
    if (current !== undefined && nonce < current.below && nonce >= current.from) return current.template;
    const cls = NONCE_CLASSES.findIndex((c) => nonce < c.below);
    if (cls < 0) throw new Error('history templates: a nonce past 2^32');
    const name = `${s}/${cls}`;
    const { low, high, width, below } = NONCE_CLASSES[cls]!;
    let template = this.#txTemplates.get(name);
    if (template !== undefined) {
      this.#currentTemplates[s] = { template, from: low, below };
      return template;
    }
    const submitter = this.#submitters[s]!.publicKey;
    const body = (to: string, n: number) =>
      encodeCanonical({
        v: 1,
        chainId: this.#options.chainId,
        module: 'settlement',
        command: 'transfer',
        params: { to, amount: 1 },
        submitter,
        nonce: n,
        expiresAt: this.#options.lastHeight,
        actors: [],
      });
    const signed = (to: string, n: number, signature: Uint8Array) =>
      encodeCanonical({ body: body(to, n), signatures: [signature] });
    const zeros = new Uint8Array(SIGNATURE_BYTES);
    const bytes = signed(ZERO_TO, low, zeros);
    const bodyBytes = body(ZERO_TO, low);
    const bodyAt = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf(bodyBytes);
    if (bodyAt < 0) throw new Error('history templates: the body is not in the signed transaction');
    template = {
      signed: bytes,
      body: [bodyAt, bodyAt + bodyBytes.length],
      to: runsOf(bytes, signed(OTHER_TO, low, zeros), 1, ADDRESS_HEX, 'to')[0]!,
      nonce: runsOf(bytes, signed(ZERO_TO, high, zeros), 1, width, 'nonce')[0]!,
      nonceWidth: width,
      signature: runsOf(
        bytes,
        signed(ZERO_TO, low, new Uint8Array(SIGNATURE_BYTES).fill(0xff)),
        1,
        SIGNATURE_BYTES,
        'signature',
      )[0]!,
    };
    this.#txTemplates.set(name, template);
    this.#currentTemplates[s] = { template, from: low, below };
    return template;
  }

  /** core's `merkleListRoot` (leaf H(0x00 ‖ item), node H(0x01 ‖ left ‖ right)), one buffer reused. */
  #listRoot(items: readonly Uint8Array[]): Uint8Array {
    const leaves = items.map((item) => {
      if (this.#scratch.length < item.length + 1) this.#scratch = new Uint8Array(item.length * 2);
      this.#scratch[0] = 0;
      this.#scratch.set(item, 1);
      return sha256(this.#scratch.subarray(0, item.length + 1));
    });
    const root = (start: number, end: number): Uint8Array => {
      const n = end - start;
      if (n === 1) return leaves[start]!;
      let k = 1;
      while (k * 2 < n) k *= 2;
      const left = root(start, start + k);
      const right = root(start + k, end);
      this.#scratch[0] = 1;
      this.#scratch.set(left, 1);
      this.#scratch.set(right, 1 + HASH_BYTES);
      return sha256(this.#scratch.subarray(0, 1 + 2 * HASH_BYTES));
    };
    return items.length === 0 ? new Uint8Array(HASH_BYTES) : root(0, items.length);
  }

  /** The next 32 bits of a seeded generator (mulberry32): deterministic, and fast. */
  #random(): number {
    this.#seed = (this.#seed + 0x6d2b79f5) | 0;
    let z = this.#seed;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  }

  #randomBytes(into: Uint8Array, at: number, length: number): void {
    for (let i = 0; i < length; i += 4) {
      let word = this.#random();
      for (let j = i; j < Math.min(i + 4, length); j++) {
        into[at + j] = word & 0xff;
        word >>>= 8;
      }
    }
  }

  /** Hex digits of random-looking bytes, as many as `into` holds. */
  #randomHex(into: Uint8Array): void {
    for (let i = 0; i < into.length; i += 8) {
      let word = this.#random();
      for (let j = i; j < Math.min(i + 8, into.length); j++) {
        into[j] = HEX[word & 0xf]!;
        word >>>= 4;
      }
    }
  }
}

/** Bodies packed into one buffer for a worker's message: their bytes, and a layout of lengths. */
export interface PackedBodies {
  readonly bytes: Uint8Array;
  /** Per body: height, number of transactions, the results' length, then each transaction's length. */
  readonly layout: Float64Array;
}

export function packBodies(bodies: readonly SyntheticBody[]): PackedBodies {
  let size = 0;
  let entries = 0;
  for (const b of bodies) {
    size += 2 * HASH_BYTES + b.results.length + b.txs.length * HASH_BYTES;
    for (const tx of b.txs) size += tx.length;
    entries += 3 + b.txs.length;
  }
  const bytes = new Uint8Array(size);
  const layout = new Float64Array(entries);
  let at = 0;
  let entry = 0;
  const put = (part: Uint8Array) => {
    bytes.set(part, at);
    at += part.length;
  };
  for (const b of bodies) {
    layout[entry++] = b.height;
    layout[entry++] = b.txs.length;
    layout[entry++] = b.results.length;
    for (const tx of b.txs) layout[entry++] = tx.length;
    put(b.txRoot);
    put(b.resultsRoot);
    put(b.results);
    for (const tx of b.txs) put(tx);
    for (const id of b.transactionIds) put(id);
  }
  return { bytes, layout };
}

/** The bodies of `packBodies`, as views into its buffer (nothing copied). */
export function unpackBodies({ bytes, layout }: PackedBodies): SyntheticBody[] {
  const bodies: SyntheticBody[] = [];
  let at = 0;
  const take = (length: number) => bytes.subarray(at, (at += length));
  for (let entry = 0; entry < layout.length; ) {
    const height = layout[entry++]!;
    const count = layout[entry++]!;
    const resultsLength = layout[entry++]!;
    const txLengths = Array.from(layout.subarray(entry, (entry += count)));
    const txRoot = take(HASH_BYTES);
    const resultsRoot = take(HASH_BYTES);
    const results = take(resultsLength);
    const txs = txLengths.map(take);
    const transactionIds = txLengths.map(() => take(HASH_BYTES));
    bodies.push({ height, txs, transactionIds, results, txRoot, resultsRoot });
  }
  return bodies;
}

/** What a history worker is given (`historyWorker.ts`). */
export interface HistoryWorkerData {
  readonly options: SyntheticHistoryOptions;
  /** Bodies to make: heights 1..count, in chunks of `perMessage`, those of chunk c when c mod `of` = `index`. */
  readonly count: number;
  readonly index: number;
  readonly of: number;
  /** Int32 [messages posted, messages taken]: the worker waits while it is `ahead` messages ahead. */
  readonly signal: SharedArrayBuffer;
  readonly port: MessagePort;
  readonly perMessage: number;
  readonly ahead: number;
}

export type HistoryWorkerMessage = { readonly bodies: PackedBodies } | { readonly error: string };

export const POSTED = 0;
export const TAKEN = 1;
/** Longest wait for a worker's next message before the pre-fill gives up on it. */
const WORKER_SILENCE_MS = 120_000;
const PER_MESSAGE = 64;

/**
 * Blocks 1..count of `options`' history. The bodies (transactions, ids, results, roots: nearly all the
 * work, most of it hashing) are made by `workers` threads, each taking every `workers`-th chunk of 64
 * heights; this thread chains them into blocks in order (header, hash, commit) as the caller writes them.
 * Synchronous for the caller (the state's import and LMDB's writes are): the workers' messages are taken
 * with `receiveMessageOnPort`, and each waits while it is a few thousand blocks ahead. Returns, once done,
 * where the chain stands, so the caller can make the next block itself.
 */
export function* historyFromWorkers(
  options: SyntheticHistoryOptions,
  count: number,
  workers: number,
): Generator<SyntheticBlock, SyntheticCheckpoint> {
  const chain = new SyntheticHistory(options);
  if (count === 0) return chain.checkpoint();
  const chunks = Math.ceil(count / PER_MESSAGE);
  const of = Math.max(1, Math.min(workers, chunks));
  const threads = Array.from({ length: of }, (_, index) => {
    const signal = new Int32Array(new SharedArrayBuffer(8));
    const { port1, port2 } = new MessageChannel();
    const data: HistoryWorkerData = {
      options,
      count,
      index,
      of,
      signal: signal.buffer as SharedArrayBuffer,
      port: port2,
      perMessage: PER_MESSAGE,
      // Up to ~4,000 blocks (~55 MB) ahead in all: the writer's pauses (a commit) do not stop them.
      ahead: Math.ceil(64 / of),
    };
    const worker = new Worker(fileURLToPath(new URL('./historyWorker.js', import.meta.url)), {
      workerData: data,
      transferList: [port2],
    });
    worker.unref();
    return { signal, port: port1, worker, taken: 0 };
  });
  try {
    for (let chunk = 0; chunk < chunks; chunk++) {
      const thread = threads[chunk % threads.length]!;
      let received = receiveMessageOnPort(thread.port);
      while (received === undefined) {
        const posted = Atomics.load(thread.signal, POSTED);
        if (
          posted <= thread.taken &&
          Atomics.wait(thread.signal, POSTED, posted, WORKER_SILENCE_MS) === 'timed-out'
        )
          throw new Error(`a history worker sent nothing for ${WORKER_SILENCE_MS / 1000} s`);
        received = receiveMessageOnPort(thread.port);
      }
      thread.taken++;
      Atomics.add(thread.signal, TAKEN, 1);
      Atomics.notify(thread.signal, TAKEN);
      const message = received.message as HistoryWorkerMessage;
      if ('error' in message) throw new Error(`a history worker failed: ${message.error}`);
      for (const body of unpackBodies(message.bodies)) yield chain.chain(body);
    }
    return chain.checkpoint();
  } finally {
    for (const { port, worker } of threads) {
      port.close();
      void worker.terminate();
    }
  }
}
