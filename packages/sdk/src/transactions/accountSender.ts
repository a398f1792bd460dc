/**
 * One account sending many transactions without waiting for each: a platform's order gateway, a carrier's
 * scanning station, a payment provider confirming payments. `signAndSubmit` fetches the nonce and waits
 * for the commit on one HTTP request per transaction; at tens of transactions per second from one account
 * that is slow, and two sends in flight race for the same nonce. An account sender instead:
 *
 * - hands out the account's nonces itself, in the order `send` is called;
 * - submits in nonce order, gathering what is ready into one `POST /v1/txs/batch` (at most 256), one batch
 *   at a time, so the node sees the account's nonces in order;
 * - sends a refused transaction again when the node says it is busy (`MEMPOOL_BACKLOG`,
 *   `TOO_MANY_CONNECTIONS`, ...: after its `retryAfterMs`, doubled at each attempt, with jitter) and when a
 *   request is lost on the way (a resend of one that got in is answered `MEMPOOL_DUPLICATE`: admitted);
 * - follows every commit on one event stream (`subscribe` with `txs`) instead of a request per transaction.
 *
 * A transaction the node refuses for good (`TX_EXPIRED`, a bad parameter shape, ...) fails alone. Its nonce
 * is not used, so the account's later transactions wait for it at the node: the sender's next transaction
 * takes that nonce and lets them through. Only one sender (or one process) should send for an account.
 */
import { MAX_BATCH_TXS } from '@hanglian/api';
import { bytesToHex, HanglianError, txBodyCodec, txIdOf } from '@hanglian/core';
import { getAccount } from '../actions/getAccount.js';
import { getStatus } from '../actions/getStatus.js';
import { getTransaction } from '../actions/getTransaction.js';
import { BUSY_REFUSALS, retryDelayMs } from '../actions/submitTransaction.js';
import { batchLength, submitTransactions } from '../actions/submitTransactions.js';
import { type BlockNotice, type Subscription, subscribe } from '../actions/subscribe.js';
import type { BaseClient } from '../baseClient.js';
import { HanglianSdkError, SdkErrors } from '../errors.js';
import type { Signer } from '../signer.js';
import { buildTxBody, type TxCall } from './call.js';
import { DEFAULT_EXPIRY_BLOCKS, MAX_EXPIRY_BLOCKS, signBodyBytes } from './signAndSubmit.js';

export interface AccountSenderOptions {
  /** The member identity whose account sends (it signs first and pays the nonces). */
  readonly signer: Signer;
  /** Default: the node's chain id. */
  readonly chainId?: string;
  /** The first nonce to use; default: the account's next nonce on the node. */
  readonly nextNonce?: number;
  /** Blocks past the newest height seen that each transaction stays valid; default 1,000, at most 10,000. */
  readonly expiresInBlocks?: number;
  /**
   * How long to gather transactions into one batch after the first is ready, ms (default 5; 0 sends what
   * is ready at once). Only one batch is in flight at a time, so a busy sender gathers more while it waits.
   */
  readonly batchWindowMs?: number;
  /** How many times one transaction is sent again after a busy node's refusal or a lost request (default 8). */
  readonly retries?: number;
}

/** A transaction the sender signed and queued. Both promises are safe to leave unawaited. */
export interface SentTransaction {
  readonly txId: string;
  readonly nonce: number;
  readonly expiresAt: number;
  /** Resolves once the node holds it; rejects with the node's code if it was refused for good. */
  readonly admitted: Promise<void>;
  /**
   * Resolves when it is committed with result OK. Rejects with the command's code when it committed and
   * failed (`details.committed` true), with the refusal when it was not admitted, and with `SDK_TIMEOUT` when
   * the chain passed its expiry height without it.
   */
  readonly committed: Promise<{ readonly height: number }>;
}

export interface AccountSender {
  readonly address: string;
  /** The nonce the next `send` will use. */
  readonly nextNonce: number;
  /** Signs `call` with the next nonce (the account's co-signers in `actors`) and queues it. */
  send(call: TxCall, options?: { readonly actors?: readonly Signer[] }): Promise<SentTransaction>;
  /** Transactions queued and not yet admitted, and admitted ones whose commit is awaited. */
  pending(): { readonly unadmitted: number; readonly uncommitted: number };
  /** Stops following commits and sending: what is still queued or awaited is rejected. */
  close(): void;
}

/**
 * Sent again after the hint: a busy node's refusals, and a nonce past the window (an earlier nonce of the
 * account is not at the node yet: a refused one that the next send fills, or one still on its way).
 */
