/**
 * The same transactions, run twice from the same genesis, must give identical results, events, gas and
 * state: every node of the network depends on it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToHex, encodeCanonical } from '@hanglian/core';
import { resultsDigest, TestChain, testAddress, testKey } from '../src/index.js';

function scenario(): { digest: string; results: string; events: string } {
  const chain = new TestChain();
  const pay = testKey('pay/clerk');
  const consumer = testKey('consumer-1');
  chain.submit(pay, 'settlement', 'issue', {
    to: testAddress('consumer-1'),
    amount: 10_000,
    reference: 'd1',
  });
  for (let i = 0; i < 20; i++) {
    chain.submit(
      pay,
      'settlement',
      'transfer',
      {
        from: testAddress('consumer-1'),
        to: testAddress(`shop/admin`),
        amount: 1 + i * 37,
        memo: `order ${i}`,
      },
      { actors: [consumer] },
    );
  }
  chain.submit(testKey('shop/admin'), 'settlement', 'transfer', { to: testAddress('x'), amount: 1_000_000 });
  chain.submit(testKey('brand/admin'), 'governance', 'submitProposal', {
    title: 'carrier',
    action: {
      type: 'admitOrganisation',
      id: 'carrier',
      name: 'Carrier',
      roles: ['carrier'],
      rootPublicKey: testKey('carrier/root').publicKey,
    },
  });
  for (const org of ['shop', 'pay']) {
    chain.submit(testKey(`${org}/admin`), 'governance', 'vote', { proposalId: 1, vote: 'yes' });
  }
  chain.submit(
    testKey('brand/admin'),
    'identity',
    'rotateKey',
    { newPublicKey: testKey('brand/admin#2').publicKey },
    { actors: [testKey('brand/admin#2')] },
  );
  chain.advance(3);
  const allResults = chain.blocks.slice(1).flatMap((b) => b.txResults);
  const allEvents = chain.blocks
    .slice(1)
    .flatMap((b) => [...b.txResults.flatMap((r) => r.events), ...b.blockEvents]);
  return {
    digest: chain.stateDigest(),
    results: resultsDigest(allResults),
    events: bytesToHex(encodeCanonical(allEvents)),
  };
}

describe('determinism', () => {
  it('gives identical results, events and state digests on every run', () => {
    const first = scenario();
    for (let i = 0; i < 5; i++) assert.deepEqual(scenario(), first);
  });
});
