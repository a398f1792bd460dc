import type { Proposal, Vote } from './types.js';

/**
 * A simple canonical text form of what a vote or proposal signature covers, domain-separated so a vote
 * signature can never pass as a proposal signature. Used by the simulator's fake signer; the node signs the
 * project's canonical encoding instead (and adds the chain id), which the machine never needs to know.
 */
export function voteSignText(vote: Vote): string {
  return `hanglian/consensus/vote/v1|${vote.type}|${vote.height}|${vote.round}|${vote.blockHash ?? 'nil'}|${vote.validator}`;
}

export function proposalSignText(proposal: Proposal): string {
  return `hanglian/consensus/proposal/v1|${proposal.height}|${proposal.round}|${proposal.blockHash}|${proposal.polRound}|${proposal.proposer}`;
}
