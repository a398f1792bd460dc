/**
 * A consumer's wallet on the command line: one encrypted file (the SDK keystore: PBKDF2-SHA256 and
 * AES-256-GCM over the 32-byte seed), opened with a passphrase from `--wallet-passphrase-file` or the
 * HANGLIAN_WALLET_PASSPHRASE environment variable. The passphrase and the seed are never printed or
 * logged; the backup phrase is printed once, by `hanglian wallet new`.
 *
 * Also the JSON convention for bytes in command parameters: `{"$hex": "…"}` stands for those bytes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { HanglianError, hexToBytes } from '@hanglian/core';
import { decryptKeystore, type OrderKey, type Wallet, walletFromSeed } from '@hanglian/sdk';
import type { Command } from 'commander';
import { CliErrors } from './errors.js';

export const WALLET_PASSPHRASE_ENV = 'HANGLIAN_WALLET_PASSPHRASE';
const MIN_NEW_PASSPHRASE = 8;

export interface WalletFileOptions {
  wallet: string;
  walletPassphraseFile?: string;
}

/** `--wallet <file>` (required) and `--wallet-passphrase-file <file>`. */
export function withWalletOptions(command: Command): Command {
  return command
    .requiredOption('--wallet <file>', 'the encrypted wallet file (hanglian wallet new)')
    .option(
      '--wallet-passphrase-file <file>',
      `file holding the wallet passphrase (default: ${WALLET_PASSPHRASE_ENV})`,
    );
}

/** The wallet passphrase; `forNew` also enforces a minimum length. Never echoed. */
export function walletPassphrase(opts: { walletPassphraseFile?: string }, forNew = false): string {
  let passphrase: string | undefined;
  if (opts.walletPassphraseFile !== undefined) {
    try {
      passphrase = readFileSync(opts.walletPassphraseFile, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new HanglianError(
        CliErrors.CLI_FILE_UNREADABLE,
        `cannot read the wallet passphrase file ${opts.walletPassphraseFile}`,
        { cause: error },
      );
    }
  } else passphrase = process.env[WALLET_PASSPHRASE_ENV];
  if (passphrase === undefined || passphrase.length === 0) {
    throw new HanglianError(
      CliErrors.CLI_WALLET_PASSPHRASE_MISSING,
      `no wallet passphrase: give --wallet-passphrase-file FILE or set ${WALLET_PASSPHRASE_ENV}`,
    );
  }
  if (forNew && [...passphrase].length < MIN_NEW_PASSPHRASE) {
    throw new HanglianError(
      CliErrors.CLI_WALLET_PASSPHRASE_SHORT,
      `a wallet passphrase needs at least ${MIN_NEW_PASSPHRASE} characters`,
    );
  }
  return passphrase;
}

/** Opens a wallet file (a wrong passphrase is `SDK_KEYSTORE_WRONG_PASSWORD`). */
export async function openWallet(opts: WalletFileOptions): Promise<Wallet> {
  const passphrase = walletPassphrase(opts);
  const keystore = readJsonFile(opts.wallet, 'wallet file');
  return walletFromSeed(await decryptKeystore(keystore, passphrase));
}

/** Writes a new wallet file readable by its owner only; never overwrites one. */
export async function writeWalletFile(path: string, wallet: Wallet, passphrase: string): Promise<void> {
  refuseExisting(path);
  const keystore = await wallet.encrypt(passphrase);
  writeFileSync(path, `${JSON.stringify(keystore, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
}

export function refuseExisting(path: string): void {
  if (existsSync(path)) {
    throw new HanglianError(CliErrors.CLI_FILE_EXISTS, `${path} exists: choose another file`);
  }
}

export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new HanglianError(CliErrors.CLI_FILE_UNREADABLE, `cannot read the ${what} ${path}`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HanglianError(CliErrors.CLI_FILE_UNREADABLE, `the ${what} ${path} is not JSON`, {
      cause: error,
    });
  }
}

/** A key index: a whole number from 0 to 2^32 - 1. */
export function parseIndex(raw: string | undefined, option: string): number {
  const n = raw === undefined ? Number.NaN : Number(raw);
  if (raw === undefined || !/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n > 0xffff_ffff) {
    throw new HanglianError(
      CliErrors.CLI_BAD_OPTION,
      `${option} must be a whole number from 0 to 4294967295 (got ${raw === undefined ? 'nothing' : JSON.stringify(raw)})`,
    );
  }
  return n;
}

export interface OrderKeyOptions {
  wallet?: string;
  orderKey?: string;
  walletPassphraseFile?: string;
}

/** `--wallet`, `--order-key` and `--wallet-passphrase-file` on a command that may add an order key as actor. */
export function withOrderKeyOptions(command: Command): Command {
  return command
    .option('--wallet <file>', "a consumer's wallet file: its order key co-signs as an actor")
    .option('--order-key <index>', 'which order key of --wallet co-signs (0, 1, 2, …)')
    .option(
      '--wallet-passphrase-file <file>',
      `file holding the wallet passphrase (default: ${WALLET_PASSPHRASE_ENV})`,
    );
}

/** The order key named by `--wallet` and `--order-key` (both or neither), as a list of actors. */
export async function orderKeyActors(opts: OrderKeyOptions): Promise<OrderKey[]> {
  if (opts.wallet === undefined && opts.orderKey === undefined) return [];
  if (opts.wallet === undefined || opts.orderKey === undefined) {
    throw new HanglianError(
      CliErrors.CLI_BAD_OPTION,
      '--wallet and --order-key go together: the wallet file and which of its order keys co-signs',
    );
  }
  const index = parseIndex(opts.orderKey, '--order-key');
  const wallet = await openWallet({ ...opts, wallet: opts.wallet });
  return [wallet.orderKey(index)];
}

/**
 * The convention for bytes in JSON parameters: an object with the single key `$hex` (a string of hex
 * digits, even in number) stands for those bytes, at any depth. Everything else is left as it is.
 *
 * @example
 * decodeBytes({ delivery: { $hex: '0a0b' } }) // → { delivery: Uint8Array [10, 11] }
 */
export function decodeBytes(value: unknown, path = 'params'): unknown {
  if (Array.isArray(value)) return value.map((v, i) => decodeBytes(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.some(([k]) => k === '$hex')) {
    const hex = (value as { $hex: unknown }).$hex;
    if (
      entries.length !== 1 ||
      typeof hex !== 'string' ||
      !/^([0-9a-fA-F]{2})*$/.test(hex.startsWith('0x') ? hex.slice(2) : hex)
    ) {
      throw new HanglianError(
        CliErrors.CLI_BAD_BYTES,
        `${path}: bytes are written {"$hex": "<an even number of hex digits>"} with no other key`,
      );
    }
    return hexToBytes((hex.startsWith('0x') ? hex.slice(2) : hex).toLowerCase());
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, decodeBytes(v, `${path}.${k}`)]));
}
