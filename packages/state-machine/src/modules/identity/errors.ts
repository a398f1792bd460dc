import { defineErrorCodes } from '@hanglian/core';

/** Error codes of the identity module. Registered once; their meaning never changes. */
export const IdentityErrors = defineErrorCodes('identity', {
  ORG_NOT_FOUND: { kind: 'not_found', summary: 'No organisation with that id.' },
  ORG_ALREADY_EXISTS: { kind: 'conflict', summary: 'An organisation with that id already exists.' },
  ORG_NOT_ACTIVE: { kind: 'conflict', summary: 'The organisation is suspended (or expelled).' },
  ORG_ALREADY_ACTIVE: { kind: 'conflict', summary: 'The organisation is already active.' },
  ORG_ROLE_REQUIRED: {
    kind: 'forbidden',
    summary: 'The signer is not an active identity of an active organisation holding the required role.',
  },
  IDENTITY_NOT_FOUND: { kind: 'not_found', summary: 'No identity registered at that address.' },
  IDENTITY_ALREADY_EXISTS: {
    kind: 'conflict',
    summary: 'That public key is already registered (active or revoked: keys are never reused).',
  },
  IDENTITY_NOT_ACTIVE: { kind: 'conflict', summary: 'The identity is revoked.' },
  IDENTITY_PERMISSION_REQUIRED: {
    kind: 'forbidden',
    summary: 'The signer is not an active identity with the required permission (admin or transact).',
  },
  IDENTITY_ROOT_NOT_CERTIFIABLE: {
    kind: 'invalid',
    summary: 'Root identities come only from admission or a root-key replacement, not from certification.',
  },
  IDENTITY_EXPIRY_PASSED: { kind: 'invalid', summary: 'The expiry time is not after the block time.' },
  IDENTITY_NEW_KEY_NOT_SIGNED: {
    kind: 'unauthorized',
    summary: 'A key rotation must be co-signed by the new key (as an actor) to prove possession.',
  },
  IDENTITY_NODE_KEY_ROOT_ONLY: {
    kind: 'forbidden',
    summary:
      'A node key is rotated only by its organisation’s root key (governance rotateNodeKey), which also moves its validator.',
  },
  IDENTITY_ENCRYPTION_KEY_INVALID: {
    kind: 'invalid',
    summary: 'The encryption key is not a usable X25519 public key (all zero).',
  },
  IDENTITY_ENCRYPTION_KEY_UNCHANGED: {
    kind: 'conflict',
    summary: "That key is already the organisation's encryption key.",
  },
  ORG_EXPELLED: {
    kind: 'conflict',
    summary: 'The organisation was expelled: its status never changes again and its id is never reused.',
  },
});
