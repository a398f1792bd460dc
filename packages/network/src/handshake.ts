/**
 * The link handshake, as pure functions over bytes (the socket driving lives in link.ts). In the spirit of
 * Tendermint's SecretConnection and Noise XX: both sides send an ephemeral X25519 key, derive per-direction
 * AES-256-GCM keys with HKDF-SHA256 salted by the transcript hash, then each proves its long-term Ed25519
 * node key by signing the transcript hash, a DH-derived challenge and its role. The exact bytes are in the
 * package README.
 */
import type { KeyObject } from 'node:crypto';
import { createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync } from 'node:crypto';
import type { SigningKey } from '@hanglian/core';
import { compareBytes, concatBytes, ed25519Sha256, sha256, utf8 } from '@hanglian/core';
import { AUTH_PLAINTEXT_LENGTH, FrameType, HELLO_LENGTH, HELLO_MAGIC, PROTOCOL_NAME } from './wire.js';

// DER prefix that wraps a raw 32-byte X25519 public key (RFC 8410), so OpenSSL can import it.
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

const TRANSCRIPT_LABEL = utf8(`${PROTOCOL_NAME} handshake`);
const KEYS_LABEL = utf8(`${PROTOCOL_NAME} keys`);
const AUTH_LABEL = utf8(`${PROTOCOL_NAME} auth`);

/** SHA-256 of the chain id's UTF-8 bytes: what a hello carries, so nodes of different chains never talk. */
export function chainIdHash(chainId: string): Uint8Array {
  return sha256(utf8(chainId));
}

/** One side's ephemeral key pair; used for one handshake and dropped. */
export interface EphemeralKey {
  readonly publicKey: Uint8Array;
  readonly privateKey: KeyObject;
}

export function generateEphemeralKey(): EphemeralKey {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return { publicKey: new Uint8Array(spki.subarray(X25519_SPKI_PREFIX.length)), privateKey };
}

export function encodeHello(chainHash: Uint8Array, ephemeralPublicKey: Uint8Array): Buffer {
  return Buffer.concat([HELLO_MAGIC, chainHash, ephemeralPublicKey]);
}

export type HelloResult =
  | { readonly ok: true; readonly ephemeralPublicKey: Uint8Array }
  | { readonly ok: false; readonly reason: 'malformed-handshake' | 'wrong-chain' };

export function decodeHello(bytes: Uint8Array, expectedChainHash: Uint8Array): HelloResult {
  if (bytes.byteLength !== HELLO_LENGTH) return { ok: false, reason: 'malformed-handshake' };
  if (compareBytes(bytes.subarray(0, 4), HELLO_MAGIC) !== 0)
    return { ok: false, reason: 'malformed-handshake' };
  if (compareBytes(bytes.subarray(4, 36), expectedChainHash) !== 0)
    return { ok: false, reason: 'wrong-chain' };
  return { ok: true, ephemeralPublicKey: new Uint8Array(bytes.subarray(36, 68)) };
}

/** What both sides agree on after the hellos: keys for each direction and what each side must sign. */
export interface HandshakeSecrets {
  readonly sendKey: Uint8Array;
  readonly receiveKey: Uint8Array;
  /** The bytes this side signs. */
  readonly localAuthMessage: Uint8Array;
  /** The bytes the remote side must have signed. */
  readonly remoteAuthMessage: Uint8Array;
}

/**
 * Derives the link keys. Returns null when the exchange is unusable: both ephemeral keys equal (a reflected
 * hello) or a remote key that yields no shared secret (a low-order point; OpenSSL refuses those).
 */
export function deriveHandshakeSecrets(
  chainHash: Uint8Array,
  local: EphemeralKey,
  remoteEphemeralPublicKey: Uint8Array,
): HandshakeSecrets | null {
  const order = compareBytes(local.publicKey, remoteEphemeralPublicKey);
  if (order === 0) return null;
  let shared: Buffer;
  try {
    const remoteKey = createPublicKey({
      key: Buffer.concat([X25519_SPKI_PREFIX, remoteEphemeralPublicKey]),
      format: 'der',
      type: 'spki',
    });
    shared = diffieHellman({ privateKey: local.privateKey, publicKey: remoteKey });
  } catch {
    return null;
  }
  if (shared.every((byte) => byte === 0)) return null;
  const localIsLow = order < 0;
  const low = localIsLow ? local.publicKey : remoteEphemeralPublicKey;
  const high = localIsLow ? remoteEphemeralPublicKey : local.publicKey;
  const transcriptHash = sha256(concatBytes(TRANSCRIPT_LABEL, chainHash, low, high));
  const keyMaterial = new Uint8Array(hkdfSync('sha256', shared, transcriptHash, KEYS_LABEL, 96));
  const lowToHigh = keyMaterial.slice(0, 32);
  const highToLow = keyMaterial.slice(32, 64);
  const challenge = keyMaterial.slice(64, 96);
  // The role byte keeps one side's signature from being reflected back as the other side's.
  const authMessage = (role: number) =>
    concatBytes(AUTH_LABEL, transcriptHash, challenge, new Uint8Array([role]));
  return {
    sendKey: localIsLow ? lowToHigh : highToLow,
    receiveKey: localIsLow ? highToLow : lowToHigh,
    localAuthMessage: authMessage(localIsLow ? 0 : 1),
    remoteAuthMessage: authMessage(localIsLow ? 1 : 0),
  };
}

/** The plaintext of this side's auth frame. */
export function encodeAuth(nodeKey: SigningKey, secrets: HandshakeSecrets): Buffer {
  return Buffer.concat([
    Buffer.from([FrameType.auth]),
    nodeKey.publicKey,
    nodeKey.sign(secrets.localAuthMessage),
  ]);
}

/** The remote node key proven by an auth frame's plaintext, or null when the frame is malformed or forged. */
export function verifyAuth(plaintext: Uint8Array, secrets: HandshakeSecrets): Uint8Array | null {
  if (plaintext.byteLength !== AUTH_PLAINTEXT_LENGTH || plaintext[0] !== FrameType.auth) return null;
  const publicKey = new Uint8Array(plaintext.subarray(1, 33));
  const signature = plaintext.subarray(33, 97);
  return ed25519Sha256.verify(publicKey, secrets.remoteAuthMessage, signature) ? publicKey : null;
}
