import { AddressSchema, HanglianError } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { PrivacyErrors } from '../errors.js';
import { PrivacyEvents, type RevokedData } from '../events.js';
import { grantStore } from '../stores.js';

export const RevokeParamsSchema = Type.Object({ grant: AddressSchema }, { additionalProperties: false });
export type RevokeParams = Static<typeof RevokeParamsSchema>;

/**
 * The consumer revokes a grant: the grant key co-signs, any member submits (so the grantee cannot stand
 * in the way). From this block on, the SDK builds no share package under it and grantees' verification
 * refuses them. What was shared before stays with the grantee, as with any disclosure.
 */
export class RevokeCommand implements Command<typeof RevokeParamsSchema> {
  readonly name = 'revoke';
  readonly summary = 'Revoke a grant (the grant key co-signs); sharing under it ends.';
  readonly paramsSchema = RevokeParamsSchema;

  execute(ctx: CommandContext<RevokeParams>): void {
    const grant = grantStore.get(ctx.state, ctx.params.grant);
    if (grant === undefined) {
      throw new HanglianError(PrivacyErrors.PRIVACY_UNKNOWN_GRANT, `no grant ${ctx.params.grant}`);
    }
    if (grant.id === ctx.tx.submitter || !ctx.signedBy(grant.id)) {
      throw new HanglianError(PrivacyErrors.PRIVACY_NOT_GRANTOR, 'the grant key must co-sign its revocation');
    }
    if (grant.status === 'revoked') {
      throw new HanglianError(PrivacyErrors.PRIVACY_REVOKED, `grant ${grant.id} is already revoked`);
    }
    grantStore.set(ctx.state, grant.id, { ...grant, status: 'revoked', revokedAt: ctx.block.time });
    const data: RevokedData = { grant: grant.id, grantee: grant.grantee };
    ctx.emit(PrivacyEvents.revoked, data, [grant.grantee, grant.id]);
  }
}
