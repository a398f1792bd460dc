/**
 * A steady load of signed transfers: each client owns a funded account and sends 1 unit to the next
 * account of the ring, waiting for the commit (`wait=commit`), through a live node it picks in turn.
 * The ring keeps the accounts' total constant, which the money check relies on. Every transaction the
 * API acknowledged as committed is recorded with its height; one whose fate the client did not learn
 * (a timeout, a node killed under it) is recorded as in doubt: it may or may not commit, but at most once.
 */
import {
  addressFromPublicKey,
  bytesToHex,
  decodeTx,
  type SigningKey,
  signTx,
  type TxBody,
} from '@hanglian/core';
import { CHAOS_CHAIN_ID, type ChaosCluster, httpJson, sleep } from './cluster.js';

export interface AckedTx {
  readonly id: string;
  readonly height: number;
  readonly via: string;
}

/** Transactions may not expire more than 10,000 blocks ahead of the chain. */
const EXPIRY_BLOCKS = 5_000;

export class RingLoad {
  readonly acked: AckedTx[] = [];
  /** Ids sent whose commit was not acknowledged. */
  readonly inDoubt = new Set<string>();
  readonly addresses: string[];
  /** Refused, timed-out or failed submissions (clients retry). */
  errors = 0;
  lastError = '';
  #stopping = false;
  #clients: Promise<void>[] = [];

  constructor(
    readonly cluster: ChaosCluster,
    readonly keys: readonly SigningKey[],
  ) {
    this.addresses = keys.map((k) => addressFromPublicKey(k.publicKey));
  }

  start(): void {
    if (this.#clients.length > 0) return;
    this.#stopping = false;
    this.#clients = this.keys.map((key, i) => this.#client(key, i));
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#clients);
    this.#clients = [];
  }

  async #client(key: SigningKey, index: number): Promise<void> {
    const to = this.addresses[(index + 1) % this.addresses.length]!;
    const from = this.addresses[index]!;
    let slot = index;
    let nonce: number | undefined;
    let expiresAt = 0;
    while (!this.#stopping) {
      const targets = this.cluster.live;
      if (targets.length === 0) {
        await sleep(200);
        continue;
      }
      const node = targets[slot % targets.length]!;
      let txId: string | undefined;
      try {
        if (nonce === undefined) {
          nonce = (await httpJson(`${node.url}/v1/accounts/${from}`, { timeoutMs: 3_000 })).body
            .nextNonce as number;
          expiresAt = (await this.cluster.height(node.name)) + EXPIRY_BLOCKS;
        }
        const body: TxBody = {
          v: 1,
          chainId: CHAOS_CHAIN_ID,
          module: 'settlement',
          command: 'transfer',
          params: { to, amount: 1 },
          submitter: key.publicKey,
          nonce,
          expiresAt,
          actors: [],
        };
        const tx = signTx(body, key);
        txId = bytesToHex(decodeTx(tx).id);
        const response = await httpJson(`${node.url}/v1/txs?wait=commit&timeoutMs=8000`, {
          json: { tx: bytesToHex(tx) },
          timeoutMs: 9_000,
        });
        if (response.status === 200 && response.body.status === 'committed') {
          if (response.body.result?.code !== 'OK')
            throw new Error(`transfer failed in the chain: ${JSON.stringify(response.body.result)}`);
          this.inDoubt.delete(txId);
          this.acked.push({ id: txId, height: response.body.height as number, via: node.name });
          nonce++;
          continue;
        }
        if (response.body?.status !== 'rejected' && response.status !== 400) this.inDoubt.add(txId);
        this.errors++;
        this.lastError = `${node.name}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
      } catch (error) {
        if (txId !== undefined) this.inDoubt.add(txId);
        this.errors++;
        this.lastError = `${node.name}: ${String(error).slice(0, 300)}`;
      }
      // Refused (a nonce raced a copy committed elsewhere), timed out, or the node is gone: ask again.
      nonce = undefined;
      slot++;
      await sleep(100);
    }
  }
}
