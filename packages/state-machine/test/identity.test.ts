import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressFromPublicKey, bytesToHex } from '@hanglian/core';
import {
  ExecutionErrors,
  GenesisBuilder,
  type Identity,
  IdentityErrors,
  type Organisation,
  standardTestNetwork,
  TEST_GENESIS_TIME,
  TestChain,
  testAddress,
  testEncryptionKey,
  testKey,
} from '../src/index.js';
import { assertFails, assertOk, thrownCode } from './helpers.js';

const brandAdmin = testKey('brand/admin');

function certify(chain: TestChain, signer = brandAdmin, label = 'brand/newcomer', extra: object = {}) {
  return chain.submit(signer, 'identity', 'certifyIdentity', {
    publicKey: testKey(label).publicKey,
    kind: 'service',
    permissions: ['transact'],
    ...extra,
  });
}

describe('identity: genesis', () => {
  it('registers organisations with their root identities and the listed identities', () => {
    const chain = new TestChain();
    const org = chain.query<Organisation>('identity', 'organisation', { id: 'pay' });
    assert.deepEqual(org.roles, ['issuer', 'payment']);
    assert.equal(org.status, 'active');
    const root = chain.query<Identity>('identity', 'identity', { address: testAddress('pay/root') });
    assert.equal(root.kind, 'root');
    assert.deepEqual(root.permissions, ['admin', 'transact']);
    assert.equal(chain.query<Identity[]>('identity', 'members', { org: 'pay' }).length, 4);
  });

  it('rejects an identity of an unknown organisation', () => {
    const genesis = new GenesisBuilder()
      .organisation('a', ['producer'])
      .identity('b/admin', { org: 'b' })
      .validator('a/root', 'a')
      .build();
    assert.equal(
      thrownCode(() => new TestChain(genesis)),
      ExecutionErrors.GENESIS_INVALID,
    );
  });
});

describe('identity: certifyIdentity', () => {
  it('lets an admin certify an identity of its own organisation, which may then submit', () => {
    const chain = new TestChain();
    const result = assertOk(certify(chain));
    assert.equal(result.events[0]?.name, 'identityCertified');
    const identity = chain.query<Identity>('identity', 'identity', {
      address: testAddress('brand/newcomer'),
    });
    assert.equal(identity.org, 'brand');
    assert.equal(identity.kind, 'service');
    // Included (authentication passed); the transfer itself fails for want of money.
    assertFails(
      chain.submit(testKey('brand/newcomer'), 'settlement', 'transfer', { to: testAddress('x'), amount: 1 }),
      'SETTLEMENT_INSUFFICIENT_BALANCE',
    );
  });

  it('fails for a signer without the admin permission', () => {
    const chain = new TestChain();
    assertFails(certify(chain, testKey('brand/clerk')), IdentityErrors.IDENTITY_PERMISSION_REQUIRED);
  });

  it('refuses to certify a root identity, a known key, or an expiry in the past', () => {
    const chain = new TestChain();
    assertFails(
      certify(chain, brandAdmin, 'x', { kind: 'root' }),
      IdentityErrors.IDENTITY_ROOT_NOT_CERTIFIABLE,
    );
    assertFails(certify(chain, brandAdmin, 'shop/admin'), IdentityErrors.IDENTITY_ALREADY_EXISTS);
    assertFails(
      certify(chain, brandAdmin, 'y', { expiresAt: TEST_GENESIS_TIME }),
      IdentityErrors.IDENTITY_EXPIRY_PASSED,
    );
  });

  it('stops an expired identity from submitting, without stopping the chain', () => {
    const chain = new TestChain();
    const expiresAt = TEST_GENESIS_TIME + 3_000; // block 3's time
    assertOk(certify(chain, brandAdmin, 'brand/temp', { expiresAt }));
    const temp = testKey('brand/temp');
    // Block 2 (time +2000): still valid, so the transaction is included (its command then fails).
    assertFails(
      chain.submit(temp, 'identity', 'revokeIdentity', { address: testAddress('nobody') }),
      IdentityErrors.IDENTITY_NOT_FOUND,
    );
    // Block 3 (time +3000 = expiresAt): expired.
    assert.equal(
      thrownCode(() => chain.submit(temp, 'identity', 'revokeIdentity', { address: testAddress('nobody') })),
      ExecutionErrors.TX_NOT_MEMBER,
    );
    chain.advance(3);
    assert.equal(chain.height, 5, 'blocks go on');
  });
});

