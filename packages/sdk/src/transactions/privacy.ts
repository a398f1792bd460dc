/**
 * Builders for the privacy module's commands (packages/state-machine/src/modules/privacy/README.md). A
 * consumer is not a member: a member submits (for a grant, usually the grantee that asked for it) and
 * the wallet's grant key co-signs as an actor (`wallet.grantKey(i)`).
 */
import { definedOnly, type TxCall } from './call.js';

export interface GrantScope {
  /** Product categories covered (empty: any). */
  categories: string[];
  /** Orders created at or after this block time (ms). */
  from?: number;
  /** Orders created before this block time (ms). */
  until?: number;
}
export interface GrantParams {
  /** The public key of the grant's own key (`wallet.grantKey(i).publicKey`); it must co-sign. */
  grantKey: Uint8Array;
  /** The organisation that may receive the orders. */
  grantee: string;
  scope: GrantScope;
  /** Why, in words the consumer agreed to (1..200 characters; public on chain). */
  purpose: string;
  /** Block time (ms) from which nothing more is shared. */
  expiresAt: number;
}
export interface RevokeGrantParams {
  /** The grant id: the grant key's address. */
  grant: string;
}

const call = <P extends object>(command: string, params: P): TxCall<P> => ({
  module: 'privacy',
  command,
  params: definedOnly(params),
});

export const privacy = {
  /**
   * Records a grant of purchase history; submit it with the grant key as an actor.
   *
   * @example
   * ```ts
   * const grantKey = wallet.grantKey(0);
   * await signAndSubmit(client, {
   *   signer: platformB,
   *   actors: [grantKey],
   *   ...privacy.grant({
   *     grantKey: grantKey.publicKey,
   *     grantee: 'platform-b',
   *     scope: { categories: ['books'] },
   *     purpose: 'book recommendations',
   *     expiresAt: Date.now() + 30 * 86_400_000,
   *   }),
   * });
   * ```
   */
  grant: (params: GrantParams): TxCall<GrantParams> =>
    call('grant', { ...params, scope: definedOnly({ ...params.scope }) as GrantScope }),
  /**
   * Revokes a grant: any member submits, the grant key co-signs. Sharing under it ends.
   *
   * @example
   * ```ts
   * await signAndSubmit(client, { signer: gateway, actors: [grantKey], ...privacy.revoke({ grant: grantKey.address }) });
   * ```
   */
  revoke: (params: RevokeGrantParams): TxCall<RevokeGrantParams> => call('revoke', params),
} as const;
