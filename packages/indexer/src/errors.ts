import { defineErrorCodes } from '@hanglian/core';

/** Error codes of the index: its database, following a node, and its read API. */
export const IndexerErrors = defineErrorCodes('indexer', {
  INDEX_DB_UNAVAILABLE: {
    kind: 'unavailable',
    summary: 'The index database cannot be opened or reached.',
  },
  INDEX_MIGRATION_FAILED: { kind: 'internal', summary: 'A schema migration of the index failed.' },
  INDEX_OTHER_CHAIN: {
    kind: 'invalid',
    summary: 'The index database follows another chain than the node it was pointed at.',
  },
  INDEX_VERIFY_FAILED: {
    kind: 'invalid',
    summary: "A block does not verify: its commit certificate, its transactions' root or its chain.",
  },
  INDEX_NODE_UNAVAILABLE: { kind: 'unavailable', summary: 'The followed node cannot be reached.' },
  INDEX_BAD_REQUEST: { kind: 'invalid', summary: 'A request to the index API is malformed.' },
  INDEX_NOT_FOUND: { kind: 'not_found', summary: 'No such record in the index.' },
  INDEX_READ_AUTH_REQUIRED: {
    kind: 'unauthorized',
    summary: 'Members-only data: sign the request with a member identity (header x-hanglian-reader).',
  },
  INDEX_READ_AUTH_INVALID: {
    kind: 'unauthorized',
    summary: 'The x-hanglian-reader header is malformed, its signature fails, or its time is too far off.',
  },
  INDEX_READ_NOT_MEMBER: {
    kind: 'forbidden',
    summary: 'The key that signed the read is not an active member identity.',
  },
});
