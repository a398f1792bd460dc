/**
 * A consumer's wallet (docs/brief.md §2). One 32-byte seed, backed up as 24 words; from it, one Ed25519 key per
 * order (see derivation.ts), so orders are unlinkable on chain while the wallet alone can list them.
 * The seed is held privately and leaves only through `exportSeed` (for the keystore) or the backup phrase.
 */
import { type Address, addressFromPublicKey, type SigningKey } from '@hanglian/core';
import { entropyToMnemonic, mnemonicToEntropy, validateMnemonic } from '@scure/bip39';
import { wordlist as english } from '@scure/bip39/wordlists/english.js';
import { HanglianSdkError, SdkErrors } from '../errors.js';
import type { Signer } from '../signer.js';
import { deriveGrantKey, deriveOrderKey, WALLET_SEED_LENGTH } from './derivation.js';
import { type EncryptKeystoreOptions, encryptKeystore, type Keystore } from './keystore.js';

/** One order key: its index, public key, address, and a signer to co-sign the order's transactions. */
export interface OrderKey extends Signer {
  readonly index: number;
  readonly address: Address;
  readonly publicKey: Uint8Array;
  /** The underlying key (for `signTx` or a keystore of its own). */
  readonly signingKey: SigningKey;
}

export interface Wallet {
  /**
   * The backup phrase: the seed's 32 bytes as 24 BIP-39 English words (with BIP-39's checksum). Note:
   * the words encode the seed itself; BIP-39's PBKDF2 "mnemonic to seed" step is not used.
   */
  backupPhrase(): string;
  /** The raw 32-byte seed (for `encryptKeystore`); handle it as the wallet itself. */
  exportSeed(): Uint8Array;
  /** The key of order `index` (0, 1, 2, …): the same index always gives the same key. */
  orderKey(index: number): OrderKey;
  /** `count` consecutive order keys from `from` (default 0). */
  orderKeys(range: { from?: number; count: number }): OrderKey[];
  /**
   * The key of grant `index` (privacy module): one per grant, independent of every order key, so grants
   * link neither to orders nor to each other on chain.
   */
  grantKey(index: number): OrderKey;
  /** The seed encrypted under a password (see `encryptKeystore`). */
  encrypt(password: string, options?: EncryptKeystoreOptions): Promise<Keystore>;
}

function makeOrderKey(seed: Uint8Array, index: number, derive = deriveOrderKey): OrderKey {
  const signingKey = derive(seed, index);
  return {
    index,
    address: addressFromPublicKey(signingKey.publicKey),
    publicKey: signingKey.publicKey,
    signingKey,
    sign: (message) => signingKey.sign(message),
  };
}

/**
 * A wallet from its 32-byte seed (e.g. decrypted from a keystore).
 *
 * @example
 * ```ts
 * const wallet = walletFromSeed(await decryptKeystore(keystore, password));
 * const first = wallet.orderKey(0).address;
 * ```
 */
export function walletFromSeed(seed: Uint8Array): Wallet {
  if (seed.byteLength !== WALLET_SEED_LENGTH) throw new RangeError('a wallet seed is 32 bytes');
  const secret = new Uint8Array(seed);
  const wallet: Wallet = {
    backupPhrase: () => entropyToMnemonic(secret, english),
    exportSeed: () => new Uint8Array(secret),
    orderKey: (index) => makeOrderKey(secret, index),
    orderKeys: ({ from = 0, count }) =>
      Array.from({ length: count }, (_, i) => makeOrderKey(secret, from + i)),
    grantKey: (index) => makeOrderKey(secret, index, deriveGrantKey),
    encrypt: (password, options) => encryptKeystore(secret, password, { kind: 'wallet', ...options }),
  };
  // Keep the seed out of console output and JSON.
  Object.defineProperty(wallet, 'toJSON', { value: () => ({ wallet: 'hanglian' }), enumerable: false });
  return wallet;
}

/**
 * A new wallet with a fresh random seed from the platform's CSPRNG (WebCrypto).
 *
 * @example
 * ```ts
 * const wallet = generateWallet();
 * showToUserOnce(wallet.backupPhrase());
 * ```
 */
export function generateWallet(): Wallet {
  return walletFromSeed(globalThis.crypto.getRandomValues(new Uint8Array(WALLET_SEED_LENGTH)));
}

/**
 * Restores a wallet from its 24-word backup phrase. Unknown words or a wrong checksum throw
 * `SDK_MNEMONIC_INVALID`.
 *
 * @example
 * ```ts
 * const wallet = walletFromBackupPhrase('legal winner thank year wave sausage worth useful legal winner …');
 * ```
 */
export function walletFromBackupPhrase(phrase: string): Wallet {
  const normalised = phrase.trim().toLowerCase().split(/\s+/).join(' ');
  if (!validateMnemonic(normalised, english) || normalised.split(' ').length !== 24) {
    throw new HanglianSdkError(
      SdkErrors.SDK_MNEMONIC_INVALID,
      'not a 24-word backup phrase of a Hanglian wallet',
    );
  }
  return walletFromSeed(mnemonicToEntropy(normalised, english));
}

/**
 * Finds the order keys a restored wallet has used, scanning indexes in order until `gapLimit`
 * consecutive unused ones (as BIP-44 wallets do). `isUsed` decides what "used" means for the app: a
 * balance or order found for the address, through a verified state read or the app's own records.
 *
 * @example
 * ```ts
 * const used = await discoverOrderKeys(wallet, async (key) => {
 *   const { value } = await light.getVerifiedState({ path: `settlement/balances/${key.address}` });
 *   return value !== null;
 * });
 * ```
 */
export async function discoverOrderKeys(
  wallet: Wallet,
  isUsed: (key: OrderKey) => Promise<boolean>,
  options: { gapLimit?: number; maxIndex?: number } = {},
): Promise<OrderKey[]> {
  const gapLimit = options.gapLimit ?? 20;
  const maxIndex = options.maxIndex ?? 100_000;
  const used: OrderKey[] = [];
  let gap = 0;
  for (let index = 0; index <= maxIndex && gap < gapLimit; index++) {
    const key = wallet.orderKey(index);
    if (await isUsed(key)) {
      used.push(key);
      gap = 0;
    } else {
      gap++;
    }
  }
  return used;
}
