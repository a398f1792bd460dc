import { defineErrorCodes } from '@hanglian/core';

/** Error codes of the evidence module. Registered once; their meaning never changes. */
export const EvidenceErrors = defineErrorCodes('evidence', {
  EVIDENCE_NOT_CONFLICTING: {
    kind: 'invalid',
    summary:
      'The two votes are not for the same height, round and type by one validator with different blocks.',
  },
  EVIDENCE_BAD_SIGNATURE: { kind: 'invalid', summary: 'A vote signature in the evidence does not verify.' },
  EVIDENCE_UNKNOWN_VALIDATOR: {
    kind: 'not_found',
    summary: 'The key that signed the votes is not a node identity of any organisation.',
  },
  EVIDENCE_DUPLICATE: { kind: 'conflict', summary: 'This equivocation is already on record.' },
});
