import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyCommitCertificate } from '../src/certificate.js';
import { ValidatorSet } from '../src/validators.js';
import { hashA, keyring, vote } from './harness.js';

function proposerCounts(set: ValidatorSet, rounds: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let r = 0; r < rounds; r++) {
    const p = set.proposer(r);
    counts[p] = (counts[p] ?? 0) + 1;
  }
  return counts;
}

describe('validator set', () => {
  it('computes quorum as more than 2/3 of the power', () => {
    const set = ValidatorSet.create([
      { address: 'a', power: 1 },
      { address: 'b', power: 1 },
      { address: 'c', power: 1 },
      { address: 'd', power: 1 },
    ]);
    assert.equal(set.totalPower, 4);
    assert.equal(set.quorumPower, 3);
    assert.equal(set.hasQuorum(2), false);
    assert.equal(set.hasQuorum(3), true);
    assert.equal(set.hasOneThird(1), false);
    assert.equal(set.hasOneThird(2), true);
    const six = ValidatorSet.create([
      { address: 'a', power: 3 },
      { address: 'b', power: 3 },
    ]);
    assert.equal(six.hasQuorum(4), false, '4 of 6 is exactly 2/3, not more');
    assert.equal(six.quorumPower, 5);
  });

  it('rotates proposers in proportion to voting power, deterministically', () => {
    const validators = [
      { address: 'd', power: 4 },
      { address: 'a', power: 1 },
      { address: 'c', power: 3 },
      { address: 'b', power: 2 },
    ];
    const set = ValidatorSet.create(validators);
    assert.deepEqual(proposerCounts(set, 1000), { a: 100, b: 200, c: 300, d: 400 });
    // Input order does not matter; a second set gives the same sequence.
    const again = ValidatorSet.create([...validators].reverse());
    for (let r = 0; r < 50; r++) assert.equal(again.proposer(r), set.proposer(r));
    // Across heights as well: one increment per height.
    const heights: string[] = [];
    let s = set;
    for (let h = 0; h < 10; h++) {
      heights.push(s.proposer(0));
      s = s.next();
    }
    assert.deepEqual(
      heights,
      Array.from({ length: 10 }, (_, i) => set.proposer(i)),
    );
  });

  it('gives equal validators turns in address order', () => {
    const set = ValidatorSet.create(['v2', 'v0', 'v1'].map((address) => ({ address, power: 5 })));
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((r) => set.proposer(r)),
      ['v0', 'v1', 'v2', 'v0', 'v1', 'v2'],
    );
  });

  it('applies changes: a newcomer does not jump the queue; a removed validator is gone', () => {
    const set = ValidatorSet.create(['v0', 'v1', 'v2', 'v3'].map((address) => ({ address, power: 1 })));
    const changed = set.withChanges([
      { address: 'v4', power: 1 },
      { address: 'v0', power: 0 },
      { address: 'v1', power: 3 },
    ]);
    assert.equal(changed.has('v0'), false);
    assert.equal(changed.powerOf('v1'), 3);
    assert.equal(changed.totalPower, 6);
    const next = changed.next();
    assert.notEqual(next.proposer(0), 'v4');
    // The newcomer's starting penalty shifts the first window by at most one turn.
    const counts = proposerCounts(next, 600);
    const expected: Record<string, number> = { v1: 300, v2: 100, v3: 100, v4: 100 };
    for (const [address, turns] of Object.entries(expected)) {
      assert.ok(Math.abs((counts[address] ?? 0) - turns) <= 1, `${address}: ${counts[address]} turns`);
    }
  });

  it('refuses empty sets, duplicates and bad powers with a typed error', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return undefined;
    };
    assert.equal(
      code(() => ValidatorSet.create([])),
      'CONSENSUS_INVALID_VALIDATOR_SET',
    );
    assert.equal(
      code(() =>
        ValidatorSet.create([
          { address: 'a', power: 1 },
          { address: 'a', power: 2 },
        ]),
      ),
      'CONSENSUS_INVALID_VALIDATOR_SET',
    );
    assert.equal(
      code(() => ValidatorSet.create([{ address: 'a', power: 0.5 }])),
      'CONSENSUS_INVALID_VALIDATOR_SET',
    );
  });
});

describe('commit certificate', () => {
  const set = ValidatorSet.create(['v0', 'v1', 'v2', 'v3'].map((address) => ({ address, power: 1 })));
  const sig = (v: string) => ({ validator: v, signature: vote(v, 'precommit', 0, hashA).signature });
  const cert = (signatures: { validator: string; signature: Uint8Array }[]) => ({
    height: 1,
    round: 0,
    blockHash: hashA,
    signatures,
  });

  it('accepts more than 2/3 of valid precommit signatures', () => {
    assert.deepEqual(verifyCommitCertificate(cert(['v0', 'v1', 'v3'].map(sig)), set, keyring), {
      ok: true,
      power: 3,
    });
  });

  it('rejects too little power, duplicates, strangers, forged and prevote signatures', () => {
    const fails = (signatures: { validator: string; signature: Uint8Array }[]) =>
      !verifyCommitCertificate(cert(signatures), set, keyring).ok;
    assert.ok(fails(['v0', 'v1'].map(sig)));
    assert.ok(fails([sig('v0'), sig('v1'), sig('v1')]));
    assert.ok(fails([sig('v0'), sig('v1'), sig('v4')]));
    assert.ok(fails([sig('v0'), sig('v1'), { validator: 'v2', signature: new Uint8Array(32) }]));
    const prevote = { validator: 'v2', signature: vote('v2', 'prevote', 0, hashA).signature };
    assert.ok(fails([sig('v0'), sig('v1'), prevote]));
  });
});
