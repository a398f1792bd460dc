import {
  addressFromPublicKey,
  HanglianError,
  IdentifierSchema,
  PublicKeySchema,
  TextSchema,
  UintSchema,
} from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { PrivacyErrors } from '../errors.js';
import { type GrantedData, PrivacyEvents } from '../events.js';
import type { IdentityForPrivacy } from '../expected.js';
import { byGranteeStore, type Grant, GrantScopeSchema, grantStore, privacyParameters } from '../stores.js';

export const GrantParamsSchema = Type.Object(
  {
    /** The grant's one-time key (the wallet derives it); it must co-sign the transaction as an actor. */
    grantKey: PublicKeySchema,
    grantee: IdentifierSchema,
    scope: GrantScopeSchema,
    purpose: TextSchema({ minChars: 1, maxChars: 200 }),
    /** Block time (ms) from which the grant no longer allows sharing. */
    expiresAt: UintSchema,
  },
  { additionalProperties: false },
);
export type GrantParams = Static<typeof GrantParamsSchema>;

/**
 * A consumer grants an organisation access to a scoped part of their purchase history, for a purpose,
 * until an expiry. Any member may submit it (typically the grantee, which asked); the grant key signs.
 * The record names no order and no other key of the consumer.
 */
export class GrantCommand implements Command<typeof GrantParamsSchema> {
  readonly name = 'grant';
  readonly summary =
    'Record a grant of purchase history (grantee, scope, purpose, expiry); the grant key co-signs.';
  readonly paramsSchema = GrantParamsSchema;
  readonly #identity: IdentityForPrivacy;

  constructor(identity: IdentityForPrivacy) {
    this.#identity = identity;
  }

  execute(ctx: CommandContext<GrantParams>): void {
    const p = ctx.params;
    const id = addressFromPublicKey(p.grantKey);
    if (id === ctx.tx.submitter || !ctx.signedBy(id)) {
      throw new HanglianError(PrivacyErrors.PRIVACY_NOT_GRANTOR, 'the grant key must co-sign the grant');
    }
    if (this.#identity.getOrganisation(ctx.state, p.grantee)?.status !== 'active') {
      throw new HanglianError(
        PrivacyErrors.PRIVACY_UNKNOWN_GRANTEE,
        `${p.grantee} is not an active organisation`,
      );
    }
    if (p.scope.from !== undefined && p.scope.until !== undefined && p.scope.from >= p.scope.until) {
      throw new HanglianError(PrivacyErrors.PRIVACY_BAD_SCOPE, 'scope.from must be before scope.until');
    }
    if (p.expiresAt <= ctx.block.time) {
      throw new HanglianError(
        PrivacyErrors.PRIVACY_EXPIRY_PASSED,
        `expiry ${p.expiresAt} is not after the block time ${ctx.block.time}`,
      );
    }
    const { maxGrantDurationMs } = privacyParameters(ctx.state);
    if (p.expiresAt - ctx.block.time > maxGrantDurationMs) {
      throw new HanglianError(
        PrivacyErrors.PRIVACY_EXPIRY_TOO_FAR,
        `a grant runs at most ${maxGrantDurationMs} ms`,
        { details: { maxGrantDurationMs } },
      );
    }
    if (grantStore.has(ctx.state, id)) {
      throw new HanglianError(PrivacyErrors.PRIVACY_GRANT_EXISTS, `grant ${id} exists`);
    }
    const grant: Grant = {
      id,
      grantKey: p.grantKey,
      grantee: p.grantee,
      scope: { ...p.scope, categories: [...p.scope.categories].sort() },
      purpose: p.purpose,
      expiresAt: p.expiresAt,
      status: 'active',
      grantedAt: ctx.block.time,
      grantedAtHeight: ctx.block.height,
    };
    grantStore.set(ctx.state, id, grant);
    byGranteeStore.set(ctx.state, `${p.grantee}/${id}`, {});
    const data: GrantedData = { grant: id, grantee: p.grantee, purpose: p.purpose, expiresAt: p.expiresAt };
    ctx.emit(PrivacyEvents.granted, data, [p.grantee, id]);
  }
}
