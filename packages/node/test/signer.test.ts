// The guarded signer on a real file: what it signs, what it refuses, what survives a reopen and a torn write.
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConsensusError, type Vote } from '@hanglian/consensus';
import { bytesToHex, ed25519Sha256 } from '@hanglian/core';
import { Ed25519ConsensusSigner } from '../src/consensus/ed25519Signer.js';
import { GuardedSigner, type SignRefusal } from '../src/consensus/guardedSigner.js';
import { SignerStateFile, signerStateHeld } from '../src/consensus/signerState.js';

const dir = mkdtempSync(join(tmpdir(), 'hanglian-signer-'));
const key = ed25519Sha256.generateSigningKey();
const address = bytesToHex(key.publicKey);
const identity = { chainId: 'signer-test', validator: address };
const A = 'aa'.repeat(32);
const B = 'bb'.repeat(32);

function vote(type: Vote['type'], height: number, round: number, blockHash: string | null): Vote {
  return { type, height, round, blockHash, validator: address };
}

function open(path: string, refusals: SignRefusal[] = []): { signer: GuardedSigner; state: SignerStateFile } {
  const state = SignerStateFile.open(path, identity);
  const signer = new GuardedSigner(new Ed25519ConsensusSigner(identity.chainId, key), state, (r) =>
    refusals.push(r),
  );
  return { signer, state };
}

function refused(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch (error) {
    if (error instanceof ConsensusError && error.code === 'CONSENSUS_SIGN_REFUSED') return true;
    throw error;
  }
}

describe('guarded signer', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('signs forward, repeats the same message, refuses a conflict or a step back', () => {
    const refusals: SignRefusal[] = [];
    const { signer, state } = open(join(dir, 'a'), refusals);
    const proposal = {
      height: 5,
      round: 0,
      blockHash: A,
      polRound: -1,
      proposer: address,
      payload: new Uint8Array(),
    };
    signer.signProposal(proposal);
    const prevote = signer.signVote(vote('prevote', 5, 0, A));
    assert.deepEqual(signer.signVote(vote('prevote', 5, 0, A)), prevote, 'the same vote again: same bytes');
    assert.ok(
      refused(() => signer.signVote(vote('prevote', 5, 0, B))),
      'another block at the same step',
    );
    assert.ok(
      refused(() => signer.signVote(vote('prevote', 5, 0, null))),
      'nil after a block',
    );
    assert.ok(
      refused(() => signer.signProposal({ ...proposal, blockHash: B })),
      'an earlier step',
    );
    assert.ok(
      refused(() => signer.signVote(vote('precommit', 4, 9, A))),
      'an earlier height',
    );
    signer.signVote(vote('precommit', 5, 0, null));
    signer.signProposal({ ...proposal, round: 1, blockHash: A, polRound: 0 });
    assert.ok(
      refused(() => signer.signProposal({ ...proposal, round: 1, blockHash: A, polRound: -1 })),
      'the same block with another proof-of-lock round is another message',
    );
    assert.equal(refusals.length, 5);
    state.close();
  });

  it('remembers across a reopen, and a torn write keeps the previous record', () => {
    const path = join(dir, 'b');
    let { signer, state } = open(path);
    signer.signVote(vote('prevote', 7, 2, A));
    signer.signVote(vote('precommit', 7, 2, A));
    state.close();
    ({ signer, state } = open(path));
    assert.equal(state.last?.step, 'precommit');
    assert.ok(refused(() => signer.signVote(vote('precommit', 7, 2, B))));
    assert.ok(refused(() => signer.signVote(vote('prevote', 7, 2, B))));
    state.close();
    // A power cut in the middle of the next write: its slot (seq 3 → slot 1) holds garbage.
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(100, 7), 0, 100, 1024);
    ({ signer, state } = open(path));
    assert.equal(state.last?.height, 7);
    assert.ok(['prevote', 'precommit'].includes(state.last!.step), 'an intact older record survives');
    assert.ok(
      refused(() => signer.signVote(vote('prevote', 7, 2, B))),
      'still refuses the conflict',
    );
    state.close();
  });

  it('takes over a lock whose holder is gone or whose pid now names another process', () => {
    const path = join(dir, 'stale');
    const lock = `${path}.lock`;
    // The pid of a live process (this one's parent), with a start time that is not that process's: the
    // pid was reused after the holder died.
    writeFileSync(lock, `${process.ppid} 1\n`);
    let { state } = open(path);
    state.close();
    assert.equal(existsSync(lock), false, 'closing removes the lock');
    // A pid that no process has.
    writeFileSync(lock, '4194303\n');
    ({ state } = open(path));
    state.close();
    // The live parent named with its real start time holds it; named by pid only (an older lock), too.
    const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    for (const holder of [`${process.ppid} ${start}`, `${process.ppid}`]) {
      writeFileSync(lock, `${holder}\n`);
      assert.throws(() => SignerStateFile.open(path, identity), { code: 'SIGNER_IN_USE' });
      assert.equal(signerStateHeld(path), true);
    }
    rmSync(lock);
    assert.equal(signerStateHeld(path), false);
  });

  it('takes over a lock copied from another directory, even when the process that holds the original lives', () => {
    // A seeded test network copied while its nodes ran carried their locks (CI: SIGNER_IN_USE "held by
    // process 7562" on the copy): the holder is alive and its start time matches, but it holds the original.
    const path = join(dir, 'copied');
    const lock = `${path}.lock`;
    const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    writeFileSync(lock, `${process.ppid} ${start}\n/elsewhere/orgs/carrier-a/node/signer-state.lock\n`);
    assert.equal(signerStateHeld(path), false);
    const { state } = open(path);
    assert.match(readFileSync(lock, 'utf8'), new RegExp(`^${process.pid}`), 'the lock is now this process’s');
    state.close();
    // The same holder naming this very place does hold it.
    writeFileSync(lock, `${process.ppid} ${start}\n${realpathSync(dir)}/copied.lock\n`);
    assert.throws(() => SignerStateFile.open(path, identity), { code: 'SIGNER_IN_USE' });
    rmSync(lock);
  });

  it('refuses a state file of another key, and a second holder', () => {
    const path = join(dir, 'c');
    const { signer, state } = open(path);
    signer.signVote(vote('prevote', 1, 0, A));
    assert.throws(() => SignerStateFile.open(path, identity), { code: 'SIGNER_IN_USE' });
    state.close();
    assert.throws(() => SignerStateFile.open(path, { ...identity, validator: 'cd'.repeat(32) }), {
      code: 'SIGNER_STATE_INVALID',
    });
  });
});
