import type {
  BlockHash,
  CommitCertificate,
  ConsensusMessage,
  Evidence,
  Height,
  Proposal,
  Round,
  SignedProposal,
  SignedVote,
  TimeoutKind,
  ValidatorAddress,
  Vote,
} from './types.js';
import type { ValidatorSet } from './validators.js';
import type { WalRecord } from './wal/records.js';

/**
 * Signs this node's votes and proposals. The node plugs Ed25519 over the project's canonical encoding
 * (adding the chain id to the signed bytes) behind a guard that remembers, on disk, the last thing it
 * signed; the simulator plugs a fast HMAC fake. The machine never sees keys.
 *
 * A signer may refuse by throwing a `ConsensusError` with code `CONSENSUS_SIGN_REFUSED` (it signed a
 * conflicting message for the same height, round and step before, or something later): the machine then
 * sends nothing for that step, as if its message were lost. Any other exception is the driver's problem.
 */
export interface ConsensusSigner {
  readonly address: ValidatorAddress;
  signVote(vote: Vote): Uint8Array;
  signProposal(proposal: Proposal): Uint8Array;
}

/** Checks other validators' signatures. Must be a pure function of its arguments (no clock, no state). */
export interface SignatureVerifier {
  verifyVote(vote: Vote, signature: Uint8Array): boolean;
  verifyProposal(proposal: Proposal, signature: Uint8Array): boolean;
}

/** Whether the application accepts a proposed block. */
export type ValidationResult = 'valid' | 'invalid';

/**
 * The application as the driver sees it (consensus itself only emits requests and takes results as inputs,
 * so validation and block building may be asynchronous).
 */
export interface ConsensusApplication {
  /** Builds this node's block for `height`. */
  propose(height: Height): { blockHash: BlockHash; payload: Uint8Array };
  /**
   * Decides whether `payload` is a valid block at `height` whose hash is `blockHash`. The machine keys results
   * by block hash, so the application MUST check that the payload really hashes to `blockHash`.
   */
  validate(height: Height, blockHash: BlockHash, payload: Uint8Array): ValidationResult;
  /** Executes and stores a decided block with its certificate. Must be durable before the next height starts. */
  commit(height: Height, payload: Uint8Array, certificate: CommitCertificate): void;
}

// ---------------------------------------------------------------------------------------------------------
// Inputs: everything that can happen to the machine.

/**
 * Begin consensus at `height` with that height's validator set (the driver derives it from governance).
 * After a crash, `recovered` holds the WAL records of this height (see `recordsForHeight`): the machine
 * resumes its own votes, proposal and lock from them and re-sends its signed messages.
 */
export interface StartHeightInput {
  readonly type: 'start-height';
  readonly height: Height;
  readonly validators: ValidatorSet;
  readonly recovered?: readonly WalRecord[];
}

export interface ProposalReceivedInput {
  readonly type: 'proposal-received';
  readonly message: SignedProposal;
}

export interface VoteReceivedInput {
  readonly type: 'vote-received';
  readonly message: SignedVote;
}

/** A timer the machine asked for (`schedule-timeout`) has fired. */
export interface TimeoutFiredInput {
  readonly type: 'timeout-fired';
  readonly timeout: TimeoutKind;
  readonly height: Height;
  readonly round: Round;
}

/** The block the application built in answer to `build-proposal`. */
export interface ProposalBuiltInput {
  readonly type: 'proposal-built';
  readonly height: Height;
  readonly round: Round;
  readonly blockHash: BlockHash;
  readonly payload: Uint8Array;
}

/** The application's verdict on a block the machine asked about (`validate-proposal`). */
export interface ValidationResultInput {
  readonly type: 'validation-result';
  readonly height: Height;
  readonly blockHash: BlockHash;
  readonly result: ValidationResult;
}

/**
 * A decided block learnt from a peer (block sync): the certificate is checked against this height's
 * validator set, and if it holds the machine decides without voting. Validation is not re-run: more than
 * 2/3 of the power precommitted, so at least one correct validator validated the block (with at most f
 * faulty). The application still checks that the payload hashes to the certificate's block hash on commit.
 */
export interface CommitReceivedInput {
  readonly type: 'commit-received';
  readonly certificate: CommitCertificate;
  readonly payload: Uint8Array;
}

export type ConsensusInput =
  | StartHeightInput
  | ProposalReceivedInput
  | VoteReceivedInput
  | TimeoutFiredInput
  | ProposalBuiltInput
  | ValidationResultInput
  | CommitReceivedInput;

// ---------------------------------------------------------------------------------------------------------
// Outputs: what the driver must do, in order.

/** Append to the WAL. The driver MUST sync the WAL before carrying out any later output of the same step. */
export interface WalWriteOutput {
  readonly type: 'wal-write';
  readonly record: WalRecord;
}

/** Send to every peer (validators and full nodes). The machine has already counted its own message. */
export interface BroadcastOutput {
  readonly type: 'broadcast';
  readonly message: ConsensusMessage;
}

/** Fire `timeout-fired` with these fields after `delayMs` of the driver's clock. Never cancelled: stale ones are ignored. */
export interface ScheduleTimeoutOutput {
  readonly type: 'schedule-timeout';
  readonly timeout: TimeoutKind;
  readonly height: Height;
  readonly round: Round;
  readonly delayMs: number;
}

/** This node proposes: ask the application for a block and answer with `proposal-built`. */
export interface BuildProposalOutput {
  readonly type: 'build-proposal';
  readonly height: Height;
  readonly round: Round;
}

/** Ask the application to validate a proposed block and answer with `validation-result`. Asked once per hash. */
export interface ValidateProposalOutput {
  readonly type: 'validate-proposal';
  readonly height: Height;
  readonly blockHash: BlockHash;
  readonly payload: Uint8Array;
}

/** The block is final. Commit it with its certificate, then start the next height. */
export interface DecideOutput {
  readonly type: 'decide';
  readonly height: Height;
  readonly round: Round;
  readonly blockHash: BlockHash;
  readonly payload: Uint8Array;
  readonly certificate: CommitCertificate;
}

/** Misbehaviour seen; the node submits it for recording on chain. Emitted once per offence. */
export interface EvidenceOutput {
  readonly type: 'evidence';
  readonly evidence: Evidence;
}

export type ConsensusOutput =
  | WalWriteOutput
  | BroadcastOutput
  | ScheduleTimeoutOutput
  | BuildProposalOutput
  | ValidateProposalOutput
  | DecideOutput
  | EvidenceOutput;

/** Why an input was dropped; counted in `ConsensusMachine.ignored` for metrics and tests. */
export type IgnoreReason =
  | 'not-started'
  | 'stale-height'
  | 'future-height'
  | 'round-out-of-range'
  | 'malformed'
  | 'non-validator'
  | 'wrong-proposer'
  | 'bad-signature'
  | 'duplicate'
  /** More distinct votes from one validator in one step than are worth counting. */
  | 'equivocation'
  | 'bad-certificate'
  | 'stale-input'
  | 'buffer-full';
