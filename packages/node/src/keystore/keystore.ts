/**
 * Encrypted key files. A key never touches the disk in the clear: its 32-byte seed is encrypted with
 * AES-256-GCM under a key derived from a passphrase by scrypt (both from node:crypto, i.e. OpenSSL).
 * The public key and address stay readable so operators can see whose key a file holds.
 *
 * An organisation's X25519 encryption key (to which consumers seal delivery details) is kept the same
 * way, with `suite: "x25519"` and no address: `writeEncryptionKeyFile` / `readEncryptionKeyFile`.
 */
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  scryptSync,
} from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  addressFromPublicKey,
  bytesToHex,
  ed25519Sha256,
  HanglianError,
  hexToBytes,
  type SigningKey,
} from '@hanglian/core';
import { NodeErrors } from '../errors.js';

export interface KeystoreFile {
  readonly version: 1;
  readonly suite: 'ed25519-sha256';
  readonly label: string;
  readonly publicKey: string;
  readonly address: string;
  readonly crypto: {
    readonly kdf: 'scrypt';
    readonly kdfParams: { readonly N: number; readonly r: number; readonly p: number; readonly salt: string };
    readonly cipher: 'aes-256-gcm';
    readonly iv: string;
    readonly tag: string;
    readonly ciphertext: string;
  };
}

/**
 * The one envelope of every key file: scrypt derives an AES-256-GCM key from the passphrase; the public
 * key is authenticated data, so swapping it in the file makes decryption fail.
 */
function sealSecret(
  secret: Uint8Array,
  publicKey: Uint8Array,
  passphrase: string,
  N: number,
): KeystoreFile['crypto'] {
  if (passphrase.length === 0) {
    throw new HanglianError(
      NodeErrors.KEYSTORE_BAD_PASSPHRASE,
      'an empty passphrase would not protect the key',
    );
  }
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const r = 8;
  const p = 1;
  const cipher = createCipheriv('aes-256-gcm', deriveKey(passphrase, salt, N, r, p), iv);
  cipher.setAAD(Buffer.from(publicKey));
  const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
  return {
    kdf: 'scrypt',
    kdfParams: { N, r, p, salt: salt.toString('hex') },
    cipher: 'aes-256-gcm',
    iv: iv.toString('hex'),
    tag: cipher.getAuthTag().toString('hex'),
    ciphertext: ciphertext.toString('hex'),
  };
}

function openSecret(
  crypto: KeystoreFile['crypto'],
  publicKey: Uint8Array,
  passphrase: string,
  label: string,
): Buffer {
  const { N, r, p, salt } = crypto.kdfParams;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      deriveKey(passphrase, hexToBytes(salt), N, r, p),
      hexToBytes(crypto.iv),
    );
    decipher.setAAD(Buffer.from(publicKey));
    decipher.setAuthTag(Buffer.from(hexToBytes(crypto.tag)));
    return Buffer.concat([decipher.update(hexToBytes(crypto.ciphertext)), decipher.final()]);
  } catch (error) {
    throw new HanglianError(
      NodeErrors.KEYSTORE_BAD_PASSPHRASE,
      `cannot decrypt key "${label}": wrong passphrase or damaged file`,
      { cause: error },
    );
  }
}

function writeJsonKeyFile<F>(path: string, file: F): F {
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  return file;
}

function readJsonKeyFile<F>(path: string): F {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as F;
  } catch (error) {
    throw new HanglianError(NodeErrors.KEYSTORE_INVALID, `cannot read key file ${path}`, { cause: error });
  }
}

/** scrypt cost: 2^15 takes ~100 ms here, which slows passphrase guessing without slowing a node's start. */
export const DEFAULT_SCRYPT_N = 2 ** 15;

