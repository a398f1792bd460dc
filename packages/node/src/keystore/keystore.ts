/**
 * Encrypted key files. A key never touches the disk in the clear: its 32-byte seed is encrypted with
 * AES-256-GCM under a key derived from a passphrase by scrypt (both from node:crypto, i.e. OpenSSL).
 * The public key and address stay readable so operators can see whose key a file holds.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
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
