import type { Round, TimeoutKind } from './types.js';

/** Each step's timeout is `baseMs + round * deltaMs`, so rounds get longer until the network's delays fit. */
export interface TimeoutOptions {
  readonly proposeBaseMs: number;
  readonly proposeDeltaMs: number;
  readonly prevoteBaseMs: number;
  readonly prevoteDeltaMs: number;
  readonly precommitBaseMs: number;
  readonly precommitDeltaMs: number;
}

export const defaultTimeoutOptions: TimeoutOptions = {
  proposeBaseMs: 3000,
  proposeDeltaMs: 500,
  prevoteBaseMs: 1000,
  prevoteDeltaMs: 500,
  precommitBaseMs: 1000,
  precommitDeltaMs: 500,
};

export interface LimitOptions {
  /** Messages more rounds ahead of the current round than this are dropped (bounds memory per height). */
  readonly maxRoundsAhead: number;
  /** Messages of the next height kept until it starts; the rest are dropped. */
  readonly maxBufferedNextHeightMessages: number;
  /** Distinct blocks remembered per round from one proposer (more means the proposer equivocates). */
  readonly maxProposalsPerRound: number;
}

export const defaultLimitOptions: LimitOptions = {
  maxRoundsAhead: 1000,
  maxBufferedNextHeightMessages: 10_000,
  maxProposalsPerRound: 4,
};

export function timeoutDelayMs(options: TimeoutOptions, kind: TimeoutKind, round: Round): number {
  switch (kind) {
    case 'propose':
      return options.proposeBaseMs + round * options.proposeDeltaMs;
    case 'prevote':
      return options.prevoteBaseMs + round * options.prevoteDeltaMs;
    case 'precommit':
      return options.precommitBaseMs + round * options.precommitDeltaMs;
  }
}
