import { verifyCommitCertificate } from '../certificate.js';
import { ConsensusError } from '../errors.js';
import type {
  CommitReceivedInput,
  ConsensusInput,
  ConsensusOutput,
  ConsensusSigner,
  IgnoreReason,
  ProposalBuiltInput,
  SignatureVerifier,
  StartHeightInput,
  TimeoutFiredInput,
  ValidationResultInput,
} from '../interface.js';
import {
  defaultLimitOptions,
  defaultTimeoutOptions,
  type LimitOptions,
  type TimeoutOptions,
  timeoutDelayMs,
} from '../options.js';
import type {
  BlockHash,
  CommitCertificate,
  ConsensusMessage,
  Height,
  Round,
  SignedProposal,
  SignedVote,
  Step,
  TimeoutKind,
  ValidatorAddress,
  VoteType,
} from '../types.js';
import type { ValidatorSet } from '../validators.js';
import type { WalRecord } from '../wal/records.js';
import { NIL, VoteSet } from './voteSet.js';

export interface ConsensusMachineOptions {
  /** This node's key; absent on a non-voting full node, which follows consensus without signing. */
  readonly signer?: ConsensusSigner;
  readonly verifier: SignatureVerifier;
  readonly timeouts?: Partial<TimeoutOptions>;
  readonly limits?: Partial<LimitOptions>;
}

type ValueStatus = 'pending' | 'valid' | 'invalid';

/** A block this node has the payload of, with the application's verdict on it. */
interface KnownValue {
  payload: Uint8Array;
  status: ValueStatus;
}

interface RoundState {
  /** Proposals by the round's proposer; the first is "the" proposal, later ones prove it equivocated. */
  readonly proposals: SignedProposal[];
  readonly prevotes: VoteSet;
  readonly precommits: VoteSet;
  /** Power of every validator that sent anything for this round: f+1 of it makes a lagging node skip ahead. */
  readonly senders: Map<ValidatorAddress, number>;
}

const STEP_ORDER: Record<Step, number> = { propose: 0, prevote: 1, precommit: 2 };

/** Everything about the height in progress; thrown away when the next height starts. */
class HeightState {
  round: Round = 0;
  step: Step = 'propose';
  lockedRound: Round | -1 = -1;
  lockedValue: BlockHash | null = null;
  validRound: Round | -1 = -1;
  validValue: BlockHash | null = null;
  decided = false;
  readonly rounds = new Map<Round, RoundState>();
  readonly values = new Map<BlockHash, KnownValue>();
  readonly ownVotes = new Map<string, SignedVote>();
  readonly ownProposals = new Map<Round, SignedProposal>();
  /** Rounds where the "polka seen for the proposal" rule (line 36) has fired; it fires once per round. */
  readonly polkaHandled = new Set<Round>();
  readonly prevoteTimeoutScheduled = new Set<Round>();
  readonly precommitTimeoutScheduled = new Set<Round>();
  readonly evidenceReported = new Set<string>();

  constructor(
    readonly height: Height,
    readonly validators: ValidatorSet,
  ) {}

  roundState(round: Round): RoundState {
    let state = this.rounds.get(round);
    if (state === undefined) {
      state = { proposals: [], prevotes: new VoteSet(), precommits: new VoteSet(), senders: new Map() };
      this.rounds.set(round, state);
    }
    return state;
  }
}

function voteKey(round: Round, type: VoteType): string {
  return `${round}/${type}`;
}

