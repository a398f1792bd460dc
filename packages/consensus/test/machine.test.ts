import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyCommitCertificate } from '../src/certificate.js';
import { ConsensusError } from '../src/errors.js';
import type { ConsensusOutput } from '../src/interface.js';
import { ConsensusMachine } from '../src/machine/machine.js';
import {
  deliverProposal,
  feedVotes,
  hashA,
  hashB,
  keyring,
  payloadA,
  payloadB,
  proposal,
  startMachine,
  TIMEOUTS,
  validatorSet,
  vote,
  votesIn,
  walRecords,
} from './harness.js';

function decisions(outputs: readonly ConsensusOutput[]) {
  return outputs.filter((o) => o.type === 'decide');
}

/** Drives `me` to lock on hashA in round 0: proposal from v0, then a polka from v0, v2, v3. */
function lockedOnAInRound0(me = 'v1') {
  const started = startMachine(me);
  const { machine } = started;
  deliverProposal(machine, proposal('v0', 0, hashA, payloadA));
  const outputs = feedVotes(machine, [vote('v0', 'prevote', 0, hashA), vote('v2', 'prevote', 0, hashA)]);
  assert.deepEqual(votesIn(outputs), ['precommit 0 ' + hashA]);
  assert.deepEqual(machine.lock, { round: 0, blockHash: hashA });
  return started;
}

/** Moves the machine from round r to r+1 by a quorum of nil precommits and the precommit timeout. */
function nextRoundByNilPrecommits(
  machine: ReturnType<typeof startMachine>['machine'],
  round: number,
  others: string[],
) {
  feedVotes(
    machine,
    others.map((v) => vote(v, 'precommit', round, null)),
  );
  return machine.step({ type: 'timeout-fired', timeout: 'precommit', height: 1, round });
}

describe('consensus machine: the happy path', () => {
  it('validates, prevotes, locks, precommits and decides with a certificate that verifies', () => {
    const { machine, outputs: start } = startMachine('v1');
    assert.deepEqual(
      start
        .filter((o) => o.type === 'schedule-timeout')
        .map((o) => o.type === 'schedule-timeout' && o.timeout),
      ['propose'],
    );
    const asked = machine.step({ type: 'proposal-received', message: proposal('v0', 0, hashA, payloadA) });
    assert.deepEqual(
      asked.map((o) => o.type),
      ['validate-proposal'],
    );
    const prevoted = machine.step({
      type: 'validation-result',
      height: 1,
      blockHash: hashA,
      result: 'valid',
    });
    // The WAL write comes before the broadcast it protects.
    assert.deepEqual(
      prevoted.map((o) => o.type),
      ['wal-write', 'broadcast'],
    );
    assert.deepEqual(votesIn(prevoted), ['prevote 0 ' + hashA]);
    const precommitted = feedVotes(machine, [
      vote('v0', 'prevote', 0, hashA),
      vote('v2', 'prevote', 0, hashA),
    ]);
    assert.deepEqual(
      precommitted.map((o) => o.type),
      ['wal-write', 'wal-write', 'broadcast'],
    );
    const decided = decisions(
      feedVotes(machine, [vote('v0', 'precommit', 0, hashA), vote('v3', 'precommit', 0, hashA)]),
    );
    assert.equal(decided.length, 1);
    const decision = decided[0]!;
    assert.ok(decision.type === 'decide');
    assert.equal(decision.blockHash, hashA);
    assert.deepEqual(decision.payload, payloadA);
    assert.deepEqual(
      decision.certificate.signatures.map((s) => s.validator),
      ['v0', 'v1', 'v3'],
    );
    assert.ok(verifyCommitCertificate(decision.certificate, machine.validators!, keyring).ok);
    assert.equal(machine.decided, true);
  });

  it('proposes when it is the proposer and counts its own proposal as valid', () => {
    const { outputs } = startMachine('v0');
    assert.ok(outputs.some((o) => o.type === 'build-proposal' && o.round === 0));
  });

  it('prevotes nil for a block the application rejects', () => {
    const { machine } = startMachine('v1');
    const outputs = deliverProposal(machine, proposal('v0', 0, hashA, payloadA), 'invalid');
    assert.deepEqual(votesIn(outputs), ['prevote 0 nil']);
  });
});

