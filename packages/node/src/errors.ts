import { defineErrorCodes } from '@hanglian/core';

/** Error codes of the node: admission, lookups, configuration and keys. */
export const NodeErrors = defineErrorCodes('node', {
  MEMPOOL_FULL: { kind: 'rate_limited', summary: 'The mempool is at capacity; retry later.' },
  MEMPOOL_SENDER_LIMIT: {
    kind: 'rate_limited',
    summary: 'This submitter has too many pending transactions.',
  },
  MEMPOOL_BACKLOG: {
    kind: 'unavailable',
    summary:
      'More transactions are waiting than the next few blocks can take; retry in a moment (details.retryAfterMs).',
  },
  MEMPOOL_DUPLICATE: { kind: 'conflict', summary: 'The same transaction is already pending.' },
  MEMPOOL_NONCE_TAKEN: {
    kind: 'conflict',
    summary: 'Another pending transaction of this submitter has that nonce.',
  },
  MEMPOOL_NONCE_TOO_FAR: {
    kind: 'invalid',
    summary:
      'The nonce is further past the first nonce of the submitter the node has not received than the mempool keeps waiting transactions (64 by default); details.next is that missing nonce.',
  },
  NOT_FOUND: { kind: 'not_found', summary: 'No such block, transaction or record.' },
  STATE_PRUNED: {
    kind: 'not_found',
    summary:
      'This node prunes old state: it keeps recent heights and snapshots only. Ask an archival node, or a kept height.',
  },
  BAD_REQUEST: { kind: 'invalid', summary: 'The request is malformed.' },
  REQUEST_HEADERS_TOO_LARGE: {
    kind: 'too_large',
    summary: 'The request line and headers are larger than the node parses (HTTP 431).',
  },
  REQUEST_TIMEOUT: { kind: 'unavailable', summary: 'The request did not arrive in time (HTTP 408).' },
  COMMIT_TIMEOUT: {
    kind: 'unavailable',
    summary: 'The transaction was accepted but not committed within the wait.',
  },
  NODE_NOT_READY: { kind: 'unavailable', summary: 'The node is starting or stopping.' },
  GENESIS_MISMATCH: { kind: 'invalid', summary: 'The data directory belongs to another genesis.' },
  CONFIG_INVALID: { kind: 'invalid', summary: 'A configuration file is missing or broken.' },
  KEYSTORE_BAD_PASSPHRASE: { kind: 'unauthorized', summary: 'The passphrase does not decrypt the key file.' },
  KEYSTORE_INVALID: { kind: 'invalid', summary: 'The key file is not a Hanglian keystore.' },
  DISK_FULL: {
    kind: 'unavailable',
    summary:
      "The disk holding the node's data is full: the node stopped before anything it could not write left it. Free space and restart it; it resumes from its WAL.",
  },
  STORAGE_FAILED: {
    kind: 'internal',
    summary:
      "Writing the node's data failed (an I/O error): the node stopped before anything it could not write left it. Check the disk, then restart it.",
  },
  STORED_BLOCK_INVALID: {
    kind: 'internal',
    summary: 'A block on disk does not replay to its recorded state.',
  },
  RATE_LIMITED: { kind: 'rate_limited', summary: 'Too many requests; slow down.' },
  TOO_MANY_CONNECTIONS: {
    kind: 'unavailable',
    summary:
      "The node's API holds as many connections as it is set to (api maxConnections); retry shortly, or reuse a keep-alive connection.",
  },
  QUERY_BUSY: {
    kind: 'unavailable',
    summary:
      "The node's read-only contract workers are busy and its query queue is full; retry later (or ask another node).",
  },
  QUERY_FAILED: {
    kind: 'internal',
    summary: 'A read-only query failed on this node (its worker stopped or faulted); not the query’s fault.',
  },
  ADMIN_UNAUTHORIZED: { kind: 'unauthorized', summary: 'Operator endpoints need the node admin token.' },
  READ_AUTH_REQUIRED: {
    kind: 'unauthorized',
    summary: 'Members-only data: sign the request with a member identity (header x-hanglian-reader).',
  },
  READ_AUTH_INVALID: {
    kind: 'unauthorized',
    summary: 'The x-hanglian-reader header is malformed, its signature fails, or its time is too far off.',
  },
  READ_NOT_MEMBER: {
    kind: 'forbidden',
    summary: 'The key that signed the read is not an active member identity.',
  },
  SIGNER_IN_USE: {
    kind: 'conflict',
    summary:
      'Another running process holds this validator key’s signer state: one key, one running validator.',
  },
  SIGNER_STATE_INVALID: {
    kind: 'invalid',
    summary: 'The signer state file belongs to another validator key or chain.',
  },
  STATE_SYNC_MISMATCH: {
    kind: 'invalid',
    summary: 'What a peer sent during state sync does not match the verified headers.',
  },
  GENESIS_UNSIGNED: {
    kind: 'invalid',
    summary:
      'The genesis is not signed by every founding organisation (or a signature does not verify): nodes refuse it.',
  },
  GENESIS_CEREMONY: {
    kind: 'invalid',
    summary:
      'A genesis ceremony step does not apply (an organisation or key already in it, no issuer yet, …).',
  },
  NETWORK_LAYOUT_OLD: {
    kind: 'invalid',
    summary:
      'The network directory was made by an older release (every key in one directory): start a new one (`hanglian devnet --fresh`, or `hanglian init` into a new directory).',
  },
  CARD_INVALID: {
    kind: 'invalid',
    summary: 'An organisation card is malformed or not signed by its own root key.',
  },
  UPGRADE_REQUIRED: {
    kind: 'unavailable',
    summary:
      'The chain runs a software upgrade this node does not carry (scheduled by governance at this height, or in the genesis): start the release that carries it on the same data.',
  },
  STATE_SYNC_ANCHOR_EXPIRED: {
    kind: 'invalid',
    summary:
      'The trusted checkpoint for state sync is older than the trusting period: ask the inviting organisation for a newer one.',
  },
  STATE_SYNC_FAILED: {
    kind: 'unavailable',
    summary: 'State sync could not complete with the peers available.',
  },
});
