import { HanglianError, TextSchema, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { CatalogErrors } from '../errors.js';
import { CatalogEvents } from '../events.js';
import type { IdentityForCatalog } from '../expected.js';
import { LocalIdSchema, listingStore, sessionStore } from '../stores.js';

export const CreateSessionParamsSchema = Type.Object(
  {
    session: LocalIdSchema,
    title: TextSchema({ minChars: 1, maxChars: 200 }),
    startsAt: UintSchema,
    endsAt: UintSchema,
    /** Listing ids (`<merchant>/<id>`) to feature; each must offer hosts a commission. */
    listings: Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: 200 }),
  },
  { additionalProperties: false },
);
export type CreateSessionParams = Static<typeof CreateSessionParamsSchema>;

/**
 * A live-stream host (直播带货) announces a session featuring listings; the commission of each is the
 * merchant's offer at this moment, fixed for the session. Orders placed through it carry the host.
 */
export class CreateSessionCommand implements Command<typeof CreateSessionParamsSchema> {
  readonly name = 'createSession';
  readonly summary = 'Announce a live-stream session featuring listings at their offered commission.';
  readonly paramsSchema = CreateSessionParamsSchema;
  readonly #identity: IdentityForCatalog;

  constructor(identity: IdentityForCatalog) {
    this.#identity = identity;
  }

  execute(ctx: CommandContext<CreateSessionParams>): void {
    const host = this.#identity.orgOf(ctx.state, ctx.tx.submitter);
    if (host === undefined || !this.#identity.orgHasRole(ctx.state, host, 'host')) {
      throw new HanglianError(CatalogErrors.CATALOG_NOT_HOST, 'only a host organisation runs sessions');
    }
    const p = ctx.params;
    if (p.endsAt <= p.startsAt)
      throw new HanglianError(CatalogErrors.CATALOG_BAD_WINDOW, 'the session must end after it starts');
    const id = `${host}/${p.session}`;
    if (sessionStore.has(ctx.state, id))
      throw new HanglianError(CatalogErrors.CATALOG_SESSION_EXISTS, `session ${id} exists`);
    const featured = [...new Set(p.listings)].map((listingId) => {
      const listing = listingStore.get(ctx.state, listingId);
      if (listing === undefined)
        throw new HanglianError(CatalogErrors.CATALOG_UNKNOWN_LISTING, `no listing ${listingId}`);
      if (listing.hostCommissionBps === 0) {
        throw new HanglianError(
          CatalogErrors.CATALOG_NO_COMMISSION,
          `${listingId} offers hosts no commission`,
        );
      }
      return { listing: listingId, commissionBps: listing.hostCommissionBps };
    });
    sessionStore.set(ctx.state, id, {
      id,
      host,
      title: p.title,
      startsAt: p.startsAt,
      endsAt: p.endsAt,
      featured,
    });
    ctx.emit(CatalogEvents.sessionCreated, { id, host, listings: featured.length }, [
      id,
      host,
      ...featured.slice(0, 5).map((f) => f.listing),
    ]);
  }
}
