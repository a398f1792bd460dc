/** Events of the governance module: names and data shapes (topics listed in the README). */
import type { Address } from '@hanglian/core';
import type { ProposalAction, ProposalStatus, Validator } from './stores.js';

export const GovernanceEvents = {
  proposalSubmitted: 'proposalSubmitted',
  voteCast: 'voteCast',
  /** A proposal closed: approved (and applied), rejected, expired, or failed (approved, not applicable). */
  proposalClosed: 'proposalClosed',
  /** The `next` validator set changed at the end of a block; it signs from the block after the next one. */
  validatorSetScheduled: 'validatorSetScheduled',
  /** An organisation's root key moved its node to a new key (and its validator, if it is one). */
  nodeKeyRotated: 'nodeKeyRotated',
} as const;

export interface ProposalSubmittedData {
  id: number;
  proposer: Address;
  org: string;
  action: ProposalAction;
  votingEndsAt: number;
}
export interface VoteCastData {
  id: number;
  org: string;
  voter: Address;
  vote: 'yes' | 'no';
}
export interface ProposalClosedData {
  id: number;
  status: Exclude<ProposalStatus, 'open'>;
  action: ProposalAction;
  yes: number;
  no: number;
  electorate: number;
  failure?: { code: string; message: string };
}
export interface ValidatorSetScheduledData {
  /** First height this set signs. */
  activatesAt: number;
  validators: Validator[];
}
export interface NodeKeyRotatedData {
  org: string;
  /** Addresses of the old and the new node key. */
  from: Address;
  to: Address;
  /** Present when the old key was a validator: the new key signs with this power from `activatesAt`. */
  validator?: { power: number; activatesAt: number };
}