describe('consensus machine: timeouts', () => {
  it('prevotes nil on the propose timeout, precommits nil on the prevote timeout, moves round on the precommit timeout', () => {
    const { machine } = startMachine('v1');
    assert.deepEqual(
      votesIn(machine.step({ type: 'timeout-fired', timeout: 'propose', height: 1, round: 0 })),
      ['prevote 0 nil'],
    );
    // Two more prevotes for different things: a quorum of prevotes, but no polka: schedule the prevote timeout.
    const mixed = feedVotes(machine, [vote('v0', 'prevote', 0, hashA), vote('v2', 'prevote', 0, hashB)]);
    assert.ok(mixed.some((o) => o.type === 'schedule-timeout' && o.timeout === 'prevote'));
    assert.deepEqual(
      votesIn(machine.step({ type: 'timeout-fired', timeout: 'prevote', height: 1, round: 0 })),
      ['precommit 0 nil'],
    );
    const quorum = feedVotes(machine, [vote('v0', 'precommit', 0, hashA), vote('v2', 'precommit', 0, null)]);
    const precommitTimeout = quorum.find((o) => o.type === 'schedule-timeout' && o.timeout === 'precommit');
    assert.ok(precommitTimeout);
    machine.step({ type: 'timeout-fired', timeout: 'precommit', height: 1, round: 0 });
    assert.equal(machine.round, 1);
    assert.equal(machine.currentStep, 'propose');
  });

  it('grows timeouts with the round and ignores stale timeouts', () => {
    const { machine, outputs } = startMachine('v2');
    const first = outputs.find((o) => o.type === 'schedule-timeout');
    const later = nextRoundByNilPrecommits(machine, 0, ['v0', 'v1', 'v3']);
    const second = later.find((o) => o.type === 'schedule-timeout');
    assert.ok(first?.type === 'schedule-timeout' && second?.type === 'schedule-timeout');
    assert.ok(second.delayMs > first.delayMs);
    assert.deepEqual(machine.step({ type: 'timeout-fired', timeout: 'propose', height: 1, round: 0 }), []);
  });

  it('prevotes nil for a polka on nil and precommits nil', () => {
    const { machine } = startMachine('v1');
    machine.step({ type: 'timeout-fired', timeout: 'propose', height: 1, round: 0 });
    const outputs = feedVotes(machine, [vote('v0', 'prevote', 0, null), vote('v2', 'prevote', 0, null)]);
    assert.deepEqual(votesIn(outputs), ['precommit 0 nil']);
  });
});

describe('consensus machine: locking', () => {
  it('stays locked: prevotes nil for a different fresh proposal in a later round', () => {
    const { machine } = lockedOnAInRound0();
    nextRoundByNilPrecommits(machine, 0, ['v0', 'v2', 'v3']);
    // Round 1's proposer is v1 itself: it re-proposes its valid value A with polRound 0.
    assert.equal(machine.round, 1);
    nextRoundByNilPrecommits(machine, 1, ['v0', 'v2', 'v3']);
    assert.equal(machine.round, 2);
    const outputs = deliverProposal(machine, proposal('v2', 2, hashB, payloadB));
    assert.deepEqual(votesIn(outputs), ['prevote 2 nil']);
    assert.deepEqual(machine.lock, { round: 0, blockHash: hashA });
  });

  it('re-proposes its locked value with the polka round when it is the proposer', () => {
    const { machine } = lockedOnAInRound0();
    const outputs = nextRoundByNilPrecommits(machine, 0, ['v0', 'v2', 'v3']);
    const proposed = outputs.find((o) => o.type === 'broadcast' && o.message.kind === 'proposal');
    assert.ok(proposed?.type === 'broadcast' && proposed.message.kind === 'proposal');
    assert.equal(proposed.message.proposal.blockHash, hashA);
    assert.equal(proposed.message.proposal.polRound, 0);
  });

  it('unlocks on a newer polka: accepts B re-proposed with a polka round above its lock', () => {
    const { machine } = lockedOnAInRound0();
    nextRoundByNilPrecommits(machine, 0, ['v0', 'v2', 'v3']);
    // Round 1: the others prevote B (v1 saw no proposal for B in round 1, so it does not lock).
    feedVotes(
      machine,
      ['v0', 'v2', 'v3'].map((v) => vote(v, 'prevote', 1, hashB)),
    );
    nextRoundByNilPrecommits(machine, 1, ['v0', 'v2', 'v3']);
    assert.equal(machine.round, 2);
    const outputs = deliverProposal(machine, proposal('v2', 2, hashB, payloadB, 1));
    assert.deepEqual(votesIn(outputs), ['prevote 2 ' + hashB]);
  });

  it('does not unlock on an older polka', () => {
    const started = startMachine('v1');
    const { machine } = started;
    // Round 0: polka for B seen, but v1 saw no proposal, so no lock; it prevoted nil on timeout.
    machine.step({ type: 'timeout-fired', timeout: 'propose', height: 1, round: 0 });
    feedVotes(
      machine,
      ['v0', 'v2', 'v3'].map((v) => vote(v, 'prevote', 0, hashB)),
    );
    machine.step({ type: 'timeout-fired', timeout: 'prevote', height: 1, round: 0 });
    nextRoundByNilPrecommits(machine, 0, ['v0', 'v2', 'v3']);
    // Round 1 (v1 proposes; ignore that): lock on A via its proposal by ourselves? Use round 2 from v2 instead.
    nextRoundByNilPrecommits(machine, 1, ['v0', 'v2', 'v3']);
    deliverProposal(machine, proposal('v2', 2, hashA, payloadA));
    const locked = feedVotes(
      machine,
      ['v0', 'v2'].map((v) => vote(v, 'prevote', 2, hashA)),
    );
    assert.deepEqual(votesIn(locked), ['precommit 2 ' + hashA]);
    nextRoundByNilPrecommits(machine, 2, ['v0', 'v2', 'v3']);
    // Round 3: v3 re-proposes B justified by the round-0 polka, which is older than the lock (round 2).
    const outputs = deliverProposal(machine, proposal('v3', 3, hashB, payloadB, 0));
    assert.deepEqual(votesIn(outputs), ['prevote 3 nil']);
  });
});

