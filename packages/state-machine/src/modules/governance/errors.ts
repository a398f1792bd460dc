import { defineErrorCodes } from '@hanglian/core';

/** Error codes of the governance module. Registered once; their meaning never changes. */
export const GovernanceErrors = defineErrorCodes('governance', {
  GOV_PROPOSAL_NOT_FOUND: { kind: 'not_found', summary: 'No proposal with that id.' },
  GOV_PROPOSAL_CLOSED: { kind: 'conflict', summary: 'The proposal is no longer open for votes.' },
  GOV_ALREADY_VOTED: {
    kind: 'conflict',
    summary: 'The voter’s organisation already voted on this proposal.',
  },
  GOV_TOO_MANY_OPEN_PROPOSALS: {
    kind: 'rate_limited',
    summary: 'The number of open proposals is at its limit; wait for some to close.',
  },
  GOV_LAST_ACTIVE_ORGANISATION: {
    kind: 'conflict',
    summary: 'The action would leave no active organisation to govern the chain.',
  },
  GOV_LAST_VALIDATOR: { kind: 'conflict', summary: 'The action would leave the validator set empty.' },
  GOV_VALIDATOR_NOT_FOUND: { kind: 'not_found', summary: 'No validator with that key to remove.' },
  GOV_TOO_MANY_VALIDATORS: { kind: 'conflict', summary: 'The validator set is at its maximum size.' },
  GOV_VALIDATOR_ORG_MISMATCH: {
    kind: 'conflict',
    summary: 'The validator key belongs to another organisation.',
  },
  GOV_BAD_PARAMETERS: { kind: 'invalid', summary: 'The governance parameters break a rule.' },
  GOV_UPGRADE_HEIGHT_PASSED: {
    kind: 'conflict',
    summary: 'The upgrade height is not after the block that would schedule it.',
  },
  GOV_NO_UPGRADE_SCHEDULED: { kind: 'not_found', summary: 'No software upgrade is scheduled to cancel.' },
  GOV_ROOT_KEY_REQUIRED: {
    kind: 'forbidden',
    summary: 'Only the root key of an active organisation may rotate its node key.',
  },
  GOV_NODE_KEY_NOT_FOUND: {
    kind: 'not_found',
    summary: 'The key to rotate is not a node identity of the signer’s organisation.',
  },
  GOV_VALIDATOR_KEY_IN_USE: {
    kind: 'conflict',
    summary: 'The new key is already a validator key.',
  },
  GOV_VALIDATOR_KEY_REVOKED: {
    kind: 'conflict',
    summary: 'The key is a revoked identity (rotated away or revoked): it can never be a validator again.',
  },
});
