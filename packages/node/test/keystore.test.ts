import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bytesToHex, ed25519Sha256, HanglianError } from '@hanglian/core';
import {
  generateEncryptionKeyPair,
  NodeErrors,
  readEncryptionKeyFile,
  readKeyFile,
  writeEncryptionKeyFile,
  writeKeyFile,
} from '../src/index.js';
import { TEST_SCRYPT_N } from './helpers.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HanglianError);
    return error.code;
  }
  assert.fail('expected an error');
}

describe('keystore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-keys-'));
  const key = ed25519Sha256.generateSigningKey();
  const path = join(dir, 'k.json');
  writeKeyFile(path, key, 'correct horse', 'test/key', TEST_SCRYPT_N);

  it('round-trips a key and never writes its seed in the clear', () => {
    const text = readFileSync(path, 'utf8');
    assert.ok(!text.includes(bytesToHex(key.exportSeed())));
    const back = readKeyFile(path, 'correct horse');
    assert.deepEqual(back.publicKey, key.publicKey);
    const message = new TextEncoder().encode('m');
    assert.ok(ed25519Sha256.verify(key.publicKey, message, back.sign(message)));
  });

  it('refuses a wrong passphrase', () => {
    assert.equal(
      codeOf(() => readKeyFile(path, 'wrong')),
      NodeErrors.KEYSTORE_BAD_PASSPHRASE,
    );
  });

  it('detects a swapped public key or a damaged ciphertext', () => {
    const file = JSON.parse(readFileSync(path, 'utf8'));
    const other = ed25519Sha256.generateSigningKey();
    const swapped = join(dir, 'swapped.json');
    writeFileSync(swapped, JSON.stringify({ ...file, publicKey: bytesToHex(other.publicKey) }));
    assert.equal(
      codeOf(() => readKeyFile(swapped, 'correct horse')),
      NodeErrors.KEYSTORE_BAD_PASSPHRASE,
    );
    const damaged = join(dir, 'damaged.json');
    const flipped = (file.crypto.ciphertext[0] === 'a' ? 'b' : 'a') + file.crypto.ciphertext.slice(1);
    writeFileSync(damaged, JSON.stringify({ ...file, crypto: { ...file.crypto, ciphertext: flipped } }));
    assert.equal(
      codeOf(() => readKeyFile(damaged, 'correct horse')),
      NodeErrors.KEYSTORE_BAD_PASSPHRASE,
    );
  });

  it('refuses files that are not keystores', () => {
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '{"hello": 1}');
    assert.equal(
      codeOf(() => readKeyFile(junk, 'x')),
      NodeErrors.KEYSTORE_INVALID,
    );
    writeFileSync(junk, 'not json');
    assert.equal(
      codeOf(() => readKeyFile(junk, 'x')),
      NodeErrors.KEYSTORE_INVALID,
    );
  });
});

describe('keystore: an organisation’s X25519 encryption key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-enc-keys-'));
  const pair = generateEncryptionKeyPair();
  const path = join(dir, 'encryption.json');
  writeEncryptionKeyFile(path, pair, 'correct horse', 'carrier/encryption', TEST_SCRYPT_N);

  it('round-trips the pair and never writes the private key in the clear', () => {
    const text = readFileSync(path, 'utf8');
    assert.ok(!text.includes(bytesToHex(pair.privateKey)));
    assert.equal(JSON.parse(text).suite, 'x25519');
    const back = readEncryptionKeyFile(path, 'correct horse');
    assert.deepEqual(back.publicKey, pair.publicKey);
    assert.deepEqual(back.privateKey, pair.privateKey);
    assert.notDeepEqual(generateEncryptionKeyPair().publicKey, pair.publicKey);
  });

  it('refuses a wrong passphrase, a swapped public key and a signing-key file', () => {
    assert.equal(
      codeOf(() => readEncryptionKeyFile(path, 'wrong')),
      NodeErrors.KEYSTORE_BAD_PASSPHRASE,
    );
    const swapped = join(dir, 'swapped.json');
    const file = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(
      swapped,
      JSON.stringify({ ...file, publicKey: bytesToHex(generateEncryptionKeyPair().publicKey) }),
    );
    assert.equal(
      codeOf(() => readEncryptionKeyFile(swapped, 'correct horse')),
      NodeErrors.KEYSTORE_BAD_PASSPHRASE,
    );
    const signing = join(dir, 'signing.json');
    writeKeyFile(signing, ed25519Sha256.generateSigningKey(), 'correct horse', 'x', TEST_SCRYPT_N);
    assert.equal(
      codeOf(() => readEncryptionKeyFile(signing, 'correct horse')),
      NodeErrors.KEYSTORE_INVALID,
    );
  });
});
