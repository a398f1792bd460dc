/**
 * The data of consensus: heights, rounds, votes, proposals, certificates and evidence.
 * Everything here is plain data (no methods) so a driver can encode it however the node wants.
 */

/** A block height; the first block is height 1. */
export type Height = number;
/** A round within a height, starting at 0. */
export type Round = number;
/** The application's hash of a block, lowercase hex. Consensus treats it as an opaque identifier. */
export type BlockHash = string;
/** A validator's address (its identity on the ledger). Consensus only compares them. */
export type ValidatorAddress = string;

export type VoteType = 'prevote' | 'precommit';

/** One validator's vote for a block (or for nothing: `blockHash` null, a "nil" vote) in one step. */
export interface Vote {
  readonly type: VoteType;
  readonly height: Height;
  readonly round: Round;
  readonly blockHash: BlockHash | null;
  readonly validator: ValidatorAddress;
}

/**
 * A proposer's block for one round. `polRound` is the round of the prevote quorum ("proof of lock") that
 * justifies re-proposing a value, or -1 for a fresh value. `payload` is opaque to consensus: the block bytes,
 * or a reference the node resolves; the application binds it to `blockHash` when it validates.
 * The signature covers everything but the payload (the payload is bound through `blockHash`).
 */
export interface Proposal {
  readonly height: Height;
  readonly round: Round;
  readonly blockHash: BlockHash;
  readonly polRound: Round | -1;
  readonly proposer: ValidatorAddress;
  readonly payload: Uint8Array;
}

export interface SignedVote {
  readonly kind: 'vote';
  readonly vote: Vote;
  readonly signature: Uint8Array;
}

export interface SignedProposal {
  readonly kind: 'proposal';
  readonly proposal: Proposal;
  readonly signature: Uint8Array;
}

/** What validators send each other. */
export type ConsensusMessage = SignedVote | SignedProposal;

export interface CertificateSignature {
  readonly validator: ValidatorAddress;
  readonly signature: Uint8Array;
}

/**
 * Proof that a block is final: precommit signatures for (height, round, blockHash) from validators holding
 * more than 2/3 of the voting power of that height. Anyone with the validator set can check it
 * (`verifyCommitCertificate`).
 */
export interface CommitCertificate {
  readonly height: Height;
  readonly round: Round;
  readonly blockHash: BlockHash;
  readonly signatures: readonly CertificateSignature[];
}

/** Two validly signed votes by one validator for one (height, round, type) with different block hashes. */
export interface DuplicateVoteEvidence {
  readonly kind: 'duplicate-vote';
  readonly validator: ValidatorAddress;
  readonly first: SignedVote;
  readonly second: SignedVote;
}

export type Evidence = DuplicateVoteEvidence;

export type Step = 'propose' | 'prevote' | 'precommit';
export type TimeoutKind = Step;