describe('consensus machine: what it ignores', () => {
  it('ignores bad signatures, non-validators, duplicates, wrong proposers and far heights', () => {
    const { machine } = startMachine('v1');
    const forged = { ...vote('v2', 'prevote', 0, hashA), signature: new Uint8Array(32) };
    assert.deepEqual(machine.step({ type: 'vote-received', message: forged }), []);
    assert.equal(machine.ignored['bad-signature'], 1);
    machine.step({ type: 'vote-received', message: vote('v4', 'prevote', 0, hashA) });
    assert.equal(machine.ignored['non-validator'], 1);
    machine.step({ type: 'vote-received', message: vote('v2', 'prevote', 0, hashA) });
    machine.step({ type: 'vote-received', message: vote('v2', 'prevote', 0, hashA) });
    assert.equal(machine.ignored.duplicate, 1);
    machine.step({ type: 'proposal-received', message: proposal('v3', 0, hashA, payloadA) });
    assert.equal(machine.ignored['wrong-proposer'], 1);
    machine.step({ type: 'vote-received', message: vote('v2', 'prevote', 0, hashA, 50) });
    assert.equal(machine.ignored['future-height'], 1);
    machine.step({ type: 'vote-received', message: vote('v2', 'prevote', 5000, hashA) });
    assert.equal(machine.ignored['round-out-of-range'], 1);
    machine.step({
      type: 'vote-received',
      message: { kind: 'vote', vote: { nonsense: true }, signature: 1 } as never,
    });
    assert.equal(machine.ignored.malformed, 1);
    assert.equal(machine.round, 0);
    assert.equal(machine.currentStep, 'propose');
  });

  it('buffers next-height messages and uses them when that height starts', () => {
    const { machine, set } = startMachine('v1');
    machine.step({ type: 'vote-received', message: vote('v2', 'prevote', 0, null, 2) });
    machine.step({
      type: 'commit-received',
      certificate: {
        height: 1,
        round: 0,
        blockHash: hashA,
        signatures: ['v0', 'v2', 'v3'].map((v) => ({
          validator: v,
          signature: vote(v, 'precommit', 0, hashA).signature,
        })),
      },
      payload: payloadA,
    });
    assert.equal(machine.decided, true);
    machine.step({ type: 'start-height', height: 2, validators: set.next() });
    feedVotes(machine, [vote('v0', 'prevote', 0, null, 2)]);
    // Own nil prevote + v0 + the buffered v2 make a nil polka; without the buffered vote there would be none.
    const outputs = machine.step({ type: 'timeout-fired', timeout: 'propose', height: 2, round: 0 });
    assert.deepEqual(votesIn(outputs), ['prevote 0 nil', 'precommit 0 nil']);
  });

  it('rejects a commit certificate without a quorum or with a forged signature', () => {
    const { machine } = startMachine('v1');
    const signatures = ['v0', 'v2'].map((v) => ({
      validator: v,
      signature: vote(v, 'precommit', 0, hashA).signature,
    }));
    machine.step({
      type: 'commit-received',
      certificate: { height: 1, round: 0, blockHash: hashA, signatures },
      payload: payloadA,
    });
    const forged = [...signatures, { validator: 'v3', signature: new Uint8Array(32) }];
    machine.step({
      type: 'commit-received',
      certificate: { height: 1, round: 0, blockHash: hashA, signatures: forged },
      payload: payloadA,
    });
    assert.equal(machine.ignored['bad-certificate'], 2);
    assert.equal(machine.decided, false);
  });

  it('skips to a later round when more than 1/3 of the power is there', () => {
    const { machine } = startMachine('v1');
    feedVotes(machine, [vote('v2', 'prevote', 7, null)]);
    assert.equal(machine.round, 0);
    feedVotes(machine, [vote('v3', 'precommit', 7, null)]);
    assert.equal(machine.round, 7);
  });

  it('throws a typed error when the driver goes back in height', () => {
    const { machine, set } = startMachine('v1', { height: 5 });
    assert.throws(
      () => machine.step({ type: 'start-height', height: 5, validators: set }),
      (error: { code?: string }) => error.code === 'CONSENSUS_HEIGHT_NOT_INCREASING',
    );
  });
});

