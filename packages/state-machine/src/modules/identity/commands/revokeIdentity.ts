import { AddressSchema, HanglianError } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { IdentityErrors } from '../errors.js';
import { IdentityEvents, type IdentityRevokedData } from '../events.js';
import type { IdentityMethod } from '../method.js';

export const RevokeIdentityParamsSchema = Type.Object(
  { address: AddressSchema },
  { additionalProperties: false },
);
export type RevokeIdentityParams = Static<typeof RevokeIdentityParamsSchema>;

/**
 * Revokes an identity. Allowed to the identity itself (a person leaving, a leaked key) and to an admin of
 * its organisation, except that a root identity is revoked only by itself: otherwise any admin could take
 * over the organisation. A lost root key is replaced through governance (replaceRootKey).
 */
export class RevokeIdentityCommand implements Command<typeof RevokeIdentityParamsSchema> {
  readonly name = 'revokeIdentity';
  readonly summary = 'Revoke an identity (by itself, or by an admin of its organisation).';
  readonly paramsSchema = RevokeIdentityParamsSchema;
  readonly #identity: IdentityMethod;

  constructor(identity: IdentityMethod) {
    this.#identity = identity;
  }

  execute(ctx: CommandContext<RevokeIdentityParams>): void {
    const target = this.#identity.getIdentity(ctx.state, ctx.params.address);
    if (target === undefined) {
      throw new HanglianError(IdentityErrors.IDENTITY_NOT_FOUND, `no identity ${ctx.params.address}`);
    }
    const bySelf = ctx.tx.submitter === target.address;
    if (!bySelf) {
      const admin = this.#identity.requirePermission(ctx.state, ctx.tx.submitter, 'admin');
      if (admin.org !== target.org || target.kind === 'root') {
        throw new HanglianError(
          IdentityErrors.IDENTITY_PERMISSION_REQUIRED,
          target.kind === 'root'
            ? 'a root identity can only revoke itself'
            : `${ctx.tx.submitter} is not an admin of ${target.org}`,
          { details: { address: ctx.tx.submitter, permission: 'admin' } },
        );
      }
    }
    this.#identity.revokeIdentity(ctx.state, target.address, ctx.block.height);
    const data: IdentityRevokedData = {
      address: target.address,
      org: target.org,
      revokedBy: ctx.tx.submitter,
    };
    ctx.emit(IdentityEvents.identityRevoked, data, [target.address, target.org]);
  }
}
