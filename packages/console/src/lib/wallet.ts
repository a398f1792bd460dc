/**
 * The consumer's wallet in this browser. The seed is generated here (WebCrypto), stored only encrypted
 * (the SDK keystore: PBKDF2-SHA256 600,000 rounds → AES-256-GCM) in localStorage, and never sent
 * anywhere: the console sends the node only signatures and one-time order-key addresses. Unlocked, the
 * wallet lives in memory until the page is closed or locked. The number of order keys used is kept
 * beside the keystore so "my purchases" can be listed by re-deriving them (docs/brief.md §2).
 */
import {
  decryptKeystore,
  generateWallet,
  type Keystore,
  type OrderKey,
  type Wallet,
  walletFromBackupPhrase,
  walletFromSeed,
} from '@hanglian/sdk';
import { settings } from './settings.js';

interface StoredWallet {
  readonly keystore: Keystore;
  /** Order keys 0 … used-1 have been handed out (one per order). */
  readonly used: number;
  /** Grant keys 0 … grants-1 signed a grant recorded on chain (one key per grant). */
  readonly grants?: number;
}

const KEY = 'wallet';
export const MIN_PASSWORD = 8;
let unlocked: Wallet | undefined;
const listeners = new Set<() => void>();

function stored(): StoredWallet | undefined {
  const raw = settings.get(KEY);
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw) as StoredWallet;
  } catch {
    return undefined;
  }
}

function save(value: StoredWallet): void {
  settings.set(KEY, JSON.stringify(value));
  for (const l of listeners) l();
}

export const browserWallet = {
  exists: () => stored() !== undefined,
  isUnlocked: () => unlocked !== undefined,
  used: () => stored()?.used ?? 0,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** Creates a wallet (or restores one from its 24 words), encrypts it under the password, and unlocks it. */
  async create(password: string, phrase?: string): Promise<Wallet> {
    if (password.length < MIN_PASSWORD)
      throw new Error(`the password needs at least ${MIN_PASSWORD} characters`);
    const wallet = phrase === undefined ? generateWallet() : walletFromBackupPhrase(phrase);
    const keystore = await wallet.encrypt(password);
    unlocked = wallet;
    save({ keystore, used: 0 });
    return wallet;
  },
  async unlock(password: string): Promise<void> {
    const value = stored();
    if (value === undefined) throw new Error('no wallet in this browser');
    unlocked = walletFromSeed(await decryptKeystore(value.keystore, password));
    for (const l of listeners) l();
  },
  lock(): void {
    unlocked = undefined;
    for (const l of listeners) l();
  },
  /** Deletes the encrypted wallet from this browser (the backup phrase restores it). */
  forget(): void {
    unlocked = undefined;
    settings.set(KEY, null);
    for (const l of listeners) l();
  },
  wallet(): Wallet {
    if (unlocked === undefined) throw new Error('unlock the wallet first');
    return unlocked;
  },
  /** A fresh order key for a new order: never used before, so orders stay unlinkable on the ledger. */
  nextOrderKey(): OrderKey {
    const value = stored();
    if (value === undefined || unlocked === undefined) throw new Error('unlock the wallet first');
    const key = unlocked.orderKey(value.used);
    save({ ...value, used: value.used + 1 });
    return key;
  },
  orderKeys(): OrderKey[] {
    return unlocked === undefined ? [] : unlocked.orderKeys({ count: browserWallet.used() });
  },
  /** How many grants this wallet has made (grant keys 0 … n-1). */
  grants: () => stored()?.grants ?? 0,
  /** The grant key a new grant will use; `grantRecorded` counts it once the chain has the grant. */
  nextGrantKey(): { index: number; key: OrderKey } {
    const value = stored();
    if (value === undefined || unlocked === undefined) throw new Error('unlock the wallet first');
    const index = value.grants ?? 0;
    return { index, key: unlocked.grantKey(index) };
  },
  grantRecorded(index: number): void {
    const value = stored();
    if (value !== undefined && (value.grants ?? 0) <= index) save({ ...value, grants: index + 1 });
  },
  /** The order key that placed an order (the order's `buyer`), if this wallet holds it. */
  keyFor(buyer: string): OrderKey | undefined {
    return browserWallet.orderKeys().find((k) => k.address === buyer);
  },
};
