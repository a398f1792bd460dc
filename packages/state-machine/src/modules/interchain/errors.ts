import { defineErrorCodes } from '@hanglian/core';

/** Error codes of the interchain module. Registered once; their meaning never changes. */
export const InterchainErrors = defineErrorCodes('interchain', {
  INTERCHAIN_UNKNOWN_CHAIN: {
    kind: 'not_found',
    summary: 'This chain has admitted no light client of that chain: it neither sends to nor hears from it.',
  },
  INTERCHAIN_NO_TIMEOUT: {
    kind: 'invalid',
    summary: 'A message needs a timeout (a destination height or time), so none waits for ever.',
  },
  INTERCHAIN_WRONG_DESTINATION: { kind: 'invalid', summary: 'The message is for another chain.' },
  INTERCHAIN_BAD_PROOF: {
    kind: 'invalid',
    summary: 'The state proof does not prove that value under the verified header’s state root.',
  },
  INTERCHAIN_ALREADY_RECEIVED: {
    kind: 'conflict',
    summary: 'The message was received already (a replay, or a second relayer): delivered once only.',
  },
  INTERCHAIN_OUT_OF_ORDER: {
    kind: 'conflict',
    summary: 'Messages from a chain are received in sequence order; an earlier one is still missing.',
  },
  INTERCHAIN_UNKNOWN_PACKET: { kind: 'not_found', summary: 'No message with that sequence was sent.' },
  INTERCHAIN_ALREADY_ACKNOWLEDGED: {
    kind: 'conflict',
    summary: 'The message’s receipt was proven back already.',
  },
  INTERCHAIN_TIMED_OUT: {
    kind: 'invalid',
    summary: 'The message reached the destination after its timeout: not delivered (the receipt says so).',
  },
  INTERCHAIN_UNKNOWN_MODULE: {
    kind: 'not_found',
    summary: 'The destination module takes no messages from other chains.',
  },
});
