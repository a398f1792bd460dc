// Admission remembers each submitter's membership per committed state (issue 14: two store reads, decoded
// and schema-checked, for every transaction otherwise). The memo answers as the state would — expiry is
// still checked against each transaction's time — and is only valid until the state changes: a stale memo
// would admit a revoked identity, which is why the mempool clears it at every height.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AdmissionMemo,
  ExecutionErrors,
  identityStore,
  organisationStore,
  StateOverlay,
  TEST_GENESIS_TIME,
  TestChain,
  testAddress,
  testKey,
} from '../src/index.js';
import { assertOk, thrownCode } from './helpers.js';

const brandAdmin = testKey('brand/admin');
const transfer = { to: testAddress('x'), amount: 1 };

describe('admission memo of membership', () => {
  it('reads a submitter’s membership once per state, and refuses as the state does', () => {
    const chain = new TestChain();
    const clerk = testKey('shop/clerk');
    const memo = new AdmissionMemo();
    const next = chain.blockInfo();
    const a = chain.buildTx(clerk, 'settlement', 'transfer', transfer);
    const b = chain.buildTx(clerk, 'settlement', 'transfer', transfer);
    chain.machine.checkTx(a, chain.state, next, memo);
    chain.machine.checkTx(b, chain.state, next, memo);
    assert.deepEqual({ hits: memo.hits, misses: memo.misses }, { hits: 1, misses: 1 });

    const stranger = chain.buildTx(testKey('nobody/ops'), 'settlement', 'transfer', transfer);
    for (let i = 0; i < 2; i++) {
      assert.equal(
        thrownCode(() => chain.machine.checkTx(stranger, chain.state, next, memo)),
        ExecutionErrors.TX_NOT_MEMBER,
      );
    }
    assert.equal(memo.misses, 2, 'a non-member is remembered too');
  });

  it('still checks expiry at each transaction’s time', () => {
    const chain = new TestChain();
    const expiresAt = TEST_GENESIS_TIME + 3_000;
    assertOk(
      chain.submit(brandAdmin, 'identity', 'certifyIdentity', {
        publicKey: testKey('brand/temp').publicKey,
        kind: 'service',
        permissions: ['transact'],
        expiresAt,
      }),
    );
    const memo = new AdmissionMemo();
    const temp = testKey('brand/temp');
    const tx = chain.buildTx(temp, 'settlement', 'transfer', transfer);
    chain.machine.checkTx(tx, chain.state, { height: 2, time: expiresAt - 1 }, memo);
    assert.equal(
      thrownCode(() => chain.machine.checkTx(tx, chain.state, { height: 2, time: expiresAt }, memo)),
      ExecutionErrors.TX_NOT_MEMBER,
    );
    assert.equal(memo.hits, 1, 'the second check was answered by the memo, at its own time');
  });

  it('is stale once the state changes: cleared, it refuses a revoked identity', () => {
    const chain = new TestChain();
    const clerk = testKey('shop/clerk');
    const memo = new AdmissionMemo();
    chain.machine.checkTx(
      chain.buildTx(clerk, 'settlement', 'transfer', transfer, { nonce: 0 }),
      chain.state,
      chain.blockInfo(),
      memo,
    );
    assertOk(chain.submit(clerk, 'identity', 'revokeIdentity', { address: testAddress('shop/clerk') }));
    const after = chain.buildTx(clerk, 'settlement', 'transfer', transfer);
    // The memo still says what the previous state said (why its owner must clear it on every change).
    chain.machine.checkTx(after, chain.state, chain.blockInfo(), memo);
    memo.clear();
    assert.equal(
      thrownCode(() => chain.machine.checkTx(after, chain.state, chain.blockInfo(), memo)),
      ExecutionErrors.TX_NOT_MEMBER,
    );
    assert.equal(
      thrownCode(() => chain.machine.checkTx(after, chain.state, chain.blockInfo())),
      ExecutionErrors.TX_NOT_MEMBER,
      'without a memo, the same answer',
    );
  });

  it('memberUntil answers from each record as read in the state it is asked about (overlays too)', () => {
    const chain = new TestChain();
    const method = chain.kernel.identity.method;
    const clerk = testAddress('shop/clerk');
    assert.equal(method.memberUntil(chain.state, clerk), Number.POSITIVE_INFINITY);
    const overlay = new StateOverlay(chain.state);
    identityStore.set(overlay, clerk, { ...identityStore.get(chain.state, clerk)!, status: 'revoked' });
    assert.equal(method.memberUntil(overlay, clerk), 0, 'revoked in the overlay');
    assert.equal(method.memberUntil(chain.state, clerk), Number.POSITIVE_INFINITY, 'still active outside it');
    const org = identityStore.get(chain.state, clerk)!.org;
    const suspended = new StateOverlay(chain.state);
    organisationStore.set(suspended, org, {
      ...organisationStore.get(chain.state, org)!,
      status: 'suspended',
    });
    assert.equal(method.memberUntil(suspended, clerk), 0, 'its organisation suspended in another overlay');
    assert.equal(method.memberUntil(chain.state, clerk), Number.POSITIVE_INFINITY);
  });
});
