import { HanglianError, IdentifierSchema, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { SkuSchema } from '../../items/stores.js';
import { DistributionErrors } from '../errors.js';
import { DistributionEvents } from '../events.js';
import type { IdentityForDistribution } from '../expected.js';
import { channelStore, RegionSchema } from '../stores.js';

export const AuthoriseChannelParamsSchema = Type.Object(
  {
    org: IdentifierSchema,
    skus: Type.Optional(Type.Array(SkuSchema, { maxItems: 256 })),
    regions: Type.Optional(Type.Array(RegionSchema, { maxItems: 64 })),
    until: Type.Optional(UintSchema),
  },
  { additionalProperties: false },
);
export type AuthoriseChannelParams = Static<typeof AuthoriseChannelParamsSchema>;

/** A producer authorises (or re-authorises, replacing the terms) a channel organisation. */
export class AuthoriseChannelCommand implements Command<typeof AuthoriseChannelParamsSchema> {
  readonly name = 'authoriseChannel';
  readonly summary =
    'Authorise an organisation to sell your products (some or all, in some regions, until a time).';
  readonly paramsSchema = AuthoriseChannelParamsSchema;
  readonly #identity: IdentityForDistribution;

  constructor(identity: IdentityForDistribution) {
    this.#identity = identity;
  }

  execute(ctx: CommandContext<AuthoriseChannelParams>): void {
    const producer = this.#identity.orgOf(ctx.state, ctx.tx.submitter);
    if (producer === undefined || !this.#identity.orgHasRole(ctx.state, producer, 'producer')) {
      throw new HanglianError(
        DistributionErrors.DISTRIBUTION_NOT_PRODUCER,
        'only a producer authorises channels',
      );
    }
    const { org } = ctx.params;
    if (this.#identity.getOrganisation(ctx.state, org)?.status !== 'active') {
      throw new HanglianError(DistributionErrors.DISTRIBUTION_UNKNOWN_ORG, `no active organisation ${org}`);
    }
    if (org === producer)
      throw new HanglianError(DistributionErrors.DISTRIBUTION_SELF, 'a producer is always its own channel');
    const channel = {
      producer,
      org,
      skus: ctx.params.skus ?? [],
      regions: ctx.params.regions ?? [],
      until: ctx.params.until ?? 0,
      grantedAt: ctx.block.height,
    };
    channelStore.set(ctx.state, `${producer}/${org}`, channel);
    ctx.emit(DistributionEvents.channelAuthorised, channel, [producer, org]);
  }
}

export const RevokeChannelParamsSchema = Type.Object(
  { org: IdentifierSchema },
  { additionalProperties: false },
);

export class RevokeChannelCommand implements Command<typeof RevokeChannelParamsSchema> {
  readonly name = 'revokeChannel';
  readonly summary = 'Withdraw a channel authorisation.';
  readonly paramsSchema = RevokeChannelParamsSchema;
  readonly #identity: IdentityForDistribution;

  constructor(identity: IdentityForDistribution) {
    this.#identity = identity;
  }

  execute(ctx: CommandContext<Static<typeof RevokeChannelParamsSchema>>): void {
    const producer = this.#identity.orgOf(ctx.state, ctx.tx.submitter);
    if (producer === undefined || !channelStore.has(ctx.state, `${producer}/${ctx.params.org}`)) {
      throw new HanglianError(DistributionErrors.DISTRIBUTION_NOT_PRODUCER, 'no such channel of yours');
    }
    channelStore.delete(ctx.state, `${producer}/${ctx.params.org}`);
    ctx.emit(DistributionEvents.channelRevoked, { producer, org: ctx.params.org }, [
      producer,
      ctx.params.org,
    ]);
  }
}
