/**
 * One encrypted, authenticated link over one TCP socket: drives the handshake (handshake.ts), then seals and
 * opens frames (wire.ts) and keeps the link alive with pings. It knows nothing of channels, scores or other
 * peers: whether to accept the remote identity is asked of `authorize`, and every opened frame is handed to
 * `onFrame`.
 *
 * States: hello → auth → authorizing → awaiting-ready → open → closed. Until `open`, only the exact
 * handshake frames are read; anything else, too much, or too late closes the socket.
 */
import type { Socket } from 'node:net';
import type { SigningKey } from '@hanglian/core';
import type { EphemeralKey, HandshakeSecrets } from './handshake.js';
import {
  decodeHello,
  deriveHandshakeSecrets,
  encodeAuth,
  encodeHello,
  generateEphemeralKey,
  verifyAuth,
} from './handshake.js';
import type { DisconnectReason, LinkDirection } from './interface.js';
import {
  AEAD_TAG_LENGTH,
  AUTH_PLAINTEXT_LENGTH,
  ByteQueue,
  FRAME_HEADER_LENGTH,
  FrameCipher,
  FrameType,
  HELLO_LENGTH,
} from './wire.js';

/** Reasons a goodbye frame can carry, by index; append only, the index is on the wire. */
export const GOODBYE_REASONS: readonly DisconnectReason[] = [
  'stopped',
  'not-member',
  'unexpected-key',
  'self',
  'blocked',
  'banned',
  'too-many-peers',
  'duplicate',
  'revoked',
  'malformed-frame',
];

/**
 * Bytes read ahead before the link opens. A peer that accepted us first may already send messages while we
 * still check it; past this we stop reading, so TCP flow control (not our memory) holds the rest.
 */
const PRE_OPEN_READ_AHEAD_BYTES = 64 * 1024;
/** Largest handshake-phase frame after auth: a goodbye (type + reason). */
const CONTROL_FRAME_LIMIT = 2;
/** After a goodbye, how long the socket may take to flush before it is destroyed. */
const GOODBYE_FLUSH_MS = 1000;

// 'draining': closed for this side (nothing more is sent, the owner was told), still reading the remote's
// data frames until its FIN: see `close`'s `drain`.
type LinkState = 'hello' | 'auth' | 'authorizing' | 'awaiting-ready' | 'open' | 'draining' | 'closed';

export interface LinkParams {
  readonly socket: Socket;
  readonly direction: LinkDirection;
  readonly chainHash: Uint8Array;
  readonly nodeKey: SigningKey;
  readonly maxFrameBytes: number;
  readonly handshakeTimeoutMs: number;
  readonly pingIntervalMs: number;
  readonly idleTimeoutMs: number;
  /** Decides whether the proven remote identity may have a link; a reason refuses it. */
  readonly authorize: (remotePublicKey: Uint8Array) => Promise<DisconnectReason | null>;
  readonly onOpen: (link: Link) => void;
  /** A data frame's plaintext (type byte first), never a control frame. */
  readonly onFrame: (link: Link, plaintext: Buffer) => void;
  /** Called once; `wasOpen` tells a dropped link from a refused handshake. */
  readonly onClose: (link: Link, reason: DisconnectReason, wasOpen: boolean) => void;
  /** The socket's buffer emptied: queued frames can go. */
  readonly onDrain: (link: Link) => void;
}

export class Link {
  readonly direction: LinkDirection;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Known once the remote's auth frame verified. */
  remotePublicKey: Uint8Array | null = null;
  /** The reason the remote gave in its goodbye, if it sent one. */
  remoteReason: DisconnectReason | null = null;
  openedAtMs = 0;

  readonly #params: LinkParams;
  readonly #socket: Socket;
  readonly #incoming = new ByteQueue();
  #state: LinkState = 'hello';
  #ephemeral: EphemeralKey | null;
  #secrets: HandshakeSecrets | null = null;
  #sendCipher: FrameCipher | null = null;
  #receiveCipher: FrameCipher | null = null;
  #handshakeTimer: NodeJS.Timeout | null;
  #pingTimer: NodeJS.Timeout | null = null;
  #lastReceivedMs = 0;
  #corked = false;

