// Helpers for machine unit tests: a 4-validator world with fake signatures and shortcuts to build messages.
import type { ConsensusOutput } from '../src/interface.js';
import { ConsensusMachine } from '../src/machine/machine.js';
import { HmacKeyring } from '../src/simulator/keyring.js';
import type { BlockHash, SignedProposal, SignedVote, VoteType } from '../src/types.js';
import { type Validator, ValidatorSet } from '../src/validators.js';
import type { WalRecord } from '../src/wal/records.js';

export const KEYS = ['v0', 'v1', 'v2', 'v3', 'v4'];
export const keyring = new HmacKeyring(42, KEYS);
export const VALIDATORS: Validator[] = ['v0', 'v1', 'v2', 'v3'].map((address) => ({ address, power: 1 }));
export const TIMEOUTS = {
  proposeBaseMs: 100,
  proposeDeltaMs: 10,
  prevoteBaseMs: 50,
  prevoteDeltaMs: 5,
  precommitBaseMs: 50,
  precommitDeltaMs: 5,
};

export const hashA: BlockHash = 'a'.repeat(64);
export const hashB: BlockHash = 'b'.repeat(64);
export const payloadA = new Uint8Array([1]);
export const payloadB = new Uint8Array([2]);

export function validatorSet(validators: Validator[] = VALIDATORS): ValidatorSet {
  return ValidatorSet.create(validators);
}

/** A machine for `me`, started at `height` (fresh or from WAL records). */
export function startMachine(
  me: string,
  options: { height?: number; set?: ValidatorSet; recovered?: WalRecord[] } = {},
): { machine: ConsensusMachine; outputs: ConsensusOutput[]; set: ValidatorSet } {
  const set = options.set ?? validatorSet();
  const machine = new ConsensusMachine({
    signer: keyring.signerFor(me),
    verifier: keyring,
    timeouts: TIMEOUTS,
  });
  const outputs = machine.step({
    type: 'start-height',
    height: options.height ?? 1,
    validators: set,
    recovered: options.recovered ?? [],
  });
  return { machine, outputs, set };
}

export function vote(
  validator: string,
  type: VoteType,
  round: number,
  blockHash: BlockHash | null,
  height = 1,
): SignedVote {
  const body = { type, height, round, blockHash, validator };
  return { kind: 'vote', vote: body, signature: keyring.signerFor(validator).signVote(body) };
}

export function proposal(
  proposer: string,
  round: number,
  blockHash: BlockHash,
  payload: Uint8Array,
  polRound = -1,
  height = 1,
): SignedProposal {
  const body = { height, round, blockHash, polRound, proposer, payload };
  return { kind: 'proposal', proposal: body, signature: keyring.signerFor(proposer).signProposal(body) };
}

/** The machine's own votes in `outputs`, as "type round hash" strings. */
export function votesIn(outputs: readonly ConsensusOutput[]): string[] {
  return outputs.flatMap((o) =>
    o.type === 'broadcast' && o.message.kind === 'vote'
      ? [`${o.message.vote.type} ${o.message.vote.round} ${o.message.vote.blockHash ?? 'nil'}`]
      : [],
  );
}

export function feedVotes(machine: ConsensusMachine, votes: SignedVote[]): ConsensusOutput[] {
  return votes.flatMap((message) => machine.step({ type: 'vote-received', message }));
}

/** Delivers a proposal and answers its validation request with `result`. */
export function deliverProposal(
  machine: ConsensusMachine,
  message: SignedProposal,
  result: 'valid' | 'invalid' = 'valid',
): ConsensusOutput[] {
  const outputs = machine.step({ type: 'proposal-received', message });
  const asked = outputs.some((o) => o.type === 'validate-proposal');
  if (!asked) return outputs;
  return [
    ...outputs,
    ...machine.step({
      type: 'validation-result',
      height: message.proposal.height,
      blockHash: message.proposal.blockHash,
      result,
    }),
  ];
}

export function walRecords(outputs: readonly ConsensusOutput[]): WalRecord[] {
  return outputs.flatMap((o) => (o.type === 'wal-write' ? [o.record] : []));
}
