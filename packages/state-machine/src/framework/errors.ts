import { defineErrorCodes } from '@hanglian/core';

/** Error codes of the execution framework: authentication and dispatch of transactions. */
export const ExecutionErrors = defineErrorCodes('execution', {
  TX_UNKNOWN_COMMAND: { kind: 'invalid', summary: 'No module or command of that name.' },
  TX_BAD_PARAMS: { kind: 'invalid', summary: 'The command parameters do not match the command schema.' },
  TX_NONCE_TOO_LOW: { kind: 'conflict', summary: 'The nonce was already used by this submitter (a replay).' },
  TX_NONCE_GAP: { kind: 'conflict', summary: 'The nonce is ahead of the next expected one.' },
  TX_EXPIRED: { kind: 'invalid', summary: 'The transaction expired before it could be included.' },
  TX_EXPIRY_TOO_FAR: {
    kind: 'invalid',
    summary: 'The expiry height is further ahead than the chain allows.',
  },
  TX_TEXT_INVALID: {
    kind: 'invalid',
    summary:
      'Free text breaks the text rule: a control character, a bidirectional override or isolate, not NFC, or too long (core schema/text.ts).',
  },
  TX_NOT_MEMBER: { kind: 'forbidden', summary: 'The submitter is not an active member identity.' },
  TX_SIGNER_REVOKED: {
    kind: 'forbidden',
    summary: 'A further signer (actor) is a member key that was revoked: it signs for nothing any more.',
  },
  TX_NOT_SIGNER: { kind: 'forbidden', summary: 'The account acted on did not sign the transaction.' },
  TX_FORBIDDEN: {
    kind: 'forbidden',
    summary: 'The signer lacks the role or ownership the command requires.',
  },
  TX_OUT_OF_GAS: { kind: 'invalid', summary: 'The transaction used more gas than its limit.' },
  TX_FAILED: {
    kind: 'internal',
    summary: 'A command failed with an unexpected error (a bug, logged by the node).',
  },
  QUERY_UNKNOWN: { kind: 'not_found', summary: 'No module or query of that name.' },
  QUERY_BAD_PARAMS: { kind: 'invalid', summary: 'The query parameters do not match the query schema.' },
  QUERY_READ_DENIED: {
    kind: 'forbidden',
    summary:
      'A query answered to someone who is not a member touched a members-only store (docs/privacy.md: the public-read rule).',
  },
  GENESIS_INVALID: { kind: 'invalid', summary: 'The genesis document breaks a rule.' },
  UPGRADE_NOT_CARRIED: {
    kind: 'internal',
    summary:
      'The chain runs a software upgrade (from its genesis, or scheduled at this height) that this release does not carry: run a release that does.',
  },
  BLOCK_TX_INVALID: { kind: 'invalid', summary: 'A block contains a transaction that fails authentication.' },
});
