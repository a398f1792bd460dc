import { defineErrorCodes } from '@hanglian/core';

/** Error codes of the lightclients module. Registered once; their meaning never changes. */
export const LightClientErrors = defineErrorCodes('lightclients', {
  LIGHTCLIENT_UNKNOWN: { kind: 'not_found', summary: 'No light client of that chain was admitted.' },
  LIGHTCLIENT_EXISTS: { kind: 'conflict', summary: 'A light client of that chain exists already.' },
  LIGHTCLIENT_BAD_ADMISSION: {
    kind: 'invalid',
    summary: 'The admission asks for a trusting period or start the parameters do not allow.',
  },
  LIGHTCLIENT_FROZEN: {
    kind: 'conflict',
    summary: 'The client is frozen: misbehaviour of the other chain was proven.',
  },
  LIGHTCLIENT_UNKNOWN_HEIGHT: {
    kind: 'not_found',
    summary: 'No verified header of the other chain at that height.',
  },
  LIGHTCLIENT_TRUST_EXPIRED: {
    kind: 'invalid',
    summary: 'The trusted header is older than the trusting period: a new admission is needed.',
  },
  LIGHTCLIENT_BAD_HEADER: {
    kind: 'invalid',
    summary: 'The header names another chain, is not newer than the trusted one, or does not extend it.',
  },
  LIGHTCLIENT_HEADER_IN_FUTURE: {
    kind: 'invalid',
    summary: "The header's time is ahead of this chain's block time by more than the allowed drift.",
  },
  LIGHTCLIENT_VALIDATOR_SET_MISMATCH: {
    kind: 'invalid',
    summary: 'The validators given are not the set the header (or the trusted header) names.',
  },
  LIGHTCLIENT_COMMIT_INVALID: {
    kind: 'invalid',
    summary: 'The commit certificate does not carry more than 2/3 of the header’s validators’ power.',
  },
  LIGHTCLIENT_TRUST_INSUFFICIENT: {
    kind: 'invalid',
    summary: 'Skipping: validators trusted at the base height signed at most 1/3 of their power.',
  },
  LIGHTCLIENT_HEADER_KNOWN: {
    kind: 'conflict',
    summary: 'That header is verified already (nothing to do).',
  },
  LIGHTCLIENT_NOT_MISBEHAVIOUR: {
    kind: 'invalid',
    summary: 'The two headers do not conflict (another height, or the same block).',
  },
});
