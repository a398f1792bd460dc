/**
 * The search history at rest (issue 19: it was kept in the browser's storage in the clear): encrypted under
 * a key from the wallet's seed (WebCrypto HKDF → AES-256-GCM, here Node's own WebCrypto), opened only by
 * that wallet for that chain, and a history kept in the clear by an earlier version migrated on reading.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { walletFromSeed } from '../src/index.js';
import {
  decryptHistory,
  type EncryptedHistory,
  encryptHistory,
  isEncryptedHistory,
  openKeptHistory,
  type SearchContext,
} from '../src/local/index.js';

const wallet = walletFromSeed(new Uint8Array(32).fill(3));
const otherWallet = walletFromSeed(new Uint8Array(32).fill(4));
const scope = 'ab'.repeat(32);

const history: SearchContext = {
  purchases: [
    {
      sku: 'isbn-9787020002207',
      category: 'books',
      merchant: 'bookstore',
      price: 5_980,
      quantity: 1,
      time: 1,
    },
    { sku: 'tea-longjing-250g', category: 'tea', merchant: 'teahouse', price: 12_800, quantity: 2, time: 2 },
  ],
  reviews: [{ sku: 'tea-longjing-250g', merchant: 'teahouse', stars: 5, time: 3 }],
  grants: [{ grantee: 'platform-b', categories: ['books'], expiresAt: 4 }],
};
/** Words of the history that must not appear in what is kept. */
const secrets = [
  'isbn-9787020002207',
  'books',
  'bookstore',
  'tea-longjing',
  'teahouse',
  'platform-b',
  '12800',
];

const codeOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: { code?: string }) => error.code,
  );

describe('search history at rest', () => {
  it('is kept encrypted: nothing of the history is readable, and it opens with its wallet for its chain', async () => {
    const record = await encryptHistory(wallet, history, { scope });
    assert.ok(isEncryptedHistory(record));
    const kept = JSON.stringify(record);
    for (const word of secrets) assert.ok(!kept.includes(word), `the kept record shows "${word}"`);
    assert.deepEqual(await decryptHistory(wallet, record, { scope }), history);
    // A fresh salt and IV each time: the same history is not recognisable across writes.
    const again = await encryptHistory(wallet, history, { scope });
    assert.notEqual(again.salt, record.salt);
    assert.notEqual(again.iv, record.iv);
    assert.notEqual(again.ciphertext, record.ciphertext);
  });

  it('does not open with another wallet, for another chain, or altered', async () => {
    const record = await encryptHistory(wallet, history, { scope });
    assert.equal(await codeOf(decryptHistory(otherWallet, record, { scope })), 'SDK_HISTORY_UNREADABLE');
    assert.equal(
      await codeOf(decryptHistory(wallet, record, { scope: 'cd'.repeat(32) })),
      'SDK_HISTORY_UNREADABLE',
    );
    const flipped = record.ciphertext.slice(0, 10) + (record.ciphertext[10] === '0' ? '1' : '0');
    const altered: EncryptedHistory = { ...record, ciphertext: flipped + record.ciphertext.slice(11) };
    assert.equal(await codeOf(decryptHistory(wallet, altered, { scope })), 'SDK_HISTORY_UNREADABLE');
  });

  it('migrates a history kept in the clear: it opens once and comes back encrypted, to be written in its place', async () => {
    const plain = JSON.stringify(history);
    const first = await openKeptHistory(wallet, plain, { scope });
    assert.deepEqual(first.context, history);
    assert.ok(first.reseal !== undefined, 'a plain history is handed back encrypted');
    const rewritten = JSON.stringify(first.reseal);
    for (const word of secrets) assert.ok(!rewritten.includes(word), `the migrated record shows "${word}"`);
    const second = await openKeptHistory(wallet, rewritten, { scope });
    assert.deepEqual(second.context, history);
    assert.equal(second.reseal, undefined, 'an encrypted record is left as it is');
  });

  it('refuses what is neither a history nor a record, with a code', async () => {
    assert.equal(await codeOf(openKeptHistory(wallet, 'not json', { scope })), 'SDK_HISTORY_INVALID');
    assert.equal(await codeOf(openKeptHistory(wallet, '{"purchases":[]}', { scope })), 'SDK_HISTORY_INVALID');
    assert.equal(
      await codeOf(encryptHistory(wallet, { purchases: 1 } as unknown as SearchContext, { scope })),
      'SDK_HISTORY_INVALID',
    );
  });
});