describe('identity: revokeIdentity', () => {
  it('lets an identity revoke itself; a revoked identity can no longer submit', () => {
    const chain = new TestChain();
    const clerk = testKey('shop/clerk');
    assertOk(chain.submit(clerk, 'identity', 'revokeIdentity', { address: testAddress('shop/clerk') }));
    assert.equal(
      thrownCode(() =>
        chain.submit(clerk, 'identity', 'revokeIdentity', { address: testAddress('shop/clerk') }),
      ),
      ExecutionErrors.TX_NOT_MEMBER,
    );
    const record = chain.query<Identity>('identity', 'identity', { address: testAddress('shop/clerk') });
    assert.equal(record.status, 'revoked');
    assert.equal(record.revokedAt, 1);
  });

  it('lets an admin of the same organisation revoke, but not an admin of another one', () => {
    const chain = new TestChain();
    assertFails(
      chain.submit(brandAdmin, 'identity', 'revokeIdentity', { address: testAddress('shop/clerk') }),
      IdentityErrors.IDENTITY_PERMISSION_REQUIRED,
    );
    assertOk(
      chain.submit(testKey('shop/admin'), 'identity', 'revokeIdentity', {
        address: testAddress('shop/clerk'),
      }),
    );
    assertFails(
      chain.submit(testKey('shop/admin'), 'identity', 'revokeIdentity', {
        address: testAddress('shop/clerk'),
      }),
      IdentityErrors.IDENTITY_NOT_ACTIVE,
    );
  });

  it('protects a root identity from its organisation’s admins', () => {
    const chain = new TestChain();
    assertFails(
      chain.submit(testKey('shop/admin'), 'identity', 'revokeIdentity', {
        address: testAddress('shop/root'),
      }),
      IdentityErrors.IDENTITY_PERMISSION_REQUIRED,
    );
  });

  it('fails for an unknown address', () => {
    const chain = new TestChain();
    assertFails(
      chain.submit(brandAdmin, 'identity', 'revokeIdentity', { address: testAddress('nobody') }),
      IdentityErrors.IDENTITY_NOT_FOUND,
    );
  });
});

describe('identity: rotateKey', () => {
  it('moves an identity to a new key co-signed by it; the new key inherits everything', () => {
    const chain = new TestChain();
    const oldKey = testKey('brand/admin');
    const newKey = testKey('brand/admin#2');
    const result = assertOk(
      chain.submit(oldKey, 'identity', 'rotateKey', { newPublicKey: newKey.publicKey }, { actors: [newKey] }),
    );
    assert.equal(result.events[0]?.name, 'keyRotated');
    const old = chain.query<Identity>('identity', 'identity', { address: testAddress('brand/admin') });
    const next = chain.query<Identity>('identity', 'identity', { address: testAddress('brand/admin#2') });
    assert.equal(old.status, 'revoked');
    assert.equal(old.rotatedTo, next.address);
    assert.deepEqual([next.org, next.kind, next.permissions], ['brand', 'person', ['admin', 'transact']]);
    assert.equal(
      thrownCode(() => certify(chain, oldKey)),
      ExecutionErrors.TX_NOT_MEMBER,
    );
    assertOk(certify(chain, newKey));
  });

  it('refuses the old key as an actor too, once rotated away', () => {
    const chain = new TestChain();
    const oldKey = testKey('brand/admin');
    const newKey = testKey('brand/admin#2');
    assertOk(
      chain.submit(oldKey, 'identity', 'rotateKey', { newPublicKey: newKey.publicKey }, { actors: [newKey] }),
    );
    // A member submits with the revoked key co-signing: the key signs for nothing any more (before, it
    // still satisfied signedBy for its old address).
    const yetAnother = testKey('brand/admin#3');
    assert.equal(
      thrownCode(() =>
        chain.submit(
          newKey,
          'identity',
          'rotateKey',
          { newPublicKey: yetAnother.publicKey },
          { actors: [yetAnother, oldKey] },
        ),
      ),
      ExecutionErrors.TX_SIGNER_REVOKED,
    );
  });

  it('requires the new key to co-sign', () => {
    const chain = new TestChain();
    const newKey = testKey('brand/admin#2');
    assertFails(
      chain.submit(brandAdmin, 'identity', 'rotateKey', { newPublicKey: newKey.publicKey }),
      IdentityErrors.IDENTITY_NEW_KEY_NOT_SIGNED,
    );
    const someoneElse = testKey('brand/other');
    assertFails(
      chain.submit(
        brandAdmin,
        'identity',
        'rotateKey',
        { newPublicKey: newKey.publicKey },
        { actors: [someoneElse] },
      ),
      IdentityErrors.IDENTITY_NEW_KEY_NOT_SIGNED,
    );
  });

  it('refuses a key that is already registered', () => {
    const chain = new TestChain();
    const taken = testKey('brand/clerk');
    assertFails(
      chain.submit(
        brandAdmin,
        'identity',
        'rotateKey',
        { newPublicKey: taken.publicKey },
        { actors: [taken] },
      ),
      IdentityErrors.IDENTITY_ALREADY_EXISTS,
    );
  });

  it('updates the organisation’s root key when the root rotates', () => {
    const chain = new TestChain();
    const newRoot = testKey('brand/root#2');
    assertOk(
      chain.submit(
        testKey('brand/root'),
        'identity',
        'rotateKey',
        { newPublicKey: newRoot.publicKey },
        { actors: [newRoot] },
      ),
    );
    const org = chain.query<Organisation>('identity', 'organisation', { id: 'brand' });
    assert.equal(addressFromPublicKey(org.rootPublicKey), testAddress('brand/root#2'));
  });
});

