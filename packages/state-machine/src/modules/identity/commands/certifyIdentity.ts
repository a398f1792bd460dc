import { HanglianError, PublicKeySchema, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { IdentityErrors } from '../errors.js';
import { type IdentityCertifiedData, IdentityEvents } from '../events.js';
import type { IdentityMethod } from '../method.js';
import { IdentityKindSchema, PermissionsSchema } from '../stores.js';

export const CertifyIdentityParamsSchema = Type.Object(
  {
    publicKey: PublicKeySchema,
    kind: IdentityKindSchema,
    permissions: PermissionsSchema,
    /** Block milliseconds after which the identity may no longer submit; absent means no expiry. */
    expiresAt: Type.Optional(UintSchema),
  },
  { additionalProperties: false },
);
export type CertifyIdentityParams = Static<typeof CertifyIdentityParamsSchema>;

/** An admin identity of an organisation certifies a new member identity of the same organisation. */
export class CertifyIdentityCommand implements Command<typeof CertifyIdentityParamsSchema> {
  readonly name = 'certifyIdentity';
  readonly summary = 'Certify a new identity (node, service or person) of the signer’s organisation.';
  readonly paramsSchema = CertifyIdentityParamsSchema;
  readonly #identity: IdentityMethod;

  constructor(identity: IdentityMethod) {
    this.#identity = identity;
  }

  execute(ctx: CommandContext<CertifyIdentityParams>): void {
    const { params } = ctx;
    const admin = this.#identity.requirePermission(ctx.state, ctx.tx.submitter, 'admin');
    if (params.kind === 'root') {
      throw new HanglianError(
        IdentityErrors.IDENTITY_ROOT_NOT_CERTIFIABLE,
        'a root identity cannot be certified',
      );
    }
    if (params.expiresAt !== undefined && params.expiresAt <= ctx.block.time) {
      throw new HanglianError(
        IdentityErrors.IDENTITY_EXPIRY_PASSED,
        `expiry ${params.expiresAt} is not after the block time ${ctx.block.time}`,
      );
    }
    const identity = this.#identity.registerIdentity(
      ctx.state,
      {
        publicKey: params.publicKey,
        org: admin.org,
        kind: params.kind,
        permissions: params.permissions,
        expiresAt: params.expiresAt,
      },
      ctx.block.height,
    );
    const data: IdentityCertifiedData = {
      address: identity.address,
      org: identity.org,
      kind: identity.kind,
      permissions: identity.permissions,
      certifiedBy: ctx.tx.submitter,
    };
    if (identity.expiresAt !== undefined) data.expiresAt = identity.expiresAt;
    ctx.emit(IdentityEvents.identityCertified, data, [identity.address, identity.org]);
  }
}