  constructor(params: LinkParams) {
    this.#params = params;
    this.#socket = params.socket;
    this.direction = params.direction;
    this.remoteAddress = params.socket.remoteAddress ?? '';
    this.remotePort = params.socket.remotePort ?? 0;
    this.#socket.setNoDelay(true);
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('drain', () => {
      if (this.#state === 'open') this.#params.onDrain(this);
    });
    this.#socket.on('error', () => this.close('socket-error'));
    this.#socket.on('close', () => this.close('remote-closed'));
    this.#handshakeTimer = setTimeout(() => this.close('handshake-timeout'), params.handshakeTimeoutMs);
    this.#ephemeral = generateEphemeralKey();
    this.#socket.write(encodeHello(params.chainHash, this.#ephemeral.publicKey));
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  get isClosed(): boolean {
    return this.#state === 'closed' || this.#state === 'draining';
  }

  /** Bytes waiting in the socket; the peer's send queues hold frames back above their high-water mark. */
  get writableLength(): number {
    return this.#socket.writableLength;
  }

  /** Seals and writes one data frame; only on an open link. Writes in one tick go out in one syscall. */
  send(plaintext: Uint8Array): void {
    if (this.#state !== 'open') return;
    if (!this.#corked) {
      this.#corked = true;
      this.#socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.#socket.uncork();
      });
    }
    this.#socket.write(this.#sendCipher!.seal(plaintext));
  }

  /**
   * Closes the link. With `goodbye`, and once keys exist, the remote is first told why, so it can tell a
   * refusal from a network fault. With `drain` as well (an open link replaced by a duplicate), the data
   * frames the remote sent before it saw the goodbye are still delivered, up to its FIN: it kept sending
   * on this link until then, and a message dropped here would be lost, not resent.
   */
  close(reason: DisconnectReason, options: { goodbye?: boolean; drain?: boolean } = {}): void {
    if (this.#state === 'draining') {
      // The remote's FIN, an error or the flush timer: the owner was told when draining began.
      this.#state = 'closed';
      this.#incoming.clear();
      this.#socket.destroy();
      return;
    }
    if (this.#state === 'closed') return;
    const wasOpen = this.#state === 'open';
    this.#state = 'closed';
    this.#clearTimers();
    this.#ephemeral = null;
    const reasonCode = GOODBYE_REASONS.indexOf(reason);
    if (options.goodbye === true && this.#sendCipher !== null && reasonCode >= 0 && !this.#socket.destroyed) {
      this.#socket.end(this.#sendCipher.seal(Uint8Array.of(FrameType.goodbye, reasonCode)));
      if (options.drain === true && wasOpen) this.#state = 'draining';
      else this.#incoming.clear();
      // Read on (and discard, unless draining) so the remote's FIN is seen and the socket closes at once;
      // the timer bounds how long a remote that never closes can hold it (and keeps a stopping
      // server.close() moving).
      this.#socket.resume();
      const destroyTimer = setTimeout(() => this.#socket.destroy(), GOODBYE_FLUSH_MS);
      this.#socket.once('close', () => clearTimeout(destroyTimer));
    } else {
      this.#incoming.clear();
      this.#socket.destroy();
    }
    this.#params.onClose(this, reason, wasOpen);
    if (this.#state === 'draining') this.#pump(); // frames already read
  }

  #clearTimers(): void {
    if (this.#handshakeTimer !== null) clearTimeout(this.#handshakeTimer);
    if (this.#pingTimer !== null) clearInterval(this.#pingTimer);
    this.#handshakeTimer = null;
    this.#pingTimer = null;
  }

  #onData(chunk: Buffer): void {
    if (this.#state === 'closed') return;
    this.#incoming.push(chunk);
    this.#pump();
    if (!this.isOpen && !this.isClosed && this.#incoming.length > PRE_OPEN_READ_AHEAD_BYTES) {
      this.#socket.pause();
    }
  }

  #pump(): void {
    while (true) {
      switch (this.#state) {
        case 'hello':
          if (this.#incoming.length < HELLO_LENGTH) return;
          this.#onHello(this.#incoming.take(HELLO_LENGTH));
          break;
        case 'auth': {
          const frame = this.#readFrame(
            Math.max(AUTH_PLAINTEXT_LENGTH, CONTROL_FRAME_LIMIT),
            'malformed-handshake',
          );
          if (frame === null) return;
          // The answering side refuses a dialler it did not admit with a goodbye instead of its auth.
          if (frame[0] === FrameType.goodbye && this.direction === 'outbound') this.#onGoodbye(frame);
          else this.#onAuth(frame);
          break;
        }
        case 'awaiting-ready': {
          const frame = this.#readFrame(CONTROL_FRAME_LIMIT, 'malformed-handshake');
          if (frame === null) return;
          this.#onControlBeforeOpen(frame);
          break;
        }
        case 'open': {
          const frame = this.#readFrame(this.#params.maxFrameBytes, 'frame-too-large');
          if (frame === null) return;
          this.#onOpenFrame(frame);
          break;
        }
        case 'draining': {
          const frame = this.#readFrame(this.#params.maxFrameBytes, 'frame-too-large');
          if (frame === null) return;
          // Data only: nothing is sent any more (a ping stays unanswered), a goodbye ends the drain.
          if (frame[0] === FrameType.goodbye) this.close('remote-goodbye');
          else if (frame[0] !== FrameType.ping && frame[0] !== FrameType.pong)
            this.#params.onFrame(this, frame);
          break;
        }
        case 'authorizing':
        case 'closed':
          return;
      }
    }
  }

  /** The next frame's plaintext, or null when incomplete or when the link closed. */
  #readFrame(maxPlaintextBytes: number, oversizeReason: DisconnectReason): Buffer | null {
    if (this.#incoming.length < FRAME_HEADER_LENGTH) return null;
    const bodyLength = this.#incoming.peekUInt32BE();
    // Checked before a single body byte is read: the declared length alone decides.
    if (bodyLength > maxPlaintextBytes + AEAD_TAG_LENGTH) {
      this.close(oversizeReason);
      return null;
    }
    if (bodyLength < AEAD_TAG_LENGTH + 1) {
      this.close(this.#state === 'open' ? 'malformed-frame' : 'malformed-handshake');
      return null;
    }
    if (this.#incoming.length < FRAME_HEADER_LENGTH + bodyLength) return null;
    const header = this.#incoming.take(FRAME_HEADER_LENGTH);
    const plaintext = this.#receiveCipher!.open(header, this.#incoming.take(bodyLength));
    if (plaintext === null) {
      this.close('decrypt-failed');
      return null;
    }
    this.#lastReceivedMs = Date.now();
    return plaintext;
  }

  #onHello(hello: Buffer): void {
    const decoded = decodeHello(hello, this.#params.chainHash);
    if (!decoded.ok) {
      this.close(decoded.reason);
      return;
    }
    const secrets = deriveHandshakeSecrets(
      this.#params.chainHash,
      this.#ephemeral!,
      decoded.ephemeralPublicKey,
    );
    this.#ephemeral = null; // forward secrecy: the private half is not needed again
    if (secrets === null) {
      this.close('malformed-handshake');
      return;
    }
    this.#secrets = secrets;
    this.#sendCipher = new FrameCipher(secrets.sendKey);
    this.#receiveCipher = new FrameCipher(secrets.receiveKey);
    // The dialling side proves itself first. The answering side says who it is only to a dialler it has
    // verified and admitted (#onAuthorized): anyone can reach a node's port, and before this a stranger
    // learned which organisation runs it from its signed auth frame (issue 16).
    if (this.direction === 'outbound') {
      this.#socket.write(this.#sendCipher.seal(encodeAuth(this.#params.nodeKey, secrets)));
    }
    this.#state = 'auth';
  }

  #onAuth(frame: Buffer): void {
    const remoteKey = verifyAuth(frame, this.#secrets!);
    // The answering side still signs its own auth once it has admitted the dialler.
    if (this.direction === 'outbound') this.#secrets = null;
    if (remoteKey === null) {
      this.close('bad-signature');
      return;
    }
    this.remotePublicKey = remoteKey;
    this.#state = 'authorizing';
    // Read nothing more from a peer we have not accepted: the kernel holds its bytes meanwhile.
    this.#socket.pause();
    this.#params.authorize(remoteKey).then(
      (refusal) => this.#onAuthorized(refusal),
      () => this.close('not-member'),
    );
  }

  #onAuthorized(refusal: DisconnectReason | null): void {
    if (this.#state !== 'authorizing') return;
    if (refusal !== null) {
      this.close(refusal, { goodbye: true });
      return;
    }
    if (this.direction === 'inbound') {
      this.#socket.write(this.#sendCipher!.seal(encodeAuth(this.#params.nodeKey, this.#secrets!)));
      this.#secrets = null;
    }
    this.#socket.write(this.#sendCipher!.seal(Uint8Array.of(FrameType.ready)));
    this.#state = 'awaiting-ready';
    this.#socket.resume();
    this.#pump();
  }

  #onControlBeforeOpen(frame: Buffer): void {
    if (frame[0] === FrameType.ready && frame.byteLength === 1) {
      this.#state = 'open';
      this.openedAtMs = Date.now();
      if (this.#handshakeTimer !== null) clearTimeout(this.#handshakeTimer);
      this.#handshakeTimer = null;
      this.#pingTimer = setInterval(() => this.#keepAlive(), this.#params.pingIntervalMs);
      this.#pingTimer.unref();
      this.#socket.resume(); // it may have been paused on read-ahead
      this.#params.onOpen(this);
      return;
    }
    if (frame[0] === FrameType.goodbye) {
      this.#onGoodbye(frame);
      return;
    }
    this.close('malformed-handshake');
  }

  #onOpenFrame(frame: Buffer): void {
    switch (frame[0]) {
      case FrameType.ping:
        if (frame.byteLength !== 9) {
          this.close('malformed-frame');
          return;
        }
        this.#socket.write(
          this.#sendCipher!.seal(Buffer.concat([Buffer.of(FrameType.pong), frame.subarray(1)])),
        );
        return;
      case FrameType.pong:
        return; // receiving it already refreshed the idle clock
      case FrameType.goodbye:
        this.#onGoodbye(frame);
        return;
      default:
        this.#params.onFrame(this, frame);
    }
  }

  #onGoodbye(frame: Buffer): void {
    this.remoteReason = GOODBYE_REASONS[frame[1] ?? -1] ?? null;
    this.close('remote-goodbye');
  }

  #keepAlive(): void {
    if (this.#state !== 'open') return;
    if (Date.now() - this.#lastReceivedMs > this.#params.idleTimeoutMs) {
      this.close('idle-timeout');
      return;
    }
    const ping = Buffer.allocUnsafe(9);
    ping[0] = FrameType.ping;
    ping.writeDoubleBE(Date.now(), 1);
    this.#socket.write(this.#sendCipher!.seal(ping));
  }
}
