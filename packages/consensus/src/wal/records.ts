import type { BlockHash, Height, Round, SignedProposal, SignedVote } from '../types.js';

/**
 * What the machine makes durable before anything that depends on it leaves the node:
 * its own signed proposals and votes (so it never signs a conflicting one after a crash) and its lock
 * (so a restart cannot forget a value it may have helped to decide).
 */
export type WalRecord = WalProposalRecord | WalVoteRecord | WalLockRecord;

export interface WalProposalRecord {
  readonly kind: 'proposal';
  readonly height: Height;
  readonly message: SignedProposal;
}

export interface WalVoteRecord {
  readonly kind: 'vote';
  readonly height: Height;
  readonly message: SignedVote;
}

/** Written before the precommit that takes the lock. The payload lets a restarted proposer re-propose it. */
export interface WalLockRecord {
  readonly kind: 'lock';
  readonly height: Height;
  readonly round: Round;
  readonly blockHash: BlockHash;
  readonly payload: Uint8Array;
}

/** The records a restarted machine needs when it starts `height` (older heights are decided and done). */
export function recordsForHeight(records: readonly WalRecord[], height: Height): WalRecord[] {
  return records.filter((r) => r.height === height);
}
