import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type SigningKey, sha256, signVote, utf8 } from '@hanglian/core';
import { type EquivocationRecord, EvidenceErrors, TEST_CHAIN_ID, TestChain, testKey } from '../src/index.js';
import { assertFails, assertOk } from './helpers.js';

const validator = testKey('brand/node');
const reporter = testKey('shop/clerk');

function vote(
  key: SigningKey,
  block: string | null,
  overrides: { height?: number; round?: number; type?: 1 | 2 } = {},
) {
  const body = {
    chainId: TEST_CHAIN_ID,
    type: overrides.type ?? (2 as const),
    height: overrides.height ?? 7,
    round: overrides.round ?? 0,
    blockHash: block === null ? null : sha256(utf8(block)),
  };
  return {
    type: body.type,
    height: body.height,
    round: body.round,
    blockHash: body.blockHash,
    signature: signVote(body, key),
  };
}

describe('evidence: equivocation', () => {
  it('records two conflicting signed votes against the validator organisation, once', () => {
    const chain = new TestChain();
    const params = {
      validator: validator.publicKey,
      first: vote(validator, 'A'),
      second: vote(validator, 'B'),
    };
    const result = assertOk(chain.submit(reporter, 'evidence', 'reportEquivocation', params));
    assert.equal(result.events[0]?.name, 'equivocationRecorded');
    const records = chain.query<EquivocationRecord[]>('evidence', 'equivocations', { org: 'brand' });
    assert.equal(records.length, 1);
    assert.equal(records[0]!.height, 7);
    // The same pair, in the other order, is the same offence.
    const swapped = { validator: validator.publicKey, first: params.second, second: params.first };
    assertFails(
      chain.submit(reporter, 'evidence', 'reportEquivocation', swapped),
      EvidenceErrors.EVIDENCE_DUPLICATE,
    );
    assert.equal(chain.query<EquivocationRecord[]>('evidence', 'equivocations', { org: 'shop' }).length, 0);
  });

  it('refuses votes that do not conflict or were not signed by the accused', () => {
    const chain = new TestChain();
    const submit = (first: ReturnType<typeof vote>, second: ReturnType<typeof vote>, key = validator) =>
      chain.submit(reporter, 'evidence', 'reportEquivocation', { validator: key.publicKey, first, second });
    assertFails(submit(vote(validator, 'A'), vote(validator, 'A')), EvidenceErrors.EVIDENCE_NOT_CONFLICTING);
    assertFails(
      submit(vote(validator, 'A'), vote(validator, 'B', { round: 1 })),
      EvidenceErrors.EVIDENCE_NOT_CONFLICTING,
    );
    assertFails(
      submit(vote(validator, 'A'), vote(validator, 'B', { type: 1 })),
      EvidenceErrors.EVIDENCE_NOT_CONFLICTING,
    );
    const other = testKey('shop/node');
    assertFails(submit(vote(validator, 'A'), vote(other, 'B')), EvidenceErrors.EVIDENCE_BAD_SIGNATURE);
    const stranger = testKey('nobody');
    assertFails(
      submit(vote(stranger, 'A'), vote(stranger, 'B'), stranger),
      EvidenceErrors.EVIDENCE_UNKNOWN_VALIDATOR,
    );
    // A nil vote against a block vote is a conflict too.
    assertOk(submit(vote(validator, null), vote(validator, 'B')));
  });
});
