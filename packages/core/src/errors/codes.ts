import { defineErrorCodes } from './hanglianError.js';

/** Error codes owned by the core package: encoding, crypto, transactions and blocks. */
export const CoreErrors = defineErrorCodes('core', {
  ENCODING_TOO_LARGE: {
    kind: 'too_large',
    summary: 'The encoded value is larger than the limit for its type.',
  },
  ENCODING_MALFORMED: { kind: 'invalid', summary: 'The bytes are not well-formed canonical CBOR.' },
  ENCODING_NOT_CANONICAL: {
    kind: 'invalid',
    summary: 'The bytes decode, but are not the one canonical encoding of their value.',
  },
  ENCODING_UNSUPPORTED_VALUE: {
    kind: 'invalid',
    summary: 'The value holds something the canonical encoding refuses (floats, undefined, big integers).',
  },
  SCHEMA_MISMATCH: { kind: 'invalid', summary: 'The value does not match the schema of its type.' },
  CRYPTO_BAD_KEY: { kind: 'invalid', summary: 'A key has the wrong length or format.' },
  TX_BAD_SIGNATURE: { kind: 'unauthorized', summary: 'A transaction signature does not verify.' },
  TX_SIGNATURE_COUNT: {
    kind: 'invalid',
    summary: 'A transaction must carry one signature for the submitter and one per actor.',
  },
  TX_WRONG_CHAIN: { kind: 'invalid', summary: 'The transaction names another chain id.' },
  BLOCK_INVALID: { kind: 'invalid', summary: 'A block breaks a structural rule.' },
});
