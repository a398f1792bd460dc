import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryWal } from '../src/wal/memoryWal.js';
import { recordsForHeight } from '../src/wal/records.js';
import {
  deliverProposal,
  feedVotes,
  hashA,
  hashB,
  payloadA,
  payloadB,
  proposal,
  startMachine,
  vote,
  votesIn,
  walRecords,
} from './harness.js';

describe('write-ahead log', () => {
  it('loses only what was not synced when the process dies', () => {
    const wal = new MemoryWal();
    const record = { kind: 'vote', height: 1, message: vote('v1', 'prevote', 0, hashA) } as const;
    wal.append(record);
    wal.sync();
    wal.append({ ...record, height: 2 });
    wal.crash();
    assert.deepEqual(wal.replay(), [record]);
    wal.truncateBelow(2);
    assert.deepEqual(wal.replay(), []);
  });

  it('a restarted machine re-sends its vote and never signs a conflicting one', () => {
    // Before the crash: v1 prevoted A in round 0.
    const { machine } = startMachine('v1');
    const before = deliverProposal(machine, proposal('v0', 0, hashA, payloadA));
    assert.deepEqual(votesIn(before), ['prevote 0 ' + hashA]);
    const records = walRecords(before);

    // After: rebuilt from the WAL. A conflicting proposal for round 0 (the proposer equivocates) and the
    // propose timeout must not make it sign anything new for round 0's prevote.
    const restarted = startMachine('v1', { recovered: records });
    assert.deepEqual(
      votesIn(restarted.outputs),
      ['prevote 0 ' + hashA],
      'the old vote is re-sent, unchanged',
    );
    assert.equal(restarted.machine.currentStep, 'prevote');
    const after = [
      ...deliverProposal(restarted.machine, proposal('v0', 0, hashB, payloadB)),
      ...restarted.machine.step({ type: 'timeout-fired', timeout: 'propose', height: 1, round: 0 }),
    ];
    assert.deepEqual(votesIn(after), []);

    // Without its WAL the same node would equivocate: this is what the log prevents.
    const amnesiac = startMachine('v1');
    assert.deepEqual(votesIn(deliverProposal(amnesiac.machine, proposal('v0', 0, hashB, payloadB))), [
      'prevote 0 ' + hashB,
    ]);
  });

  it('keeps the lock across a crash', () => {
    const { machine } = startMachine('v1');
    const outputs = [
      ...deliverProposal(machine, proposal('v0', 0, hashA, payloadA)),
      ...feedVotes(machine, [vote('v0', 'prevote', 0, hashA), vote('v2', 'prevote', 0, hashA)]),
    ];
    const records = walRecords(outputs);
    assert.deepEqual(
      records.map((r) => r.kind),
      ['vote', 'lock', 'vote'],
    );
    const restarted = startMachine('v1', { recovered: records });
    assert.deepEqual(restarted.machine.lock, { round: 0, blockHash: hashA });
    assert.equal(restarted.machine.currentStep, 'precommit');
    // Move to round 2 (proposer v2) and get offered B fresh: a locked node prevotes nil.
    const { machine: m } = restarted;
    feedVotes(
      m,
      ['v0', 'v2', 'v3'].map((v) => vote(v, 'precommit', 0, null)),
    );
    m.step({ type: 'timeout-fired', timeout: 'precommit', height: 1, round: 0 });
    feedVotes(
      m,
      ['v0', 'v2', 'v3'].map((v) => vote(v, 'precommit', 1, null)),
    );
    m.step({ type: 'timeout-fired', timeout: 'precommit', height: 1, round: 1 });
    assert.equal(m.round, 2);
    assert.deepEqual(votesIn(deliverProposal(m, proposal('v2', 2, hashB, payloadB))), ['prevote 2 nil']);
  });

  it('a restarted proposer re-sends its proposal rather than building another', () => {
    const { machine } = startMachine('v0');
    const built = machine.step({
      type: 'proposal-built',
      height: 1,
      round: 0,
      blockHash: hashA,
      payload: payloadA,
    });
    const records = walRecords(built);
    assert.deepEqual(
      records.map((r) => r.kind),
      ['proposal', 'vote'],
    );
    const restarted = startMachine('v0', { recovered: records });
    assert.equal(restarted.outputs.filter((o) => o.type === 'build-proposal').length, 0);
    const resent = restarted.outputs.filter((o) => o.type === 'broadcast' && o.message.kind === 'proposal');
    assert.equal(resent.length, 1);
  });

  it('only the records of the height being started matter', () => {
    const records = [
      { kind: 'vote', height: 1, message: vote('v1', 'prevote', 0, hashA) },
      { kind: 'vote', height: 2, message: vote('v1', 'prevote', 0, hashB, 2) },
    ] as const;
    assert.deepEqual(recordsForHeight(records, 2), [records[1]]);
  });

  it('refuses a WAL holding two different own votes for one step', () => {
    const records = [
      { kind: 'vote', height: 1, message: vote('v1', 'prevote', 0, hashA) },
      { kind: 'vote', height: 1, message: vote('v1', 'prevote', 0, hashB) },
    ] as const;
    assert.throws(
      () => startMachine('v1', { recovered: [...records] }),
      (error: { code?: string }) => error.code === 'CONSENSUS_WAL_CORRUPT',
    );
  });
});
