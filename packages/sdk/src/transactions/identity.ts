/** Builders for the identity module's commands (packages/state-machine/src/modules/identity/README.md). */
import { definedOnly, type TxCall } from './call.js';

export type IdentityKind = 'root' | 'node' | 'service' | 'person';
export type Permission = 'admin' | 'transact';

export interface CertifyIdentityParams {
  /** The public key of the identity the organisation certifies. */
  publicKey: Uint8Array;
  kind: IdentityKind;
  /** Sorted, without repeats (one set, one encoding). */
  permissions: Permission[];
  /** Block milliseconds after which the identity may no longer submit; absent: no expiry. */
  expiresAt?: number;
}
export interface RevokeIdentityParams {
  address: string;
}
export interface RotateKeyParams {
  newPublicKey: Uint8Array;
}
export interface SetEncryptionKeyParams {
  /** The organisation's X25519 public key (32 bytes), e.g. `generateEncryptionKey().publicKey`. */
  publicKey: Uint8Array;
}

const call = <P extends object>(command: string, params: P): TxCall<P> => ({
  module: 'identity',
  command,
  params: definedOnly(params),
});

export const identity = {
  /**
   * An organisation's admin certifies a new identity (a node, a service, a person) of its organisation.
   *
   * @example
   * ```ts
   * identity.certifyIdentity({ publicKey: newKey.publicKey, kind: 'service', permissions: ['transact'] });
   * ```
   */
  certifyIdentity: (params: CertifyIdentityParams): TxCall<CertifyIdentityParams> =>
    call('certifyIdentity', { ...params, permissions: [...params.permissions].sort() }),
  /**
   * Revokes an identity of the submitter's organisation.
   *
   * @example
   * ```ts
   * identity.revokeIdentity({ address: 'hl…' });
   * ```
   */
  revokeIdentity: (params: RevokeIdentityParams): TxCall<RevokeIdentityParams> =>
    call('revokeIdentity', params),
  /**
   * Moves the submitter's identity to a new key (the old one is revoked).
   *
   * @example
   * ```ts
   * identity.rotateKey({ newPublicKey: next.publicKey });
   * ```
   */
  rotateKey: (params: RotateKeyParams): TxCall<RotateKeyParams> => call('rotateKey', params),
  /**
   * An admin publishes the organisation's X25519 key, to which consumers seal delivery details.
   *
   * @example
   * ```ts
   * const keys = generateEncryptionKey(); // keep keys.privateKey in the organisation's keystore
   * identity.setEncryptionKey({ publicKey: keys.publicKey });
   * ```
   */
  setEncryptionKey: (params: SetEncryptionKeyParams): TxCall<SetEncryptionKeyParams> =>
    call('setEncryptionKey', params),
} as const;
