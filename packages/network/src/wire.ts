/**
 * Wire constants and the two byte-level building blocks of a link: a queue that reassembles TCP chunks into
 * exact byte counts, and the per-direction AEAD that seals and opens frames. The layout is specified in the
 * package README; change both together.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

/** Protocol name: bound into every key derivation and signature, so versions never mix. */
export const PROTOCOL_NAME = 'hanglian-p2p/1';

/** `HLP1`: the first four bytes a node sends on a new TCP connection. */
export const HELLO_MAGIC = Buffer.from('HLP1', 'ascii');
/** magic (4) + SHA-256 of the chain id (32) + ephemeral X25519 public key (32). */
export const HELLO_LENGTH = 4 + 32 + 32;

/** Every frame starts with the byte length of what follows (ciphertext + tag), unsigned 32-bit big-endian. */
export const FRAME_HEADER_LENGTH = 4;
export const AEAD_TAG_LENGTH = 16;
export const AEAD_KEY_LENGTH = 32;

/** First byte of a frame's plaintext. */
export const FrameType = {
  /** Only as the first frame in each direction: the sender's node key and its transcript signature. */
  auth: 0x00,
  /** channel id (1 byte) + opaque payload. */
  message: 0x01,
  /** 8 opaque bytes, answered by a pong with the same bytes. */
  ping: 0x02,
  pong: 0x03,
  /** reason code (1 byte): the sender is about to close the link, and says why. */
  goodbye: 0x04,
  /** No body: the sender has checked the receiver's identity and accepts the link. */
  ready: 0x05,
} as const;

/** type (1) + node public key (32) + Ed25519 signature (64). */
export const AUTH_PLAINTEXT_LENGTH = 1 + 32 + 64;

/**
 * Reassembles socket chunks. Chunks are kept as a list and only concatenated when a read spans several, so a
 * large frame arriving in many chunks is copied once.
 */
export class ByteQueue {
  #chunks: Buffer[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(chunk: Buffer): void {
    if (chunk.byteLength === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.byteLength;
  }

  /** The unsigned 32-bit big-endian integer at the front, without consuming it; needs 4 bytes queued. */
  peekUInt32BE(): number {
    const first = this.#chunks[0]!;
    if (first.byteLength >= 4) return first.readUInt32BE(0);
    return this.#peek(4).readUInt32BE(0);
  }

  /** Removes and returns exactly `count` bytes; the caller checks `length` first. */
  take(count: number): Buffer {
    if (count > this.#length) throw new RangeError(`take(${count}) with ${this.#length} bytes queued`);
    const first = this.#chunks[0];
    if (first !== undefined && first.byteLength >= count) {
      const out = first.subarray(0, count);
      if (first.byteLength === count) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(count);
      this.#length -= count;
      return out;
    }
    const out = Buffer.allocUnsafe(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.#chunks[0]!;
      const need = count - filled;
      if (chunk.byteLength <= need) {
        chunk.copy(out, filled);
        filled += chunk.byteLength;
        this.#chunks.shift();
      } else {
        chunk.copy(out, filled, 0, need);
        this.#chunks[0] = chunk.subarray(need);
        filled += need;
      }
    }
    this.#length -= count;
    return out;
  }

  #peek(count: number): Buffer {
    const out = Buffer.allocUnsafe(count);
    let filled = 0;
    for (const chunk of this.#chunks) {
      const n = Math.min(chunk.byteLength, count - filled);
      chunk.copy(out, filled, 0, n);
      filled += n;
      if (filled === count) break;
    }
    return out;
  }

  clear(): void {
    this.#chunks = [];
    this.#length = 0;
  }
}

/**
 * AES-256-GCM for one direction of one link. The nonce is the frame counter (4 zero bytes, then the counter
 * as 64-bit big-endian), so a replayed, dropped or reordered frame fails to open: TCP delivers in order, and
 * anything else is tampering. The 4-byte length header is the associated data, so it is authenticated too.
 */
export class FrameCipher {
  readonly #key: Buffer;
  readonly #nonce = Buffer.alloc(12);
  #counter = 0;

  constructor(key: Uint8Array) {
    if (key.byteLength !== AEAD_KEY_LENGTH) throw new RangeError('a frame key is 32 bytes');
    this.#key = Buffer.from(key);
  }

  /** How many frames this direction has sealed or opened. */
  get counter(): number {
    return this.#counter;
  }

  #nextNonce(): Buffer {
    // 2^53 frames would take centuries; refusing beats ever reusing a nonce.
    if (this.#counter >= Number.MAX_SAFE_INTEGER) throw new RangeError('frame counter exhausted');
    this.#nonce.writeUInt32BE(Math.floor(this.#counter / 0x1_0000_0000), 4);
    this.#nonce.writeUInt32BE(this.#counter >>> 0, 8);
    this.#counter += 1;
    return this.#nonce;
  }

  /** Returns the whole frame: header, ciphertext, tag. */
  seal(plaintext: Uint8Array): Buffer {
    const header = Buffer.allocUnsafe(FRAME_HEADER_LENGTH);
    header.writeUInt32BE(plaintext.byteLength + AEAD_TAG_LENGTH, 0);
    const cipher = createCipheriv('aes-256-gcm', this.#key, this.#nextNonce());
    cipher.setAAD(header);
    const body = cipher.update(plaintext);
    cipher.final();
    return Buffer.concat([header, body, cipher.getAuthTag()]);
  }

  /** Opens one frame body (ciphertext + tag) read after `header`; null when it does not authenticate. */
  open(header: Buffer, body: Buffer): Buffer | null {
    if (body.byteLength < AEAD_TAG_LENGTH) return null;
    const decipher = createDecipheriv('aes-256-gcm', this.#key, this.#nextNonce());
    decipher.setAAD(header);
    decipher.setAuthTag(body.subarray(body.byteLength - AEAD_TAG_LENGTH));
    const plaintext = decipher.update(body.subarray(0, body.byteLength - AEAD_TAG_LENGTH));
    try {
      decipher.final();
    } catch {
      return null;
    }
    return plaintext;
  }
}