describe('identity: methods for other modules', () => {
  it('answers orgOf, orgHasRole, hasPermission and requireOrgRole', () => {
    const chain = new TestChain(standardTestNetwork().build());
    const identity = chain.kernel.identity.method;
    assert.equal(identity.orgOf(chain.state, testAddress('pay/clerk')), 'pay');
    assert.equal(identity.orgOf(chain.state, testAddress('nobody')), undefined);
    assert.equal(identity.orgHasRole(chain.state, 'pay', 'issuer'), true);
    assert.equal(identity.orgHasRole(chain.state, 'shop', 'issuer'), false);
    assert.equal(identity.hasPermission(chain.state, testAddress('pay/clerk'), 'admin'), false);
    assert.equal(identity.hasPermission(chain.state, testAddress('pay/clerk'), 'transact'), true);
    assert.equal(identity.requireOrgRole(chain.state, testAddress('pay/clerk'), 'issuer').id, 'pay');
    assert.equal(
      thrownCode(() => identity.requireOrgRole(chain.state, testAddress('shop/admin'), 'issuer')),
      IdentityErrors.ORG_ROLE_REQUIRED,
    );
  });
});

describe('identity: setEncryptionKey', () => {
  const key = (label: string) => testEncryptionKey(label);
  const view = (chain: TestChain, org: string) =>
    chain.query<{ org: string; publicKey: string; setAt: number } | null>('identity', 'encryptionKey', {
      org,
    });

  it('records an organisation’s X25519 key from genesis and lets its admin replace it', () => {
    const chain = new TestChain(standardTestNetwork().encryptionKey('shop').build());
    assert.equal(view(chain, 'shop')?.publicKey, bytesToHex(key('shop')));
    assert.equal(view(chain, 'shop')?.setAt, 0);
    assert.equal(view(chain, 'brand'), null);
    const result = assertOk(
      chain.submit(testKey('shop/admin'), 'identity', 'setEncryptionKey', { publicKey: key('shop/2') }),
    );
    assert.deepEqual(
      result.events.map((e) => [e.name, e.topics]),
      [['encryptionKeySet', ['shop']]],
    );
    assert.equal(view(chain, 'shop')?.publicKey, bytesToHex(key('shop/2')));
    assert.equal(view(chain, 'shop')?.setAt, chain.height);
  });

  it('refuses a non-admin, the all-zero key, the same key again and a malformed key, changing nothing', () => {
    const chain = new TestChain(standardTestNetwork().encryptionKey('shop').build());
    const set = (signer: string, publicKey: Uint8Array) =>
      chain.submit(testKey(signer), 'identity', 'setEncryptionKey', { publicKey });
    assertFails(set('shop/clerk', key('x')), IdentityErrors.IDENTITY_PERMISSION_REQUIRED);
    assertFails(set('shop/admin', new Uint8Array(32)), IdentityErrors.IDENTITY_ENCRYPTION_KEY_INVALID);
    assertFails(set('shop/admin', key('shop')), IdentityErrors.IDENTITY_ENCRYPTION_KEY_UNCHANGED);
    assert.equal(
      thrownCode(() => set('shop/admin', new Uint8Array(31))),
      'TX_BAD_PARAMS',
    );
    assert.equal(view(chain, 'shop')?.publicKey, bytesToHex(key('shop')));
  });

  it('refuses an all-zero key at genesis', () => {
    const genesis = standardTestNetwork().encryptionKey('shop', new Uint8Array(32)).build();
    assert.equal(
      thrownCode(() => new TestChain(genesis)),
      ExecutionErrors.GENESIS_INVALID,
    );
  });
});