describe('consensus machine: equivocation', () => {
  it('reports two conflicting signed votes once, with both votes, and counts each for its value', () => {
    const { machine } = startMachine('v1');
    const first = vote('v2', 'prevote', 0, hashA);
    const second = vote('v2', 'prevote', 0, hashB);
    machine.step({ type: 'vote-received', message: first });
    const outputs = machine.step({ type: 'vote-received', message: second });
    const evidence = outputs.filter((o) => o.type === 'evidence');
    assert.equal(evidence.length, 1);
    assert.ok(evidence[0]?.type === 'evidence');
    assert.equal(evidence[0].evidence.validator, 'v2');
    assert.deepEqual(evidence[0].evidence.first, first);
    assert.deepEqual(evidence[0].evidence.second, second);
    assert.deepEqual(machine.step({ type: 'vote-received', message: second }), []);
    const third = machine.step({ type: 'vote-received', message: vote('v2', 'prevote', 0, null) });
    assert.equal(third.filter((o) => o.type === 'evidence').length, 0);
  });

  it('does not accept a forged conflicting vote as evidence', () => {
    const { machine } = startMachine('v1');
    machine.step({ type: 'vote-received', message: vote('v2', 'prevote', 0, hashA) });
    const forged = { ...vote('v2', 'prevote', 0, hashB), signature: new Uint8Array(32) };
    assert.deepEqual(machine.step({ type: 'vote-received', message: forged }), []);
  });
});

describe('consensus machine: full nodes and validator set changes', () => {
  it('a node outside the set follows and decides but never signs', () => {
    const { machine } = startMachine('v4');
    const outputs = [
      ...deliverProposal(machine, proposal('v0', 0, hashA, payloadA)),
      ...feedVotes(
        machine,
        ['v0', 'v1', 'v2'].map((v) => vote(v, 'prevote', 0, hashA)),
      ),
      ...feedVotes(
        machine,
        ['v0', 'v1', 'v2'].map((v) => vote(v, 'precommit', 0, hashA)),
      ),
    ];
    assert.deepEqual(votesIn(outputs), []);
    assert.equal(decisions(outputs).length, 1);
  });
});

