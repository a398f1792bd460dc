/**
 * Events of the identity module: names and data shapes (topics listed in the README). Changes made by
 * governance (admission, suspension, roles, root keys) are reported by governance's proposalExecuted event.
 */
import type { Address } from '@hanglian/core';
import type { IdentityKind, Permission } from './stores.js';

export const IdentityEvents = {
  identityCertified: 'identityCertified',
  identityRevoked: 'identityRevoked',
  keyRotated: 'keyRotated',
  encryptionKeySet: 'encryptionKeySet',
} as const;

export interface IdentityCertifiedData {
  address: Address;
  org: string;
  kind: IdentityKind;
  permissions: Permission[];
  certifiedBy: Address;
  expiresAt?: number;
}
export interface IdentityRevokedData {
  address: Address;
  org: string;
  revokedBy: Address;
}
export interface EncryptionKeySetData {
  org: string;
  publicKey: Uint8Array;
  setBy: Address;
}
export interface KeyRotatedData {
  org: string;
  from: Address;
  to: Address;
}
