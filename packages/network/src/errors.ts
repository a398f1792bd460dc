import { defineErrorCodes, HanglianError, type HanglianErrorOptions } from '@hanglian/core';

/**
 * Error codes owned by the network package. Only the local caller's mistakes throw (bad options, unknown
 * channel, sending while stopped). What a remote peer does wrong is never thrown: it closes the link, lowers
 * the peer's score and is reported through events and counters, so a peer cannot crash a node.
 */
export const NetworkErrors = defineErrorCodes('network', {
  NETWORK_INVALID_OPTIONS: {
    kind: 'invalid',
    summary: 'The network options are inconsistent (a limit that is not positive, a duplicate channel id).',
  },
  NETWORK_UNKNOWN_CHANNEL: {
    kind: 'invalid',
    summary: 'A send or handler names a channel that is not configured.',
  },
  NETWORK_PAYLOAD_TOO_LARGE: {
    kind: 'too_large',
    summary: 'A payload given to send or broadcast is larger than its channel allows.',
  },
  NETWORK_NOT_STARTED: { kind: 'conflict', summary: 'The network was used before start() or after stop().' },
  NETWORK_BAD_ADDRESS: {
    kind: 'invalid',
    summary: 'A peer address is not host:port or its public key is malformed.',
  },
  NETWORK_HANDSHAKE_FAILED: {
    kind: 'unauthorized',
    summary:
      'A link handshake failed: malformed, slow, wrong chain, bad signature, not a member, or refused.',
  },
});

export type NetworkErrorCode = keyof typeof NetworkErrors;

/** The one error class of this package; match on `code`, never on the message. */
export class NetworkError extends HanglianError {
  declare readonly code: NetworkErrorCode;

  constructor(code: NetworkErrorCode, message: string, options: HanglianErrorOptions = {}) {
    super(code, message, options);
    this.name = 'NetworkError';
  }
}