describe('consensus machine: a signer that refuses', () => {
  it('sends nothing for the refused step, counts it, and still moves on', () => {
    const inner = keyring.signerFor('v1');
    const refusing = {
      address: inner.address,
      signVote: (v: Parameters<typeof inner.signVote>[0]) => {
        if (v.type === 'prevote') throw new ConsensusError('CONSENSUS_SIGN_REFUSED', 'signed before');
        return inner.signVote(v);
      },
      signProposal: inner.signProposal.bind(inner),
    };
    const machine = new ConsensusMachine({ signer: refusing, verifier: keyring });
    machine.step({ type: 'start-height', height: 1, validators: validatorSet() });
    const outputs = deliverProposal(machine, proposal('v0', 0, hashA, payloadA));
    assert.deepEqual(votesIn(outputs), [], 'no prevote leaves');
    assert.equal(
      outputs.filter((o) => o.type === 'wal-write').length,
      0,
      'nothing is written for a refused vote',
    );
    assert.equal(machine.refusedSignatures, 1);
    assert.equal(machine.currentStep, 'prevote');
    const later = feedVotes(machine, [
      vote('v0', 'prevote', 0, hashA),
      vote('v2', 'prevote', 0, hashA),
      vote('v3', 'prevote', 0, hashA),
    ]);
    assert.deepEqual(votesIn(later), [`precommit 0 ${hashA}`], 'the next step signs as usual');
  });

  it('leaves the steps its key signed in an earlier life by their timers, even as a lone validator', () => {
    // Found by the node's crash test (seed 674433): a lone validator was killed after its signer had
    // fsynced a prevote and a precommit for round 0 but before the WAL got more than its proposal. Resumed,
    // it re-derived the prevote, the signer refused it, and nothing ever scheduled a timer: height stalled.
    const lone = validatorSet([{ address: 'v0', power: 1 }]);
    const firstLife = new ConsensusMachine({
      signer: keyring.signerFor('v0'),
      verifier: keyring,
      timeouts: TIMEOUTS,
    });
    const asked = firstLife.step({ type: 'start-height', height: 1, validators: lone });
    assert.ok(asked.some((o) => o.type === 'build-proposal'));
    const signed = firstLife.step({
      type: 'proposal-built',
      height: 1,
      round: 0,
      blockHash: hashA,
      payload: payloadA,
    });
    assert.equal(decisions(signed).length, 1, 'the first life decided (its block never reached the ledger)');
    const kept = walRecords(signed).filter((r) => r.kind === 'proposal');
    assert.equal(kept.length, 1);

    // The key's guard remembers a precommit at 1/0: it refuses every vote of round 0.
    const inner = keyring.signerFor('v0');
    const guarded = {
      address: inner.address,
      signVote: (v: Parameters<typeof inner.signVote>[0]) => {
        if (v.round === 0) throw new ConsensusError('CONSENSUS_SIGN_REFUSED', 'precommitted 1/0 before');
        return inner.signVote(v);
      },
      signProposal: (p: Parameters<typeof inner.signProposal>[0]) => {
        if (p.round === 0) throw new ConsensusError('CONSENSUS_SIGN_REFUSED', 'precommitted 1/0 before');
        return inner.signProposal(p);
      },
    };
    const machine = new ConsensusMachine({ signer: guarded, verifier: keyring, timeouts: TIMEOUTS });
    // Nothing but the machine's own requests answered, as a lone validator's driver would: timers fire,
    // proposals get built; no vote or proposal arrives from anyone else.
    const pending: ConsensusOutput[] = [
      ...machine.step({ type: 'start-height', height: 1, validators: lone, recovered: kept }),
    ];
    let decided: ConsensusOutput | undefined;
    for (let turn = 0; turn < 50 && decided === undefined && pending.length > 0; turn++) {
      const output = pending.shift()!;
      if (output.type === 'decide') decided = output;
      else if (output.type === 'schedule-timeout') {
        const { timeout, height, round } = output;
        pending.push(...machine.step({ type: 'timeout-fired', timeout, height, round }));
      } else if (output.type === 'build-proposal') {
        const { height, round } = output;
        pending.push(
          ...machine.step({ type: 'proposal-built', height, round, blockHash: hashB, payload: payloadB }),
        );
      }
    }
    assert.ok(
      decided !== undefined && decided.type === 'decide',
      `stalled at round ${machine.round}, step ${machine.currentStep}`,
    );
    assert.equal(decided.round, 1, 'decided in the next round, where the key may sign again');
    assert.ok(machine.refusedSignatures >= 2, 'the round-0 prevote and precommit were refused, not signed');
  });

  it('lets any other signer error through', () => {
    const inner = keyring.signerFor('v1');
    const broken = {
      address: inner.address,
      signVote: () => {
        throw new Error('disk gone');
      },
      signProposal: inner.signProposal.bind(inner),
    };
    const machine = new ConsensusMachine({ signer: broken, verifier: keyring });
    machine.step({ type: 'start-height', height: 1, validators: validatorSet() });
    assert.throws(() => deliverProposal(machine, proposal('v0', 0, hashA, payloadA)), /disk gone/);
  });
});
