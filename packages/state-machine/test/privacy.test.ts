/**
 * The privacy module: grants signed by their own key, recorded with grantee, scope, purpose and expiry;
 * revocation by the grant key through any member; every refusal has its code and changes nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressFromPublicKey } from '@hanglian/core';
import {
  type Grant,
  PrivacyErrors,
  standardTestNetwork,
  TEST_GENESIS_TIME,
  TestChain,
  testKey,
} from '../src/index.js';
import { assertFails, assertOk, thrownCode } from './helpers.js';

const DAY = 86_400_000;
const gateway = testKey('shop/clerk');
const grantKey = (n: number) => testKey(`consumer/grant-${n}`);
const idOf = (n: number) => addressFromPublicKey(grantKey(n).publicKey);

function newChain(): TestChain {
  const genesis = standardTestNetwork().build();
  genesis.modules.privacy = { parameters: { maxGrantDurationMs: 90 * DAY } };
  return new TestChain(genesis);
}

function grant(chain: TestChain, n: number, extra: object = {}, actors = [grantKey(n)]) {
  return chain.submit(
    gateway,
    'privacy',
    'grant',
    {
      grantKey: grantKey(n).publicKey,
      grantee: 'brand',
      scope: { categories: ['books'], from: TEST_GENESIS_TIME - DAY, until: TEST_GENESIS_TIME + 10 * DAY },
      purpose: 'personalised recommendations',
      expiresAt: TEST_GENESIS_TIME + 30 * DAY,
      ...extra,
    },
    { actors },
  );
}

const read = (chain: TestChain, n: number) => chain.query<Grant | null>('privacy', 'grant', { id: idOf(n) });

describe('privacy: grant', () => {
  it('records the grant under its key, indexed by grantee, with an event naming no order', () => {
    const chain = newChain();
    const result = assertOk(grant(chain, 1, { scope: { categories: ['toys', 'books'] } }));
    const recorded = read(chain, 1)!;
    assert.equal(recorded.id, idOf(1));
    assert.equal(recorded.grantee, 'brand');
    assert.deepEqual(recorded.scope, { categories: ['books', 'toys'] }, 'categories sorted');
    assert.equal(recorded.status, 'active');
    assert.equal(recorded.grantedAtHeight, chain.height);
    assert.deepEqual(
      result.events.map((e) => [e.name, e.data, e.topics]),
      [
        [
          'granted',
          {
            grant: idOf(1),
            grantee: 'brand',
            purpose: 'personalised recommendations',
            expiresAt: TEST_GENESIS_TIME + 30 * DAY,
          },
          ['brand', idOf(1)],
        ],
      ],
    );
    assertOk(grant(chain, 2, { grantee: 'pay' }));
    assert.deepEqual(
      chain.query<Grant[]>('privacy', 'grants', { grantee: 'brand' }).map((g) => g.id),
      [idOf(1)],
    );
    assert.deepEqual(chain.query<Grant[]>('privacy', 'grants', { grantee: 'reg' }), []);
  });

  it('refuses without the grant key, strangers, empty ranges, past or too distant expiry, and reuse', () => {
    const chain = newChain();
    assertFails(grant(chain, 1, {}, []), PrivacyErrors.PRIVACY_NOT_GRANTOR);
    assertFails(grant(chain, 1, {}, [grantKey(2)]), PrivacyErrors.PRIVACY_NOT_GRANTOR);
    // The submitter's own key as the grant key: a member identity is never a consumer's grant key.
    assertFails(
      chain.submit(gateway, 'privacy', 'grant', {
        grantKey: gateway.publicKey,
        grantee: 'brand',
        scope: { categories: [] },
        purpose: 'x',
        expiresAt: TEST_GENESIS_TIME + DAY,
      }),
      PrivacyErrors.PRIVACY_NOT_GRANTOR,
    );
    assertFails(grant(chain, 1, { grantee: 'nobody' }), PrivacyErrors.PRIVACY_UNKNOWN_GRANTEE);
    assertFails(
      grant(chain, 1, { scope: { categories: [], from: 5, until: 5 } }),
      PrivacyErrors.PRIVACY_BAD_SCOPE,
    );
    assertFails(grant(chain, 1, { expiresAt: TEST_GENESIS_TIME }), PrivacyErrors.PRIVACY_EXPIRY_PASSED);
    assertFails(
      grant(chain, 1, { expiresAt: TEST_GENESIS_TIME + 120 * DAY }),
      PrivacyErrors.PRIVACY_EXPIRY_TOO_FAR,
    );
    assert.equal(
      thrownCode(() => grant(chain, 1, { purpose: '' })),
      'TX_BAD_PARAMS',
    );
    assert.equal(read(chain, 1), null, 'nothing was recorded');
    assertOk(grant(chain, 1));
    assertFails(grant(chain, 1), PrivacyErrors.PRIVACY_GRANT_EXISTS);
  });
});

describe('privacy: revoke', () => {
  it('the grant key revokes through any member; the grant stays, revoked, and cannot be revoked twice', () => {
    const chain = newChain();
    assertOk(grant(chain, 1));
    const revoke = (signer = testKey('pay/clerk'), actors = [grantKey(1)]) =>
      chain.submit(signer, 'privacy', 'revoke', { grant: idOf(1) }, { actors });
    assertFails(revoke(testKey('brand/clerk'), []), PrivacyErrors.PRIVACY_NOT_GRANTOR);
    assertFails(revoke(undefined, [grantKey(2)]), PrivacyErrors.PRIVACY_NOT_GRANTOR);
    assertFails(
      chain.submit(gateway, 'privacy', 'revoke', { grant: idOf(9) }, { actors: [grantKey(9)] }),
      PrivacyErrors.PRIVACY_UNKNOWN_GRANT,
    );
    assert.equal(read(chain, 1)?.status, 'active');
    const result = assertOk(revoke());
    assert.deepEqual(result.events[0]?.data, { grant: idOf(1), grantee: 'brand' });
    const revoked = read(chain, 1)!;
    assert.equal(revoked.status, 'revoked');
    assert.equal(revoked.revokedAt, chain.blockInfo(chain.height).time);
    assertFails(revoke(), PrivacyErrors.PRIVACY_REVOKED);
    assert.deepEqual(chain.query<Grant[]>('privacy', 'grants', { grantee: 'brand', status: 'active' }), []);
    assert.equal(
      chain.query<Grant[]>('privacy', 'grants', { grantee: 'brand', status: 'revoked' }).length,
      1,
    );
  });
});

describe('privacy: genesis and parameters', () => {
  it('defaults to a year, takes a shorter limit from genesis, and refuses unknown fields', () => {
    assert.deepEqual(new TestChain().query('privacy', 'parameters'), { maxGrantDurationMs: 365 * DAY });
    assert.deepEqual(newChain().query('privacy', 'parameters'), { maxGrantDurationMs: 90 * DAY });
    const genesis = standardTestNetwork().build();
    genesis.modules.privacy = { parameters: { maxGrantDays: 3 } };
    assert.equal(
      thrownCode(() => new TestChain(genesis)),
      'GENESIS_INVALID',
    );
  });
});
