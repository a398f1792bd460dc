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
  // The public key is authenticated data: swapping it in the file makes decryption fail.
  cipher.setAAD(Buffer.from(key.publicKey));
  const ciphertext = Buffer.concat([cipher.update(key.exportSeed()), cipher.final()]);
  return {
    version: 1,
    suite: 'ed25519-sha256',
    label,
    publicKey: bytesToHex(key.publicKey),
    address: addressFromPublicKey(key.publicKey),
    crypto: {
      kdf: 'scrypt',
      kdfParams: { N, r, p, salt: salt.toString('hex') },
      cipher: 'aes-256-gcm',
      iv: iv.toString('hex'),
      tag: cipher.getAuthTag().toString('hex'),
      ciphertext: ciphertext.toString('hex'),
    },
  };
}

export function decryptKey(file: KeystoreFile, passphrase: string): SigningKey {
  if (file?.version !== 1 || file.crypto?.kdf !== 'scrypt' || file.crypto?.cipher !== 'aes-256-gcm') {
    throw new HanglianError(NodeErrors.KEYSTORE_INVALID, 'not a version-1 Hanglian keystore');
  }
  const { N, r, p, salt } = file.crypto.kdfParams;
  const publicKey = hexToBytes(file.publicKey);
  let seed: Buffer;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      deriveKey(passphrase, hexToBytes(salt), N, r, p),
      hexToBytes(file.crypto.iv),
    );
    decipher.setAAD(Buffer.from(publicKey));
    decipher.setAuthTag(Buffer.from(hexToBytes(file.crypto.tag)));
    seed = Buffer.concat([decipher.update(hexToBytes(file.crypto.ciphertext)), decipher.final()]);
  } catch (error) {
    throw new HanglianError(
      NodeErrors.KEYSTORE_BAD_PASSPHRASE,
      `cannot decrypt key "${file.label}": wrong passphrase or damaged file`,
      {
        cause: error,
      },
    );
  }
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
  const file = encryptKey(key, passphrase, label, N);
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  return file;
}

export function readKeyFile(path: string, passphrase: string): SigningKey {
  let file: KeystoreFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as KeystoreFile;
  } catch (error) {
    throw new HanglianError(NodeErrors.KEYSTORE_INVALID, `cannot read key file ${path}`, { cause: error });
  }
  return decryptKey(file, passphrase);
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
export function generateEncryptionKeyPair(): EncryptionKeyPair {
  const { privateKey } = generateKeyPairSync('x25519');
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
  cipher.setAAD(Buffer.from(pair.publicKey));
  const ciphertext = Buffer.concat([cipher.update(pair.privateKey), cipher.final()]);
  return {
    version: 1,
    suite: 'x25519',
    label,
    publicKey: bytesToHex(pair.publicKey),
    crypto: {
      kdf: 'scrypt',
      kdfParams: { N, r, p, salt: salt.toString('hex') },
      cipher: 'aes-256-gcm',
      iv: iv.toString('hex'),
      tag: cipher.getAuthTag().toString('hex'),
      ciphertext: ciphertext.toString('hex'),
    },
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
  const { N, r, p, salt } = file.crypto.kdfParams;
  const publicKey = hexToBytes(file.publicKey);
  let privateKey: Buffer;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      deriveKey(passphrase, hexToBytes(salt), N, r, p),
      hexToBytes(file.crypto.iv),
    );
    decipher.setAAD(Buffer.from(publicKey));
    decipher.setAuthTag(Buffer.from(hexToBytes(file.crypto.tag)));
    privateKey = Buffer.concat([decipher.update(hexToBytes(file.crypto.ciphertext)), decipher.final()]);
  } catch (error) {
    throw new HanglianError(
      NodeErrors.KEYSTORE_BAD_PASSPHRASE,
      `cannot decrypt key "${file.label}": wrong passphrase or damaged file`,
      { cause: error },
    );
  }
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
  const file = encryptEncryptionKey(pair, passphrase, label, N);
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  return file;
}

export function readEncryptionKeyFile(path: string, passphrase: string): EncryptionKeyPair {
  let file: EncryptionKeystoreFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as EncryptionKeystoreFile;
  } catch (error) {
    throw new HanglianError(NodeErrors.KEYSTORE_INVALID, `cannot read key file ${path}`, { cause: error });
  }
  return decryptEncryptionKey(file, passphrase);
}
