/** Builders for the evidence module's commands (packages/state-machine/src/modules/evidence/README.md). */
import type { TxCall } from './call.js';

/** One signed consensus vote, as the validator signed it (see core's `voteSignBytes`). */
export interface SignedVoteEvidence {
  /** 1 prevote, 2 precommit. */
  type: 1 | 2;
  height: number;
  round: number;
  /** null: a vote for no block. */
  blockHash: Uint8Array | null;
  signature: Uint8Array;
}
export interface ReportEquivocationParams {
  /** The validator's public key. */
  validator: Uint8Array;
  first: SignedVoteEvidence;
  second: SignedVoteEvidence;
}

export const evidence = {
  /**
   * Reports two conflicting votes of one validator at one height, round and type (a double vote).
   *
   * @example
   * ```ts
   * evidence.reportEquivocation({ validator: publicKey, first: voteA, second: voteB });
   * ```
   */
  reportEquivocation: (params: ReportEquivocationParams): TxCall<ReportEquivocationParams> => ({
    module: 'evidence',
    command: 'reportEquivocation',
    params,
  }),
} as const;
