import assert from 'node:assert/strict';
import { hkdfSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { addressFromPublicKey, bytesToHex, ed25519Sha256, hexToBytes } from '@hanglian/core';
import {
  decryptKeystore,
  deriveOrderKeySeed,
  discoverOrderKeys,
  generateWallet,
  walletFromBackupPhrase,
  walletFromSeed,
} from '../src/index.js';
import { rejectsWithCode } from './helpers.js';

const SEED = hexToBytes('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');

describe('wallet', () => {
  it('order keys follow the documented HKDF-SHA256 bytes (checked with node:crypto, independently)', () => {
    for (const index of [0, 1, 255, 4_294_967_295]) {
      const info = Buffer.concat([
        Buffer.from('hanglian/order-key/v1'),
        Buffer.from([index >>> 24, (index >>> 16) & 255, (index >>> 8) & 255, index & 255]),
      ]);
      const expected = new Uint8Array(hkdfSync('sha256', SEED, Buffer.from('hanglian/wallet/v1'), info, 32));
      assert.equal(bytesToHex(deriveOrderKeySeed(SEED, index)), bytesToHex(expected));
      const key = walletFromSeed(SEED).orderKey(index);
      assert.equal(
        bytesToHex(key.publicKey),
        bytesToHex(ed25519Sha256.signingKeyFromSeed(expected).publicKey),
      );
      assert.equal(key.address, addressFromPublicKey(key.publicKey));
    }
    assert.throws(() => deriveOrderKeySeed(SEED, -1), RangeError);
    assert.throws(() => deriveOrderKeySeed(SEED, 2 ** 32), RangeError);
  });

  it('is deterministic per seed and index, and distinct across indexes and seeds', () => {
    const a = walletFromSeed(SEED).orderKeys({ count: 50 });
    const again = walletFromSeed(SEED).orderKeys({ count: 50 });
    assert.deepEqual(
      a.map((k) => k.address),
      again.map((k) => k.address),
    );
    assert.equal(new Set(a.map((k) => k.address)).size, 50);
    const other = generateWallet().orderKeys({ count: 50 });
    assert.equal(
      a.some((k) => other.some((o) => o.address === k.address)),
      false,
    );
    assert.deepEqual(
      walletFromSeed(SEED)
        .orderKeys({ from: 10, count: 2 })
        .map((k) => k.index),
      [10, 11],
    );
  });

  it('order keys sign what the chain verifies', () => {
    const key = walletFromSeed(SEED).orderKey(3);
    const message = new TextEncoder().encode('hanglian/tx/v1\n…');
    assert.ok(ed25519Sha256.verify(key.publicKey, message, key.signingKey.sign(message)));
  });

  it('the 24-word backup phrase restores the same wallet; a wrong word or checksum is refused', () => {
    const wallet = generateWallet();
    const phrase = wallet.backupPhrase();
    assert.equal(phrase.split(' ').length, 24);
    const restored = walletFromBackupPhrase(`  ${phrase.toUpperCase()} `);
    assert.equal(restored.orderKey(7).address, wallet.orderKey(7).address);
    assert.equal(walletFromSeed(SEED).backupPhrase().split(' ')[0], 'abandon');
    const words = phrase.split(' ');
    words[23] = words[23] === 'zoo' ? 'abandon' : 'zoo';
    assert.throws(
      () => walletFromBackupPhrase(words.join(' ')),
      (e: { code?: string }) => e.code === 'SDK_MNEMONIC_INVALID',
    );
    assert.throws(
      () => walletFromBackupPhrase(words.slice(0, 12).join(' ')),
      (e: { code?: string }) => e.code === 'SDK_MNEMONIC_INVALID',
    );
  });

  it('the keystore opens with its password only and refuses tampering', async () => {
    const wallet = walletFromSeed(SEED);
    const keystore = await wallet.encrypt('correct horse', { iterations: 2_000 });
    assert.equal(JSON.stringify(keystore).includes(bytesToHex(SEED)), false);
    assert.equal(
      bytesToHex(await decryptKeystore(JSON.parse(JSON.stringify(keystore)), 'correct horse')),
      bytesToHex(SEED),
    );
    await rejectsWithCode(decryptKeystore(keystore, 'wrong horse'), 'SDK_KEYSTORE_WRONG_PASSWORD');
    const flipped = keystore.ciphertext.slice(0, -1) + (keystore.ciphertext.endsWith('0') ? '1' : '0');
    await rejectsWithCode(
      decryptKeystore({ ...keystore, ciphertext: flipped }, 'correct horse'),
      'SDK_KEYSTORE_WRONG_PASSWORD',
    );
    await rejectsWithCode(
      decryptKeystore({ ...keystore, version: 2 }, 'correct horse'),
      'SDK_KEYSTORE_INVALID',
    );
    await rejectsWithCode(
      decryptKeystore({ ...keystore, kdf: { ...keystore.kdf, iterations: 1e9 } }, 'x'),
      'SDK_KEYSTORE_INVALID',
    );
    assert.equal(JSON.stringify(wallet).includes(bytesToHex(SEED)), false);
  });

  it('discovers the used order keys of a restored wallet up to the gap limit', async () => {
    const wallet = walletFromSeed(SEED);
    const used = new Set([0, 1, 5, 24]);
    const found = await discoverOrderKeys(wallet, async (k) => used.has(k.index), { gapLimit: 20 });
    assert.deepEqual(
      found.map((k) => k.index),
      [0, 1, 5, 24],
    );
    const short = await discoverOrderKeys(wallet, async (k) => used.has(k.index), { gapLimit: 3 });
    assert.deepEqual(
      short.map((k) => k.index),
      [0, 1],
    );
  });
});
