/**
 * The wallet's grant keys, the privacy builders and the scope rule of share packages (the end-to-end
 * sharing, verification and revocation run on a devnet in packages/cli/test/privacy.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToHex, ed25519Sha256 } from '@hanglian/core';
import {
  deriveGrantKey,
  deriveOrderKey,
  grantKeyInfo,
  identity,
  inScope,
  orderKeyInfo,
  privacy,
  shareMessage,
  sharePackageMessage,
  walletFromSeed,
} from '../src/index.js';

const seed = new Uint8Array(32).map((_, i) => i + 1);

describe('wallet grant keys', () => {
  it('are stable, distinct from each other and from every order key of the wallet', () => {
    const wallet = walletFromSeed(seed);
    assert.equal(wallet.grantKey(0).address, walletFromSeed(seed).grantKey(0).address);
    const grants = Array.from({ length: 20 }, (_, i) => wallet.grantKey(i).address);
    const orders = Array.from({ length: 200 }, (_, i) => wallet.orderKey(i).address);
    assert.equal(new Set([...grants, ...orders]).size, 220);
    assert.deepEqual(wallet.grantKey(3).publicKey, deriveGrantKey(seed, 3).publicKey);
    assert.notDeepEqual(deriveGrantKey(seed, 3).publicKey, deriveOrderKey(seed, 3).publicKey);
    assert.notEqual(bytesToHex(grantKeyInfo(1)), bytesToHex(orderKeyInfo(1)));
    assert.throws(() => wallet.grantKey(-1), RangeError);
    const message = new TextEncoder().encode('m');
    assert.ok(
      ed25519Sha256.verify(
        wallet.grantKey(2).publicKey,
        message,
        wallet.grantKey(2).signingKey.sign(message),
      ),
    );
  });
});

describe('privacy builders', () => {
  it('build the grant, revoke and setEncryptionKey calls, dropping absent scope bounds', () => {
    const key = new Uint8Array(32).fill(7);
    assert.deepEqual(
      privacy.grant({
        grantKey: key,
        grantee: 'platform-b',
        scope: { categories: ['books'], until: 10 },
        purpose: 'recommendations',
        expiresAt: 99,
      }),
      {
        module: 'privacy',
        command: 'grant',
        params: {
          grantKey: key,
          grantee: 'platform-b',
          scope: { categories: ['books'], until: 10 },
          purpose: 'recommendations',
          expiresAt: 99,
        },
      },
    );
    assert.deepEqual(privacy.revoke({ grant: 'hl1x' }), {
      module: 'privacy',
      command: 'revoke',
      params: { grant: 'hl1x' },
    });
    assert.deepEqual(identity.setEncryptionKey({ publicKey: key }), {
      module: 'identity',
      command: 'setEncryptionKey',
      params: { publicKey: key },
    });
  });
});

describe('share packages: scope and signed messages', () => {
  it('a scope covers categories (empty: any) and creation times in [from, until)', () => {
    assert.ok(inScope({ categories: [] }, 'toys', 5));
    assert.ok(inScope({ categories: ['books'] }, 'books', 5));
    assert.ok(!inScope({ categories: ['books'] }, 'toys', 5));
    assert.ok(inScope({ categories: [], from: 5, until: 6 }, 'x', 5));
    assert.ok(!inScope({ categories: [], from: 5, until: 6 }, 'x', 6));
    assert.ok(!inScope({ categories: [], from: 5 }, 'x', 4));
  });

  it('binds the chain, the grant and the order(s), so a signature serves nowhere else', () => {
    const a = shareMessage('c', 'g1', 'o1');
    for (const other of [
      shareMessage('d', 'g1', 'o1'),
      shareMessage('c', 'g2', 'o1'),
      shareMessage('c', 'g1', 'o2'),
    ]) {
      assert.notDeepEqual(other, a);
    }
    assert.notDeepEqual(sharePackageMessage('c', 'g1', ['o1', 'o2']), sharePackageMessage('c', 'g1', ['o1']));
    assert.notDeepEqual(sharePackageMessage('c', 'g1', ['o1']), a);
  });
});
