import { defineErrorCodes } from '@hanglian/core';

/** Error codes of the privacy module. Registered once; their meaning never changes. */
export const PrivacyErrors = defineErrorCodes('privacy', {
  PRIVACY_NOT_GRANTOR: {
    kind: 'forbidden',
    summary: "The grant's own key must co-sign (as an actor other than the submitter).",
  },
  PRIVACY_UNKNOWN_GRANTEE: { kind: 'not_found', summary: 'The grantee is not an active organisation.' },
  PRIVACY_GRANT_EXISTS: {
    kind: 'conflict',
    summary: 'A grant with this key exists: every grant has a key of its own.',
  },
  PRIVACY_BAD_SCOPE: {
    kind: 'invalid',
    summary: 'The scope’s time range is empty (from is not before until).',
  },
  PRIVACY_EXPIRY_PASSED: { kind: 'invalid', summary: 'The expiry is not after the block time.' },
  PRIVACY_EXPIRY_TOO_FAR: {
    kind: 'invalid',
    summary: 'The grant would run longer than the maxGrantDurationMs parameter allows.',
  },
  PRIVACY_UNKNOWN_GRANT: { kind: 'not_found', summary: 'No grant with that id.' },
  PRIVACY_REVOKED: { kind: 'conflict', summary: 'The grant is already revoked.' },
});
