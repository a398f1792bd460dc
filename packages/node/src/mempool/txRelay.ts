/**
 * Relaying admitted transactions to peers in batches: many transactions per message of the `tx` channel
 * instead of one message each. Every message is one sealed (AES-GCM) frame, one queue entry per peer and
 * one handler call on the receiving side; under load a node admits dozens of client transactions per
 * event-loop turn, and sending them as one message per turn cuts that per-message cost by as much.
 *
 * Payload of a batch: the byte BATCH_MARKER, then for each transaction its length (unsigned 32-bit
 * big-endian) and its signed bytes. A single signed transaction, as nodes sent before batching, starts
 * with a CBOR map header (0xa2), never with BATCH_MARKER, so a receiver still takes one from an older
 * node. (An older node cannot read a batch: the nodes of a network run one version.)
 */
import { MAX_TX_BYTES } from '@hanglian/core';

/** First byte of a batch payload. A signed transaction (a CBOR map) never starts with it. */
export const BATCH_MARKER = 0x00;

/** Largest batch payload: below the `tx` channel's 128 KiB limit, and at least one largest transaction. */
export const MAX_BATCH_BYTES = 120 * 1024;

const LENGTH_BYTES = 4;

/** Encodes transactions (each at most MAX_TX_BYTES) as one batch payload. */
export function encodeTxBatch(txs: readonly Uint8Array[]): Uint8Array {
  let size = 1;
  for (const tx of txs) size += LENGTH_BYTES + tx.byteLength;
  const out = Buffer.allocUnsafe(size);
  out[0] = BATCH_MARKER;
  let at = 1;
  for (const tx of txs) {
    out.writeUInt32BE(tx.byteLength, at);
    out.set(tx, at + LENGTH_BYTES);
    at += LENGTH_BYTES + tx.byteLength;
  }
  return out;
}

/**
 * The transactions of a `tx` channel payload: a batch's, or the payload itself when it is a single
 * transaction. Views into `payload`, not copies. Undefined when the batch is malformed (a length running
 * past the end, an empty or oversized transaction): the peer sent garbage.
 */
export function decodeTxPayload(payload: Uint8Array): Uint8Array[] | undefined {
  if (payload.byteLength === 0) return undefined;
  if (payload[0] !== BATCH_MARKER) return [payload];
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const out: Uint8Array[] = [];
  let at = 1;
  while (at < payload.byteLength) {
    if (at + LENGTH_BYTES > payload.byteLength) return undefined;
    const length = view.getUint32(at);
    at += LENGTH_BYTES;
    if (length === 0 || length > MAX_TX_BYTES || at + length > payload.byteLength) return undefined;
    out.push(payload.subarray(at, at + length));
    at += length;
  }
  return out.length === 0 ? undefined : out;
}

/**
 * Collects transactions to relay and sends them as batches: at the end of the current event-loop turn
 * (setImmediate: what the turn admitted goes together, and no relay waits for a timer), or at once when
 * the next one would not fit in MAX_BATCH_BYTES.
 */
export class TxRelayBatcher {
  readonly #send: (payload: Uint8Array) => void;
  #pending: Uint8Array[] = [];
  #bytes = 1;
  #scheduled: NodeJS.Immediate | undefined;
  /** Batches sent, and transactions in them (for tests and metrics). */
  batches = 0;
  transactions = 0;

  constructor(send: (payload: Uint8Array) => void) {
    this.#send = send;
  }

  add(tx: Uint8Array): void {
    if (this.#bytes + LENGTH_BYTES + tx.byteLength > MAX_BATCH_BYTES) this.flush();
    this.#pending.push(tx);
    this.#bytes += LENGTH_BYTES + tx.byteLength;
    this.#scheduled ??= setImmediate(() => this.flush());
  }

  /** Sends what is pending now. */
  flush(): void {
    if (this.#scheduled !== undefined) {
      clearImmediate(this.#scheduled);
      this.#scheduled = undefined;
    }
    if (this.#pending.length === 0) return;
    const txs = this.#pending;
    this.#pending = [];
    this.#bytes = 1;
    this.batches += 1;
    this.transactions += txs.length;
    this.#send(encodeTxBatch(txs));
  }
}
