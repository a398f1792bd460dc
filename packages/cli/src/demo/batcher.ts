/**
 * Many transactions fast: each submitter signs its own run of consecutive nonces (fetched once), sends
 * them one after another without waiting for commits, and different submitters send in parallel. A
 * batch is settled by waiting for each submitter's last transaction (nonces commit in order, so the
 * rest are in by then) and reading every transaction's result once.
 */
import { bytesToHex, signedTxCodec, txBodyCodec, txIdOf, txSignBytes } from '@hanglian/core';
import { buildTxBody, type Client, type Signer, type TxCall } from '@hanglian/sdk';

interface Queued {
  readonly signer: Signer;
  readonly call: TxCall;
  readonly actors: readonly Signer[];
  readonly resolve: (outcome: TxOutcome) => void;
}

export interface TxOutcome {
  readonly txId: string;
  /** `OK`, a command's error code, or the code the mempool refused it with. */
  readonly code: string;
}

/** Most requests in flight while reading results. */
const READ_CONCURRENCY = 24;

export class Batcher {
  readonly #client: Client;
  readonly #nonces = new Map<string, number>();
  #queue: Queued[] = [];
  #chain: { chainId: string; height: number } | undefined;
  /** Transactions sent so far, and how many committed with `OK`. */
  sent = 0;
  ok = 0;

  constructor(client: Client) {
    this.#client = client;
  }

  /** Queues a transaction for the next `flush`; resolves with its outcome once flushed. */
  add(signer: Signer, call: TxCall, actors: readonly Signer[] = []): Promise<TxOutcome> {
    return new Promise((resolve) => this.#queue.push({ signer, call, actors, resolve }));
  }

  /** Sends everything queued and waits until every transaction of it is final. */
  async flush(): Promise<TxOutcome[]> {
    const queue = this.#queue;
    this.#queue = [];
    if (queue.length === 0) return [];
    const status = await this.#client.getStatus();
    this.#chain = { chainId: status.chainId, height: status.height };
    const bySigner = new Map<string, Queued[]>();
    for (const q of queue) {
      const list = bySigner.get(q.signer.address) ?? [];
      list.push(q);
      bySigner.set(q.signer.address, list);
    }
    const outcomes = new Map<Queued, TxOutcome>();
    const lastIds: string[] = [];
    const committedIds: Array<[Queued, string]> = [];
    await Promise.all(
      [...bySigner.values()].map(async (list) => {
        const signer = list[0]!.signer;
        let nonce = this.#nonces.get(signer.address);
        if (nonce === undefined)
          nonce = (await this.#client.getAccount({ address: signer.address })).nextNonce;
        let last: string | undefined;
        for (const q of list) {
          const body = buildTxBody(q.call, {
            chainId: this.#chain!.chainId,
            submitter: signer.publicKey,
            nonce,
            expiresAt: this.#chain!.height + 2_000,
            actors: q.actors.map((a) => a.publicKey),
          });
          const bodyBytes = txBodyCodec.encode(body);
          const message = txSignBytes(bodyBytes);
          const signatures = [await signer.sign(message)];
          for (const actor of q.actors) signatures.push(await actor.sign(message));
          const txId = bytesToHex(txIdOf(bodyBytes));
          const answer = await this.#client.submitTransaction({
            tx: signedTxCodec.encode({ body: bodyBytes, signatures }),
          });
          this.sent++;
          if (answer.status === 'rejected') {
            // Refused before ordering: the nonce was not used.
            outcomes.set(q, { txId, code: answer.code });
            continue;
          }
          nonce++;
          last = txId;
          committedIds.push([q, txId]);
        }
        this.#nonces.set(signer.address, nonce);
        if (last !== undefined) lastIds.push(last);
      }),
    );
    await Promise.all(lastIds.map((txId) => this.#client.waitForTransaction({ txId, timeoutMs: 300_000 })));
    let next = 0;
    const readOne = async () => {
      while (next < committedIds.length) {
        const [q, txId] = committedIds[next++]!;
        const s = await this.#client.waitForTransaction({ txId, timeoutMs: 300_000 });
        const code = s.status === 'committed' ? s.result.code : s.code;
        if (code === 'OK') this.ok++;
        outcomes.set(q, { txId, code });
      }
    };
    await Promise.all(Array.from({ length: READ_CONCURRENCY }, readOne));
    const ordered = queue.map((q) => outcomes.get(q)!);
    for (const [i, q] of queue.entries()) q.resolve(ordered[i]!);
    return ordered;
  }
}