function isRound(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isHash(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value !== NIL;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The Tendermint consensus algorithm (Buchman, Kwon, Milosevic 2018, Algorithm 1) as a pure state machine:
 * `step(input)` returns the outputs the driver must carry out, in order. No clock, randomness or I/O: time
 * exists only as `schedule-timeout` outputs the driver turns into `timeout-fired` inputs.
 *
 * Deviations from the paper, all on the side of liveness and all keeping its safety argument:
 * - the decision rule (line 49) accepts the block's payload from any proposal of the height, since the
 *   precommit quorum alone fixes the value;
 * - a proposal whose validation is still pending is waited for (the propose timeout bounds the wait);
 * - a decided block can be learnt from a peer's commit certificate (`commit-received`, i.e. block sync).
 */
export class ConsensusMachine {
  private readonly signer: ConsensusSigner | undefined;
  private readonly verifier: SignatureVerifier;
  private readonly timeouts: TimeoutOptions;
  private readonly limits: LimitOptions;
  private state: HeightState | null = null;
  /** Messages of the next height that arrived early; checked when that height starts. */
  private nextHeightBuffer: ConsensusMessage[] = [];
  private outputs: ConsensusOutput[] = [];
  /** Inputs dropped, by reason: for metrics and tests. Dropping never changes the state. */
  readonly ignored: Record<IgnoreReason, number> = {
    'not-started': 0,
    'stale-height': 0,
    'future-height': 0,
    'round-out-of-range': 0,
    malformed: 0,
    'non-validator': 0,
    'wrong-proposer': 0,
    'bad-signature': 0,
    duplicate: 0,
    equivocation: 0,
    'bad-certificate': 0,
    'stale-input': 0,
    'buffer-full': 0,
  };

  /** Signatures the signer refused (see `ConsensusSigner`): for metrics and tests. */
  refusedSignatures = 0;

  constructor(options: ConsensusMachineOptions) {
    this.signer = options.signer;
    this.verifier = options.verifier;
    this.timeouts = { ...defaultTimeoutOptions, ...options.timeouts };
    this.limits = { ...defaultLimitOptions, ...options.limits };
  }

  /** Feeds one input; returns what the driver must do, in order (sync the WAL before what follows a write). */
  step(input: ConsensusInput): ConsensusOutput[] {
    this.outputs = [];
    switch (input.type) {
      case 'start-height':
        this.onStartHeight(input);
        break;
      case 'proposal-received':
        this.onProposal(input.message, false);
        break;
      case 'vote-received':
        this.onVote(input.message, false);
        break;
      case 'timeout-fired':
        this.onTimeout(input);
        break;
      case 'proposal-built':
        this.onProposalBuilt(input);
        break;
      case 'validation-result':
        this.onValidationResult(input);
        break;
      case 'commit-received':
        this.onCommitReceived(input);
        break;
      default:
        throw new ConsensusError(
          'CONSENSUS_INVALID_INPUT',
          `unknown input ${(input as { type: unknown }).type}`,
        );
    }
    this.applyRules();
    const outputs = this.outputs;
    this.outputs = [];
    return outputs;
  }

  // ----- read-only view, for drivers (gossip, status) and tests -----

  get height(): Height | undefined {
    return this.state?.height;
  }
  get round(): Round | undefined {
    return this.state?.round;
  }
  get currentStep(): Step | undefined {
    return this.state?.step;
  }
  get decided(): boolean {
    return this.state?.decided ?? false;
  }
  get lock(): { round: Round | -1; blockHash: BlockHash | null } {
    return { round: this.state?.lockedRound ?? -1, blockHash: this.state?.lockedValue ?? null };
  }
  get validValue(): { round: Round | -1; blockHash: BlockHash | null } {
    return { round: this.state?.validRound ?? -1, blockHash: this.state?.validValue ?? null };
  }
  get validators(): ValidatorSet | undefined {
    return this.state?.validators;
  }

  /** This node's signed messages at the current height, for the driver to re-send (gossip is lossy). */
  ownMessages(): ConsensusMessage[] {
    const state = this.state;
    if (state === null) return [];
    return [...state.ownProposals.values(), ...state.ownVotes.values()];
  }

  // ----- inputs -----

  private onStartHeight(input: StartHeightInput): void {
    if (this.state !== null && input.height <= this.state.height) {
      throw new ConsensusError(
        'CONSENSUS_HEIGHT_NOT_INCREASING',
        `cannot start height ${input.height} at height ${this.state.height}`,
        { details: { height: input.height, current: this.state.height } },
      );
    }
    if (!isRound(input.height) || input.height < 1) {
      throw new ConsensusError('CONSENSUS_INVALID_INPUT', `bad height ${input.height}`);
    }
    const state = new HeightState(input.height, input.validators);
    this.state = state;
    const recovered = (input.recovered ?? []).filter((r) => r.height === input.height);
    if (recovered.length > 0) this.resume(recovered);
    else this.startRound(0);
    const buffered = this.nextHeightBuffer;
    this.nextHeightBuffer = [];
    for (const message of buffered) {
      if (message.kind === 'vote') this.onVote(message, false);
      else this.onProposal(message, false);
    }
  }

  /** Rebuilds this node's part of the height from its WAL: own votes, own proposals and lock. */
  private resume(records: readonly WalRecord[]): void {
    const state = this.state!;
    let resumeRound = 0;
    for (const record of records) {
      switch (record.kind) {
        case 'proposal': {
          const { proposal } = record.message;
          state.ownProposals.set(proposal.round, record.message);
          state.roundState(proposal.round).proposals.push(record.message);
          state.values.set(proposal.blockHash, { payload: proposal.payload, status: 'valid' });
          resumeRound = Math.max(resumeRound, proposal.round);
          break;
        }
        case 'vote': {
          const { vote } = record.message;
          const key = voteKey(vote.round, vote.type);
          const earlier = state.ownVotes.get(key);
          if (earlier !== undefined && earlier.vote.blockHash !== vote.blockHash) {
            throw new ConsensusError(
              'CONSENSUS_WAL_CORRUPT',
              `two own ${vote.type}s in round ${vote.round}`,
              {
                details: { height: vote.height, round: vote.round, type: vote.type },
              },
            );
          }
          state.ownVotes.set(key, record.message);
          this.countVote(record.message, state.validators.powerOf(vote.validator));
          resumeRound = Math.max(resumeRound, vote.round);
          break;
        }
        case 'lock':
          if (record.round >= state.lockedRound) {
            state.lockedRound = record.round;
            state.lockedValue = record.blockHash;
            state.validRound = record.round;
            state.validValue = record.blockHash;
            state.polkaHandled.add(record.round);
          }
          state.values.set(record.blockHash, { payload: record.payload, status: 'valid' });
          resumeRound = Math.max(resumeRound, record.round);
          break;
      }
    }
    state.round = resumeRound;
    if (state.ownVotes.has(voteKey(resumeRound, 'precommit'))) state.step = 'precommit';
    else if (state.ownVotes.has(voteKey(resumeRound, 'prevote'))) state.step = 'prevote';
    else state.step = 'propose';
    // Peers may have missed these before the crash; they are durable, so sending them again is safe.
    for (const message of this.ownMessages()) this.emit({ type: 'broadcast', message });
    // Every step needs a timer to leave it when the messages it waits for never come (they may have been
    // lost while this node was down, for good): the propose step gets its timer from `startRound`; the
    // prevote and precommit steps get theirs here, as if the quorum that starts them (lines 34 and 47) had
    // been seen. Leaving early is safe: the prevote timeout precommits nil, the precommit timeout starts
    // the next round, and the lock survives both.
    switch (state.step) {
      case 'propose':
        this.startRound(resumeRound);
        break;
      case 'prevote':
        state.prevoteTimeoutScheduled.add(resumeRound);
        this.scheduleTimeout('prevote');
        break;
      case 'precommit':
        state.precommitTimeoutScheduled.add(resumeRound);
        this.scheduleTimeout('precommit');
        break;
    }
  }

  private onVote(message: SignedVote, fromSelf: boolean): void {
    const vote = message?.vote;
    if (
      vote === undefined ||
      (vote.type !== 'prevote' && vote.type !== 'precommit') ||
      !isRound(vote.height) ||
      !isRound(vote.round) ||
      !(vote.blockHash === null || isHash(vote.blockHash)) ||
      typeof vote.validator !== 'string' ||
      !(message.signature instanceof Uint8Array)
    ) {
      this.ignore('malformed');
      return;
    }
    const state = this.admitHeight(message, vote.height);
    if (state === null) return;
    if (vote.round > state.round + this.limits.maxRoundsAhead) {
      this.ignore('round-out-of-range');
      return;
    }
    const power = state.validators.powerOf(vote.validator);
    if (power === 0) {
      this.ignore('non-validator');
      return;
    }
    const round = state.roundState(vote.round);
    const set = vote.type === 'prevote' ? round.prevotes : round.precommits;
    if (set.has(vote.validator, vote.blockHash)) {
      this.ignore('duplicate');
      return;
    }
    if (!fromSelf && !this.verifier.verifyVote(vote, message.signature)) {
      this.ignore('bad-signature');
      return;
    }
    this.countVote(message, power);
  }

  /** Adds a vote already known to be well-formed, signed and from a member; reports equivocation. */
  private countVote(message: SignedVote, power: number): void {
    const state = this.state!;
    const { vote } = message;
    const round = state.roundState(vote.round);
    const set = vote.type === 'prevote' ? round.prevotes : round.precommits;
    const result = set.add(message, power);
    if (result.kind === 'duplicate') {
      this.ignore('duplicate');
      return;
    }
    if (result.kind === 'conflict' || result.kind === 'dropped') {
      // A conflicting vote still counts for its own value (see VoteSet); only the surplus is dropped.
      if (result.kind === 'dropped') this.ignore('equivocation');
      const key = `${vote.validator}/${vote.round}/${vote.type}`;
      if (!state.evidenceReported.has(key)) {
        state.evidenceReported.add(key);
        this.emit({
          type: 'evidence',
          evidence: {
            kind: 'duplicate-vote',
            validator: vote.validator,
            first: result.existing,
            second: message,
          },
        });
      }
      return;
    }
    round.senders.set(vote.validator, power);
  }

  private onProposal(message: SignedProposal, fromSelf: boolean): void {
    const proposal = message?.proposal;
    if (
      proposal === undefined ||
      !isRound(proposal.height) ||
      !isRound(proposal.round) ||
      !isHash(proposal.blockHash) ||
      !Number.isSafeInteger(proposal.polRound) ||
      proposal.polRound < -1 ||
      proposal.polRound >= proposal.round ||
      typeof proposal.proposer !== 'string' ||
      !(proposal.payload instanceof Uint8Array) ||
      !(message.signature instanceof Uint8Array)
    ) {
      this.ignore('malformed');
      return;
    }
    const state = this.admitHeight(message, proposal.height);
    if (state === null) return;
    if (proposal.round > state.round + this.limits.maxRoundsAhead) {
      this.ignore('round-out-of-range');
      return;
    }
    if (state.validators.proposer(proposal.round) !== proposal.proposer) {
      this.ignore('wrong-proposer');
      return;
    }
    const round = state.roundState(proposal.round);
    if (round.proposals.some((p) => p.proposal.blockHash === proposal.blockHash)) {
      this.ignore('duplicate');
      return;
    }
    if (round.proposals.length >= this.limits.maxProposalsPerRound) {
      this.ignore('buffer-full');
      return;
    }
    if (!fromSelf && !this.verifier.verifyProposal(proposal, message.signature)) {
      this.ignore('bad-signature');
      return;
    }
    round.proposals.push(message);
    round.senders.set(proposal.proposer, state.validators.powerOf(proposal.proposer));
    this.learnValue(proposal.blockHash, proposal.payload, fromSelf);
  }

  /**
   * Returns the current height's state if the message belongs to it; buffers next-height messages and
   * drops the rest. A decided height takes no more messages: the next height's do get buffered.
   */
  private admitHeight(message: ConsensusMessage, height: Height): HeightState | null {
    const state = this.state;
    if (state === null) {
      this.ignore('not-started');
      return null;
    }
    if (height === state.height && !state.decided) return state;
    if (height <= state.height) {
      this.ignore('stale-height');
      return null;
    }
    if (height === state.height + 1) {
      if (this.nextHeightBuffer.length >= this.limits.maxBufferedNextHeightMessages)
        this.ignore('buffer-full');
      else this.nextHeightBuffer.push(message);
      return null;
    }
    this.ignore('future-height');
    return null;
  }

  private learnValue(blockHash: BlockHash, payload: Uint8Array, ownBlock: boolean): void {
    const state = this.state!;
    const known = state.values.get(blockHash);
    if (ownBlock) {
      state.values.set(blockHash, { payload, status: 'valid' });
      return;
    }
    // A payload that failed validation may have been a forgery under a real hash: give another payload a chance.
    if (known === undefined || (known.status === 'invalid' && !bytesEqual(known.payload, payload))) {
      state.values.set(blockHash, { payload, status: 'pending' });
      this.emit({ type: 'validate-proposal', height: state.height, blockHash, payload });
    }
  }

  private onTimeout(input: TimeoutFiredInput): void {
    const state = this.state;
    if (state === null || state.decided || input.height !== state.height || input.round !== state.round)
      return;
    switch (input.timeout) {
      case 'propose': // line 57
        if (state.step === 'propose') this.prevote(null);
        return;
      case 'prevote': // line 61
        if (state.step === 'prevote') this.precommit(null);
        return;
      case 'precommit': // line 65
        this.startRound(state.round + 1);
        return;
    }
  }

  private onProposalBuilt(input: ProposalBuiltInput): void {
    const state = this.state;
    if (
      state === null ||
      state.decided ||
      input.height !== state.height ||
      input.round !== state.round ||
      state.step !== 'propose' ||
      state.ownProposals.has(input.round) ||
      !isHash(input.blockHash) ||
      !this.isProposer(input.round)
    ) {
      this.ignore('stale-input');
      return;
    }
    this.propose(input.blockHash, input.payload, -1);
  }

  private onValidationResult(input: ValidationResultInput): void {
    const state = this.state;
    const known = state?.values.get(input.blockHash);
    if (
      state === null ||
      input.height !== state.height ||
      known === undefined ||
      known.status !== 'pending'
    ) {
      this.ignore('stale-input');
      return;
    }
    known.status = input.result === 'valid' ? 'valid' : 'invalid';
  }

  private onCommitReceived(input: CommitReceivedInput): void {
    const state = this.state;
    const { certificate, payload } = input;
    if (state === null || state.decided || certificate?.height !== state.height) {
      this.ignore('stale-input');
      return;
    }
    if (!(payload instanceof Uint8Array) || !isRound(certificate.round)) {
      this.ignore('malformed');
      return;
    }
    if (!verifyCommitCertificate(certificate, state.validators, this.verifier).ok) {
      this.ignore('bad-certificate');
      return;
    }
    this.decide(certificate, payload);
  }

  // ----- the rules of Algorithm 1 -----

  /** Fires rules until none applies: each input may unlock a chain of steps. */
  private applyRules(): void {
    while (this.state !== null && !this.state.decided && this.applyOneRule(this.state)) {
      // keep going
    }
  }

  private applyOneRule(state: HeightState): boolean {
    const validators = state.validators;
    // Line 49: a precommit quorum for a block in any round decides it.
    for (const [round, votes] of state.rounds) {
      for (const [value, power] of votes.precommits.values()) {
        if (value === NIL || !validators.hasQuorum(power)) continue;
        const known = state.values.get(value);
        if (known?.status !== 'valid') continue;
        this.decideFromVotes(round, value, known.payload);
        return true;
      }
    }
    // Line 55: more than 1/3 of the power is in a later round, so this node is behind: jump there.
    let skipTo = -1;
    for (const [round, votes] of state.rounds) {
      if (round <= state.round || round <= skipTo) continue;
      let power = 0;
      for (const p of votes.senders.values()) power += p;
      if (validators.hasOneThird(power)) skipTo = round;
    }
    if (skipTo > state.round) {
      this.startRound(skipTo);
      return true;
    }

    const round = state.roundState(state.round);
    const proposal = round.proposals[0]?.proposal;
    // Lines 22 and 28: prevote for the round's proposal, respecting the lock.
    if (state.step === 'propose' && proposal !== undefined) {
      const known = state.values.get(proposal.blockHash);
      if (known !== undefined && known.status !== 'pending') {
        const valid = known.status === 'valid';
        if (proposal.polRound === -1) {
          const acceptable = state.lockedRound === -1 || state.lockedValue === proposal.blockHash;
          this.prevote(valid && acceptable ? proposal.blockHash : null);
          return true;
        }
        const polka = state.rounds.get(proposal.polRound)?.prevotes.powerFor(proposal.blockHash) ?? 0;
        if (validators.hasQuorum(polka)) {
          // Unlock: a polka newer than (or at) our lock for another value overrides the lock.
          const acceptable =
            state.lockedRound <= proposal.polRound || state.lockedValue === proposal.blockHash;
          this.prevote(valid && acceptable ? proposal.blockHash : null);
          return true;
        }
      }
    }
    // Line 36: a polka for a valid proposed block: lock on it and precommit (once per round).
    if (STEP_ORDER[state.step] >= STEP_ORDER.prevote && !state.polkaHandled.has(state.round)) {
      for (const { proposal: p } of round.proposals) {
        if (state.values.get(p.blockHash)?.status !== 'valid') continue;
        if (!validators.hasQuorum(round.prevotes.powerFor(p.blockHash))) continue;
        state.polkaHandled.add(state.round);
        if (state.step === 'prevote') {
          state.lockedRound = state.round;
          state.lockedValue = p.blockHash;
          this.emit({
            type: 'wal-write',
            record: {
              kind: 'lock',
              height: state.height,
              round: state.round,
              blockHash: p.blockHash,
              payload: p.payload,
            },
          });
          this.precommit(p.blockHash);
        }
        state.validRound = state.round;
        state.validValue = p.blockHash;
        return true;
      }
    }
    // Line 44: a polka for nil.
    if (state.step === 'prevote' && validators.hasQuorum(round.prevotes.powerFor(null))) {
      this.precommit(null);
      return true;
    }
    // Line 34: a quorum prevoted, but not for one thing: give the stragglers until the prevote timeout.
    if (
      state.step === 'prevote' &&
      !state.prevoteTimeoutScheduled.has(state.round) &&
      validators.hasQuorum(round.prevotes.totalPower)
    ) {
      state.prevoteTimeoutScheduled.add(state.round);
      this.scheduleTimeout('prevote');
      return true;
    }
    // Line 47: a quorum precommitted, but not for one thing: move to the next round after the timeout.
    if (
      !state.precommitTimeoutScheduled.has(state.round) &&
      validators.hasQuorum(round.precommits.totalPower)
    ) {
      state.precommitTimeoutScheduled.add(state.round);
      this.scheduleTimeout('precommit');
      return true;
    }
    return false;
  }

  // ----- actions -----

  private startRound(round: Round): void {
    const state = this.state!;
    state.round = round;
    state.step = 'propose';
    state.roundState(round);
    if (this.isProposer(round) && !state.ownProposals.has(round)) {
      const validValue = state.validValue === null ? undefined : state.values.get(state.validValue);
      if (state.validValue !== null && validValue !== undefined) {
        this.propose(state.validValue, validValue.payload, state.validRound);
      } else {
        this.emit({ type: 'build-proposal', height: state.height, round });
      }
    }
    // The paper schedules this only on non-proposers; the proposer needs it too if its app never answers.
    this.scheduleTimeout('propose');
  }

  private isProposer(round: Round): boolean {
    const state = this.state!;
    return this.signer !== undefined && state.validators.proposer(round) === this.signer.address;
  }

  private propose(blockHash: BlockHash, payload: Uint8Array, polRound: Round | -1): void {
    const state = this.state!;
    const signer = this.signer!;
    const proposal = {
      height: state.height,
      round: state.round,
      blockHash,
      polRound,
      proposer: signer.address,
      payload,
    };
    const signature = this.sign(() => signer.signProposal(proposal));
    if (signature === undefined) return;
    const message: SignedProposal = { kind: 'proposal', proposal, signature };
    state.ownProposals.set(state.round, message);
    this.emit({ type: 'wal-write', record: { kind: 'proposal', height: state.height, message } });
    this.emit({ type: 'broadcast', message });
    this.onProposal(message, true);
  }

  private prevote(blockHash: BlockHash | null): void {
    this.state!.step = 'prevote';
    this.castVote('prevote', blockHash);
  }

  private precommit(blockHash: BlockHash | null): void {
    this.state!.step = 'precommit';
    this.castVote('precommit', blockHash);
  }

  /**
   * Signs and sends a vote, unless this node already signed one for this step: after a crash the WAL holds
   * it, and signing another (possibly different) vote would be equivocation. This check is the last line
   * of the recovery rule.
   */
  private castVote(type: VoteType, blockHash: BlockHash | null): void {
    const state = this.state!;
    const signer = this.signer;
    if (signer === undefined || !state.validators.has(signer.address)) return;
    const key = voteKey(state.round, type);
    if (state.ownVotes.has(key)) return;
    const vote = { type, height: state.height, round: state.round, blockHash, validator: signer.address };
    const signature = this.sign(() => signer.signVote(vote));
    if (signature === undefined) {
      this.leaveByTimeout(type);
      return;
    }
    const message: SignedVote = { kind: 'vote', vote, signature };
    state.ownVotes.set(key, message);
    this.emit({ type: 'wal-write', record: { kind: 'vote', height: state.height, message } });
    this.emit({ type: 'broadcast', message });
    this.onVote(message, true);
  }

  /**
   * After the signer refused this node's vote, leaves the step by its timer. The refusal means the key
   * signed this step or a later one in an earlier life whose WAL records were lost (killed after the
   * signer's fsync, before the WAL append): without its own vote this node may never see the quorum that
   * schedules the step's timer (a lone validator never does, nor do validators that all crashed in that
   * window), and it would wait for good. Leaving by timeout is always safe: the prevote timeout
   * precommits nil (refused too, if the key precommitted already), the precommit timeout starts the next
   * round, where the key may sign again.
   */
  private leaveByTimeout(type: VoteType): void {
    const state = this.state!;
    const scheduled = type === 'prevote' ? state.prevoteTimeoutScheduled : state.precommitTimeoutScheduled;
    if (scheduled.has(state.round)) return;
    scheduled.add(state.round);
    this.scheduleTimeout(type);
  }

  /**
   * Runs the signer; a refusal (it signed something conflicting or later before, e.g. in an earlier life
   * of this node whose WAL is gone) means this step sends nothing, which is always safe.
   */
  private sign(sign: () => Uint8Array): Uint8Array | undefined {
    try {
      return sign();
    } catch (error) {
      if (error instanceof ConsensusError && error.code === 'CONSENSUS_SIGN_REFUSED') {
        this.refusedSignatures++;
        return undefined;
      }
      throw error;
    }
  }

  private scheduleTimeout(timeout: TimeoutKind): void {
    const state = this.state!;
    this.emit({
      type: 'schedule-timeout',
      timeout,
      height: state.height,
      round: state.round,
      delayMs: timeoutDelayMs(this.timeouts, timeout, state.round),
    });
  }

  private decideFromVotes(round: Round, blockHash: BlockHash, payload: Uint8Array): void {
    const state = this.state!;
    const precommits = state.rounds.get(round)!.precommits.votesFor(blockHash);
    precommits.sort((a, b) => (a.vote.validator < b.vote.validator ? -1 : 1));
    const certificate: CommitCertificate = {
      height: state.height,
      round,
      blockHash,
      signatures: precommits.map((m) => ({ validator: m.vote.validator, signature: m.signature })),
    };
    this.decide(certificate, payload);
  }

  private decide(certificate: CommitCertificate, payload: Uint8Array): void {
    const state = this.state!;
    state.decided = true;
    this.emit({
      type: 'decide',
      height: state.height,
      round: certificate.round,
      blockHash: certificate.blockHash,
      payload,
      certificate,
    });
  }

  private emit(output: ConsensusOutput): void {
    this.outputs.push(output);
  }

  private ignore(reason: IgnoreReason): void {
    this.ignored[reason]++;
  }
}