function deriveKey(passphrase: string, salt: Uint8Array, N: number, r: number, p: number): Buffer {
  return scryptSync(passphrase.normalize('NFKC'), salt, 32, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
}

export function encryptKey(
  key: SigningKey,
  passphrase: string,
  label: string,
  N = DEFAULT_SCRYPT_N,
): KeystoreFile {
  return {
    version: 1,
    suite: 'ed25519-sha256',
    label,
    publicKey: bytesToHex(key.publicKey),
    address: addressFromPublicKey(key.publicKey),
    crypto: sealSecret(key.exportSeed(), key.publicKey, passphrase, N),
  };
}

export function decryptKey(file: KeystoreFile, passphrase: string): SigningKey {
  if (file?.version !== 1 || file.crypto?.kdf !== 'scrypt' || file.crypto?.cipher !== 'aes-256-gcm') {
    throw new HanglianError(NodeErrors.KEYSTORE_INVALID, 'not a version-1 Hanglian keystore');
  }
  const seed = openSecret(file.crypto, hexToBytes(file.publicKey), passphrase, file.label);
  const key = ed25519Sha256.signingKeyFromSeed(seed);
  seed.fill(0);
  if (bytesToHex(key.publicKey) !== file.publicKey) {
    throw new HanglianError(
      NodeErrors.KEYSTORE_INVALID,
      `key file "${file.label}" holds another key than it names`,
    );
  }
  return key;
}

export function writeKeyFile(
  path: string,
  key: SigningKey,
  passphrase: string,
  label: string,
  N?: number,
): KeystoreFile {
  return writeJsonKeyFile(path, encryptKey(key, passphrase, label, N));
}

export function readKeyFile(path: string, passphrase: string): SigningKey {
  return decryptKey(readJsonKeyFile<KeystoreFile>(path), passphrase);
}

/** An X25519 key pair: an organisation's key for sealed data (delivery details). */
export interface EncryptionKeyPair {
  readonly publicKey: Uint8Array;
  readonly privateKey: Uint8Array;
}

export interface EncryptionKeystoreFile {
  readonly version: 1;
  readonly suite: 'x25519';
  readonly label: string;
  readonly publicKey: string;
  readonly crypto: KeystoreFile['crypto'];
}

// PKCS#8 wrapping of a raw X25519 private key (RFC 8410), so node:crypto (OpenSSL) derives its public key.
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  const key = createPrivateKey({
    key: Buffer.concat([X25519_PKCS8_PREFIX, privateKey]),
    format: 'der',
    type: 'pkcs8',
  });
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(jwk.x as string, 'base64url'));
}

/** A fresh X25519 key pair from OpenSSL's CSPRNG. */
/**
 * A new X25519 key pair; from `seed` (32 bytes) when given, for deterministic simulations and tests
 * only (the private key is the seed).
 */
export function generateEncryptionKeyPair(seed?: Uint8Array): EncryptionKeyPair {
  const privateKey =
    seed === undefined
      ? generateKeyPairSync('x25519').privateKey
      : createPrivateKey({
          // PKCS#8 wrapping of a raw X25519 private key (RFC 8410): a fixed prefix, then the 32 bytes.
          key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), Buffer.from(seed)]),
          format: 'der',
          type: 'pkcs8',
        });
  const jwk = privateKey.export({ format: 'jwk' });
  return {
    publicKey: new Uint8Array(Buffer.from(jwk.x as string, 'base64url')),
    privateKey: new Uint8Array(Buffer.from(jwk.d as string, 'base64url')),
  };
}

export function encryptEncryptionKey(
  pair: EncryptionKeyPair,
  passphrase: string,
  label: string,
  N = DEFAULT_SCRYPT_N,
): EncryptionKeystoreFile {
  return {
    version: 1,
    suite: 'x25519',
    label,
    publicKey: bytesToHex(pair.publicKey),
    crypto: sealSecret(pair.privateKey, pair.publicKey, passphrase, N),
  };
}

export function decryptEncryptionKey(file: EncryptionKeystoreFile, passphrase: string): EncryptionKeyPair {
  if (
    file?.version !== 1 ||
    file.suite !== 'x25519' ||
    file.crypto?.kdf !== 'scrypt' ||
    file.crypto?.cipher !== 'aes-256-gcm'
  ) {
    throw new HanglianError(NodeErrors.KEYSTORE_INVALID, 'not a version-1 Hanglian X25519 keystore');
  }
  const publicKey = hexToBytes(file.publicKey);
  const privateKey = openSecret(file.crypto, publicKey, passphrase, file.label);
  if (privateKey.byteLength !== 32 || bytesToHex(x25519PublicKey(privateKey)) !== file.publicKey) {
    throw new HanglianError(
      NodeErrors.KEYSTORE_INVALID,
      `key file "${file.label}" holds another key than it names`,
    );
  }
  return { publicKey, privateKey: new Uint8Array(privateKey) };
}

export function writeEncryptionKeyFile(
  path: string,
  pair: EncryptionKeyPair,
  passphrase: string,
  label: string,
  N?: number,
): EncryptionKeystoreFile {
  return writeJsonKeyFile(path, encryptEncryptionKey(pair, passphrase, label, N));
}

export function readEncryptionKeyFile(path: string, passphrase: string): EncryptionKeyPair {
  return decryptEncryptionKey(readJsonKeyFile<EncryptionKeystoreFile>(path), passphrase);
}
