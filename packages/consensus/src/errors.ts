import { defineErrorCodes, HanglianError, type HanglianErrorOptions } from '@hanglian/core';

/**
 * Error codes owned by the consensus package. Only driver mistakes and corrupt local state throw: anything
 * that arrives from the network is ignored (and counted), never thrown, so a peer cannot crash a node.
 */
export const ConsensusErrors = defineErrorCodes('consensus', {
  CONSENSUS_INVALID_VALIDATOR_SET: {
    kind: 'invalid',
    summary: 'A validator set is empty, has duplicate addresses, or a power that is not a positive integer.',
  },
  CONSENSUS_HEIGHT_NOT_INCREASING: {
    kind: 'conflict',
    summary: 'The driver started a height that is not above the height the machine is already at.',
  },
  CONSENSUS_NOT_STARTED: {
    kind: 'conflict',
    summary: 'The driver fed an input that needs a height before starting one.',
  },
  CONSENSUS_WAL_CORRUPT: {
    kind: 'internal',
    summary: 'The write-ahead log holds records that contradict each other (two own votes for one step).',
  },
  CONSENSUS_INVALID_INPUT: { kind: 'invalid', summary: 'The driver fed an input the machine does not know.' },
  CONSENSUS_SIGN_REFUSED: {
    kind: 'conflict',
    summary:
      'The signer refused to sign: it already signed a conflicting message for this height, round and step, or a later one.',
  },
});

export type ConsensusErrorCode = keyof typeof ConsensusErrors;

/** The one error class of this package; match on `code`, never on the message. */
export class ConsensusError extends HanglianError {
  declare readonly code: ConsensusErrorCode;

  constructor(code: ConsensusErrorCode, message: string, options: HanglianErrorOptions = {}) {
    super(code, message, options);
    this.name = 'ConsensusError';
  }
}