const RESENT = new Set([...BUSY_REFUSALS, 'MEMPOOL_NONCE_TOO_FAR']);
/** Requests whose answer did not arrive: the node may hold the transactions or not; sending again is safe. */
const LOST = new Set<string>([SdkErrors.SDK_NETWORK, SdkErrors.SDK_TIMEOUT, SdkErrors.SDK_BAD_RESPONSE]);
/** The nonce was used by another transaction of the account: not a nonce the sender should use again. */
const NONCE_USED = new Set(['TX_NONCE_TOO_LOW', 'MEMPOOL_NONCE_TAKEN']);
const STREAM_RETRIES = 5;

interface Entry {
  readonly nonce: number;
  readonly expiresAt: number;
  readonly txId: string;
  hex: string | undefined;
  signing: Promise<void>;
  attempts: number;
  admitted: boolean;
  /** A request for its status is on its way (after its expiry): not asked again meanwhile. */
  asking: boolean;
  readonly admit: () => void;
  readonly refuse: (error: HanglianSdkError) => void;
  readonly commit: (height: number) => void;
  readonly fail: (error: HanglianSdkError) => void;
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Rejections reach whoever awaits; a caller that awaits neither must not crash on an unhandled one.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

function asSdkError(error: unknown): HanglianSdkError {
  if (error instanceof HanglianSdkError) return error;
  if (error instanceof HanglianError)
    return new HanglianSdkError(error.code, error.message, { cause: error, details: error.details });
  return new HanglianSdkError(SdkErrors.SDK_NETWORK, String((error as Error)?.message ?? error), {
    cause: error,
  });
}

/**
 * Opens a sender for `options.signer`'s account: reads the chain id, height and next nonce it was not
 * given, and starts following commits.
 *
 * @example
 * ```ts
 * const gateway = await openAccountSender(client, { signer: memberSigner(platformKey) });
 * const sent = await gateway.send(orders.create(request), { actors: [orderKey] });
 * await sent.committed; // { height }
 * gateway.close();
 * ```
 */
export async function openAccountSender(
  client: BaseClient,
  options: AccountSenderOptions,
): Promise<AccountSender> {
  const { signer } = options;
  const [status, account] = await Promise.all([
    getStatus(client),
    options.nextNonce === undefined ? getAccount(client, { address: signer.address }) : undefined,
  ]);
  const chainId = options.chainId ?? status.chainId;
  const expiresInBlocks = Math.min(options.expiresInBlocks ?? DEFAULT_EXPIRY_BLOCKS, MAX_EXPIRY_BLOCKS);
  const batchWindowMs = options.batchWindowMs ?? 5;
  const retries = options.retries ?? 8;
  let next = options.nextNonce ?? account!.nextNonce;
  let height = status.height;
  /** Nonces of transactions refused for good: the next sends take them first, so later ones are not stuck. */
  const holes: number[] = [];
  /** Queued, in nonce order, until admitted. */
  const queue: Entry[] = [];
  /** Admitted (or queued) and not yet committed, by id. */
  const awaiting = new Map<string, Entry>();
  let closed: HanglianSdkError | undefined;
  let pumping = false;
  /** Most transactions in one request. */
  let batchLimit = MAX_BATCH_TXS;

  /** Settles a committed transaction, seen on the stream or asked of the node: OK, or its command's code. */
  const settleCommitted = (entry: Entry, at: number, code: string, message: string) => {
    awaiting.delete(entry.txId);
    // Committed while queued for a resend (its request's answer was lost): nothing more to send.
    remove(entry);
    entry.admit();
    if (code === 'OK') entry.commit(at);
    else
      entry.fail(
        new HanglianSdkError(code, message, { details: { txId: entry.txId, committed: true, height: at } }),
      );
  };

  const settleBlock = (block: BlockNotice) => {
    height = Math.max(height, block.height);
    for (const tx of block.txs ?? []) {
      const entry = awaiting.get(tx.id);
      if (entry !== undefined)
        settleCommitted(entry, block.height, tx.code, `the transaction committed and failed with ${tx.code}`);
    }
    // Past its expiry height an admitted transaction can no longer be committed: ask the node, one request
    // at a time per transaction, until it answers.
    for (const entry of awaiting.values())
      if (entry.admitted && !entry.asking && entry.expiresAt < block.height) void settleFromNode(entry, true);
  };

  /** Settles an awaited transaction from the node's answer; `final` rejects one the node does not have. */
  const settleFromNode = async (entry: Entry, final: boolean) => {
    entry.asking = true;
    let answer: Awaited<ReturnType<typeof getTransaction>>;
    try {
      answer = await getTransaction(client, { txId: entry.txId });
    } catch {
      return; // Asked again at the next block or stream reconnection.
    } finally {
      entry.asking = false;
    }
    if (!awaiting.has(entry.txId)) return;
    if (answer.status === 'committed') {
      settleCommitted(entry, answer.height, answer.result.code, answer.result.message);
    } else if (final && answer.status !== 'pending') {
      awaiting.delete(entry.txId);
      entry.fail(
        answer.status === 'rejected'
          ? new HanglianSdkError(answer.code, answer.message, { details: { txId: entry.txId } })
          : new HanglianSdkError(
              SdkErrors.SDK_TIMEOUT,
              `transaction ${entry.txId} was not committed by its expiry height ${entry.expiresAt}`,
              { details: { txId: entry.txId, expiresAt: entry.expiresAt, status: answer.status } },
            ),
      );
    }
  };

  let subscription: Subscription;
  /** The stream's failures since it last came up; the sender gives up after STREAM_RETRIES in a row. */
  let streamFailures = 0;
  let opened = false;
  const follow = async (): Promise<void> => {
    subscription = subscribe(
      client,
      { txs: true },
      {
        onBlock: settleBlock,
        onError: (error) => {
          // Before the sender is open, the failure is the open's: it throws.
          if (closed !== undefined || !opened) return;
          if (++streamFailures > STREAM_RETRIES) {
            shutDown(
              new HanglianSdkError(
                SdkErrors.SDK_SENDER_CLOSED,
                `the commit stream failed ${streamFailures} times in a row: ${error.message}`,
                { cause: error },
              ),
            );
            return;
          }
          setTimeout(
            () => {
              if (closed !== undefined) return;
              void follow().then(
                // Commits may have happened while the stream was down: ask for each awaited one.
                () => {
                  for (const entry of awaiting.values())
                    if (entry.admitted) void settleFromNode(entry, false);
                },
                () => {},
              );
            },
            retryDelayMs(undefined, streamFailures - 1),
          );
        },
      },
    );
    await subscription.ready;
    streamFailures = 0;
  };
  await follow();
  opened = true;

  const shutDown = (reason: HanglianSdkError) => {
    if (closed !== undefined) return;
    closed = reason;
    subscription.close();
    for (const entry of queue) entry.refuse(reason);
    queue.length = 0;
    for (const entry of awaiting.values()) entry.fail(reason);
    awaiting.clear();
  };

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Submits the queue in order, one batch at a time, until it is empty. */
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.length > 0 && closed === undefined) {
        await queue[0]!.signing;
        if (batchWindowMs > 0) await sleep(batchWindowMs);
        if (closed !== undefined) break;
        // As many ready ones as a request carries: at most MAX_BATCH_TXS (or fewer, after a node refused a
        // body as too large), within the node's body limit (an order with its sealed delivery is ~3 KB of hex).
        const ready: Entry[] = [];
        for (const entry of queue) {
          if (entry.hex === undefined || ready.length === batchLimit) break;
          ready.push(entry);
        }
        const batch = ready.slice(
          0,
          batchLength(
            ready.map((e) => e.hex!),
            batchLimit,
          ),
        );
        if (batch.length === 0) continue; // The head failed to sign and was removed.
        let results: Awaited<ReturnType<typeof submitTransactions>>['results'] | undefined;
        let wholeRefusal: HanglianSdkError | undefined;
        try {
          ({ results } = await submitTransactions(client, { txs: batch.map((e) => e.hex!) }));
        } catch (error) {
          wholeRefusal = asSdkError(error);
          // A node with a smaller body limit than the default: send half as many at a time, at once.
          if (wholeRefusal.code === 'ENCODING_TOO_LARGE' && batch.length > 1) {
            batchLimit = Math.ceil(batch.length / 2);
            continue;
          }
        }
        let wait = 0;
        /**
         * Only the first refusal of a batch counts as an attempt: the ones after it (a nonce too far past the
         * refused one, the same busy answer) follow from it, and must not run out of attempts while it retries.
         */
        let refusedBefore = false;
        for (let i = 0; i < batch.length; i++) {
          const entry = batch[i]!;
          const result = results?.[i];
          const refusal =
            result === undefined
              ? (wholeRefusal ??
                new HanglianSdkError(SdkErrors.SDK_BAD_RESPONSE, `no result for item ${i} of the batch`))
              : result.status === 'pending' || result.code === 'MEMPOOL_DUPLICATE'
                ? undefined
                : new HanglianSdkError(result.code, result.message, {
                    ...(result.details === undefined ? {} : { details: result.details }),
                  });
          if (refusal === undefined) {
            remove(entry);
            entry.admit();
            continue;
          }
          const retryable = RESENT.has(refusal.code) || LOST.has(refusal.code);
          if (retryable && entry.attempts < retries) {
            const hint = (refusal.details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
            const attempt = refusedBefore ? entry.attempts : entry.attempts++;
            refusedBefore = true;
            wait = Math.max(wait, retryDelayMs(typeof hint === 'number' ? hint : undefined, attempt));
            continue;
          }
          // A resend after a lost answer can find its own transaction committed meanwhile.
          if (NONCE_USED.has(refusal.code) && entry.attempts > 0) {
            const answer = await getTransaction(client, { txId: entry.txId }).catch(() => undefined);
            if (answer !== undefined && (answer.status === 'pending' || answer.status === 'committed')) {
              remove(entry);
              entry.admit();
              if (answer.status === 'committed') void settleFromNode(entry, false);
              continue;
            }
          }
          remove(entry);
          awaiting.delete(entry.txId);
          if (!NONCE_USED.has(refusal.code)) takeBack(entry.nonce);
          entry.refuse(refusal);
        }
        if (wait > 0) await sleep(wait);
      }
    } finally {
      pumping = false;
    }
  };

  const remove = (entry: Entry) => {
    const at = queue.indexOf(entry);
    if (at >= 0) queue.splice(at, 1);
  };
  const takeBack = (nonce: number) => {
    holes.push(nonce);
    holes.sort((a, b) => a - b);
  };

  return {
    address: signer.address,
    get nextNonce() {
      return holes[0] ?? next;
    },
    async send(call, sendOptions = {}) {
      if (closed !== undefined) throw closed;
      const actors = sendOptions.actors ?? [];
      const nonce = holes.length > 0 ? holes.shift()! : next++;
      const expiresAt = height + expiresInBlocks;
      let bodyBytes: Uint8Array;
      try {
        bodyBytes = txBodyCodec.encode(
          buildTxBody(call, {
            chainId,
            submitter: signer.publicKey,
            nonce,
            expiresAt,
            actors: actors.map((a) => a.publicKey),
          }),
        );
      } catch (error) {
        // Not a transaction (a parameter the schema refuses): nothing was queued, the nonce is free again.
        takeBack(nonce);
        throw error;
      }
      const admitted = deferred<void>();
      const committed = deferred<{ height: number }>();
      const entry: Entry = {
        nonce,
        expiresAt,
        txId: bytesToHex(txIdOf(bodyBytes)),
        hex: undefined,
        signing: Promise.resolve(),
        attempts: 0,
        admitted: false,
        asking: false,
        admit: () => {
          entry.admitted = true;
          admitted.resolve();
        },
        refuse: (error) => {
          admitted.reject(error);
          committed.reject(error);
        },
        commit: (at) => committed.resolve({ height: at }),
        fail: (error) => committed.reject(error),
      };
      // Queued before it is signed, in nonce order: a filled hole goes before later nonces still queued.
      const at = queue.findIndex((e) => e.nonce > nonce);
      queue.splice(at < 0 ? queue.length : at, 0, entry);
      // Awaited from now on, so that a commit seen before the admission's answer is not missed.
      awaiting.set(entry.txId, entry);
      let signFailure: HanglianSdkError | undefined;
      entry.signing = signBodyBytes(bodyBytes, signer, actors).then(
        (tx) => {
          entry.hex = bytesToHex(tx);
        },
        (error: unknown) => {
          signFailure = asSdkError(error);
          remove(entry);
          awaiting.delete(entry.txId);
          takeBack(nonce);
          entry.refuse(signFailure);
        },
      );
      void pump();
      await entry.signing;
      if (signFailure !== undefined) throw signFailure;
      return {
        txId: entry.txId,
        nonce,
        expiresAt,
        admitted: admitted.promise,
        committed: committed.promise,
      };
    },
    pending() {
      let uncommitted = 0;
      for (const entry of awaiting.values()) if (entry.admitted) uncommitted++;
      return { unadmitted: queue.length, uncommitted };
    },
    close() {
      shutDown(new HanglianSdkError(SdkErrors.SDK_SENDER_CLOSED, 'the account sender was closed'));
    },
  };
}
