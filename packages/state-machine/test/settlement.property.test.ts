/**
 * Property: whatever sequence of settlement operations members submit (valid or not, by any signer, with
 * any amount), after every block total supply = Σ balances = Σ issuers' outstanding ≤ Σ attested reserves,
 * and the totals record agrees with the sums.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HanglianError, type SigningKey } from '@hanglian/core';
import fc from 'fast-check';
import {
  balanceStore,
  type TestChain as Chain,
  issuerStore,
  standardTestNetwork,
  TestChain,
  testAddress,
  testKey,
  totalsStore,
} from '../src/index.js';

const SIGNERS = ['pay/admin', 'pay/clerk', 'bank/admin', 'bank/clerk', 'shop/admin', 'brand/clerk'];
const HOLDERS = [...SIGNERS, 'consumer-1', 'consumer-2'];
const ISSUERS = ['pay', 'bank', 'shop'];

// Mostly small amounts, so that many operations succeed; some huge ones, so that limits are exercised.
const amountArb = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 2_000 }), weight: 8 },
  { arbitrary: fc.integer({ min: 0, max: 200_000_000 }), weight: 1 },
  { arbitrary: fc.constant(Number.MAX_SAFE_INTEGER), weight: 1 },
);
const coSignArb = fc.oneof(
  { arbitrary: fc.constant(true), weight: 4 },
  { arbitrary: fc.constant(false), weight: 1 },
);
const opArb = fc.oneof(
  fc.record({
    kind: fc.constant('issue' as const),
    signer: fc.nat(SIGNERS.length - 1),
    to: fc.nat(HOLDERS.length - 1),
    amount: amountArb,
  }),
  fc.record({ kind: fc.constant('attest' as const), signer: fc.nat(SIGNERS.length - 1), amount: amountArb }),
  fc.record({
    kind: fc.constant('transfer' as const),
    signer: fc.nat(SIGNERS.length - 1),
    from: fc.nat(HOLDERS.length - 1),
    to: fc.nat(HOLDERS.length - 1),
    amount: amountArb,
    coSign: coSignArb,
  }),
  fc.record({
    kind: fc.constant('redeem' as const),
    signer: fc.nat(SIGNERS.length - 1),
    from: fc.nat(HOLDERS.length - 1),
    issuer: fc.nat(ISSUERS.length - 1),
    amount: amountArb,
    coSign: coSignArb,
  }),
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

function checkInvariant(chain: Chain): void {
  let balances = 0;
  for (const [, b] of balanceStore.entries(chain.state)) {
    assert.ok(b.amount > 0, 'no zero or negative balance is stored');
    balances += b.amount;
  }
  let outstanding = 0;
  let reserves = 0;
  for (const [, i] of issuerStore.entries(chain.state)) {
    assert.ok(i.outstanding <= i.reserves, `issuer ${i.org} over-issued`);
    outstanding += i.outstanding;
    reserves += i.reserves;
  }
  const totals = totalsStore.get(chain.state, 'all') ?? { supply: 0, reserves: 0 };
  assert.equal(totals.supply, balances, 'supply = Σ balances');
  assert.equal(outstanding, balances, 'Σ outstanding = Σ balances');
  assert.equal(totals.reserves, reserves, 'recorded reserves = Σ attested reserves');
  assert.ok(totals.supply <= totals.reserves, 'supply ≤ reserves');
}

/** How often each result code was seen: shows the generator reaches both successes and every failure. */
const seenCodes = new Map<string, number>();

function run(chain: Chain, op: Op): void {
  const signer = testKey(SIGNERS[op.signer]!);
  const holder = (i: number) => HOLDERS[i]!;
  const actors = (from: number, coSign: boolean): SigningKey[] =>
    coSign && holder(from) !== SIGNERS[op.signer] ? [testKey(holder(from))] : [];
  const before = chain.height;
  try {
    switch (op.kind) {
      case 'issue':
        chain.submit(signer, 'settlement', 'issue', {
          to: testAddress(holder(op.to)),
          amount: op.amount,
          reference: 'd',
        });
        return;
      case 'attest':
        chain.submit(signer, 'settlement', 'attestReserves', { reserves: op.amount, reportRef: 'r' });
        return;
      case 'transfer':
        chain.submit(
          signer,
          'settlement',
          'transfer',
          { from: testAddress(holder(op.from)), to: testAddress(holder(op.to)), amount: op.amount },
          { actors: actors(op.from, op.coSign) },
        );
        return;
      case 'redeem':
        chain.submit(
          signer,
          'settlement',
          'redeem',
          { from: testAddress(holder(op.from)), issuer: ISSUERS[op.issuer]!, amount: op.amount },
          { actors: actors(op.from, op.coSign) },
        );
        return;
    }
  } finally {
    const code = chain.height > before ? chain.blocks[chain.height]?.txResults[0]?.code : undefined;
    if (code !== undefined) seenCodes.set(code, (seenCodes.get(code) ?? 0) + 1);
  }
}

function runCatching(chain: Chain, op: Op): void {
  try {
    run(chain, op);
  } catch (error) {
    // Authentication failures (amount 0 is TX_BAD_PARAMS) produce no block; anything else is a bug.
    if (!(error instanceof HanglianError)) throw error;
    assert.equal(error.code, 'TX_BAD_PARAMS');
  }
}

function network(): TestChain {
  const genesis = standardTestNetwork()
    .organisation('bank', ['payment', 'issuer'], 'Bank Co.')
    .identity('bank/admin', { org: 'bank' })
    .identity('bank/clerk', { org: 'bank', permissions: ['transact'] })
    .issuer('bank', 50_000)
    .balance(testAddress('consumer-1'), 1_000, 'pay')
    .build();
  return new TestChain(genesis);
}

describe('settlement: supply invariant', () => {
  it('holds after every block of random operations, valid and invalid', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 5, maxLength: 40 }), (ops) => {
        const chain = network();
        checkInvariant(chain);
        for (const op of ops) {
          runCatching(chain, op);
          checkInvariant(chain);
        }
      }),
      { numRuns: 100 },
    );
    const succeeded = seenCodes.get('OK') ?? 0;
    assert.ok(succeeded > 100, `only ${succeeded} operations succeeded: the generator explores too little`);
    assert.ok(seenCodes.size >= 8, `only ${[...seenCodes.keys()].join(', ')} were reached`);
  });
});
