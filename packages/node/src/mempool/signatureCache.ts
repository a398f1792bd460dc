/**
 * Each transaction's signatures are verified once per node: signature checks are the floor of throughput
 * (docs/brief.md §4), and a transaction is checked at admission, again when proposed and again when its block is
 * verified. The cache is keyed by the hash of the whole signed transaction (body and signatures), so a
 * valid body carried with a forged signature is never taken for the verified one.
 */
import { type CryptoSuite, type DecodedTx, sha256, verifyTxSignatures } from '@hanglian/core';

export class SignatureCache {
  readonly #suite: CryptoSuite;
  readonly #capacity: number;
  readonly #verified = new Set<string>();
  /**
   * Decoded transactions whose signatures verified. A decoded transaction never changes, and the mempool
   * hands the same object to the proposal and to a block's verification, so those checks find it here
   * without hashing its bytes again.
   */
  readonly #verifiedTxs = new WeakSet<DecodedTx>();
  hits = 0;
  misses = 0;

  constructor(suite: CryptoSuite, capacity = 200_000) {
    this.#suite = suite;
    this.#capacity = capacity;
  }

  /** Throws TX_BAD_SIGNATURE unless every signature of `tx` verifies. */
  verify(tx: DecodedTx): void {
    if (this.#verifiedTxs.has(tx)) {
      this.hits++;
      return;
    }
    const id = Buffer.from(sha256(tx.bytes)).toString('base64');
    if (this.#verified.has(id)) {
      this.hits++;
      this.#verifiedTxs.add(tx);
      return;
    }
    this.misses++;
    verifyTxSignatures(tx, this.#suite);
    if (this.#verified.size >= this.#capacity) {
      // Sets iterate in insertion order: drop the oldest entry.
      const oldest = this.#verified.values().next().value;
      if (oldest !== undefined) this.#verified.delete(oldest);
    }
    this.#verified.add(id);
    this.#verifiedTxs.add(tx);
  }
}
