/**
 * The encrypted keystore of a wallet seed (or any 32-byte key seed): PBKDF2-HMAC-SHA256 stretches the
 * password, AES-256-GCM encrypts and authenticates the seed. Both through WebCrypto (`crypto.subtle`),
 * present in every browser and in Node >= 19, so one file opens anywhere and no JavaScript cipher is
 * needed. PBKDF2 rather than scrypt because WebCrypto has no scrypt; 600,000 iterations follows OWASP's
 * 2023 advice for PBKDF2-HMAC-SHA256.
 */
import { bytesToHex, hexToBytes } from '@hanglian/core';
import { HanglianSdkError, SdkErrors } from '../errors.js';

export const KEYSTORE_VERSION = 1;
export const DEFAULT_KEYSTORE_ITERATIONS = 600_000;
const MIN_ITERATIONS = 1_000;
// A keystore is input too: refuse one that would make us spin for minutes.
const MAX_ITERATIONS = 10_000_000;
// Binds the ciphertext to this format, so it cannot be replayed as some other kind of encrypted blob.
const ASSOCIATED_DATA = new TextEncoder().encode('hanglian/keystore/v1');

/** The keystore file: JSON, safe to store anywhere the ciphertext may be seen. */
export interface Keystore {
  readonly version: 1;
  /** What the seed is for, e.g. `wallet` or `member`: a label, not a secret. */
  readonly kind: string;
  readonly kdf: {
    readonly name: 'PBKDF2';
    readonly hash: 'SHA-256';
    readonly iterations: number;
    readonly salt: string;
  };
  readonly cipher: { readonly name: 'AES-GCM'; readonly iv: string };
  /** The encrypted seed followed by the 16-byte GCM tag, as hex. */
  readonly ciphertext: string;
}

export interface EncryptKeystoreOptions {
  readonly kind?: string;
  /** PBKDF2 iterations (default 600,000; tests may use fewer, at least 1,000). */
  readonly iterations?: number;
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) throw new Error('WebCrypto (crypto.subtle) is not available in this runtime');
  return s;
}

async function deriveAesKey(password: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const material = await subtle().importKey(
    'raw',
    new TextEncoder().encode(password.normalize('NFKC')),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return subtle().deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/**
 * Encrypts a seed under a password.
 *
 * @example
 * ```ts
 * const keystore = await encryptKeystore(wallet.exportSeed(), 'correct horse battery staple');
 * localStorage.setItem('hanglian-wallet', JSON.stringify(keystore));
 * ```
 */
export async function encryptKeystore(
  seed: Uint8Array,
  password: string,
  options: EncryptKeystoreOptions = {},
): Promise<Keystore> {
  const iterations = options.iterations ?? DEFAULT_KEYSTORE_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new RangeError(`iterations must be an integer from ${MIN_ITERATIONS} to ${MAX_ITERATIONS}`);
  }
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const key = await deriveAesKey(password, salt, iterations);
  const ciphertext = new Uint8Array(
    await subtle().encrypt(
      { name: 'AES-GCM', iv, additionalData: ASSOCIATED_DATA },
      key,
      seed as BufferSource,
    ),
  );
  return {
    version: KEYSTORE_VERSION,
    kind: options.kind ?? 'wallet',
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: bytesToHex(salt) },
    cipher: { name: 'AES-GCM', iv: bytesToHex(iv) },
    ciphertext: bytesToHex(ciphertext),
  };
}

/**
 * Decrypts a keystore. A wrong password, or any change to the file, throws `SDK_KEYSTORE_WRONG_PASSWORD`
 * (GCM cannot tell the two apart); a file of another format throws `SDK_KEYSTORE_INVALID`.
 *
 * @example
 * ```ts
 * const seed = await decryptKeystore(JSON.parse(text), password);
 * const wallet = walletFromSeed(seed);
 * ```
 */
export async function decryptKeystore(keystore: unknown, password: string): Promise<Uint8Array> {
  const k = keystore as Partial<Keystore> | null;
  const iterations = k?.kdf?.iterations;
  let salt: Uint8Array;
  let iv: Uint8Array;
  let ciphertext: Uint8Array;
  try {
    if (
      k?.version !== KEYSTORE_VERSION ||
      k.kdf?.name !== 'PBKDF2' ||
      k.kdf.hash !== 'SHA-256' ||
      k.cipher?.name !== 'AES-GCM' ||
      typeof iterations !== 'number' ||
      !Number.isInteger(iterations) ||
      iterations < MIN_ITERATIONS ||
      iterations > MAX_ITERATIONS
    ) {
      throw new Error('unknown format or parameters');
    }
    salt = hexToBytes(String(k.kdf.salt));
    iv = hexToBytes(String(k.cipher.iv));
    ciphertext = hexToBytes(String(k.ciphertext));
    if (iv.length !== 12 || salt.length < 16 || ciphertext.length < 17)
      throw new Error('wrong field lengths');
  } catch (error) {
    throw new HanglianSdkError(SdkErrors.SDK_KEYSTORE_INVALID, 'not a Hanglian keystore (version 1)', {
      cause: error,
    });
  }
  const key = await deriveAesKey(password, salt, iterations);
  try {
    return new Uint8Array(
      await subtle().decrypt(
        { name: 'AES-GCM', iv: iv as BufferSource, additionalData: ASSOCIATED_DATA },
        key,
        ciphertext as BufferSource,
      ),
    );
  } catch (error) {
    throw new HanglianSdkError(
      SdkErrors.SDK_KEYSTORE_WRONG_PASSWORD,
      'wrong password, or the keystore was altered',
      {
        cause: error,
      },
    );
  }
}
