import { HanglianError, TextSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { ExecutionErrors } from '../../../framework/errors.js';
import type { Command, CommandContext } from '../../../framework/module.js';
import type { StateReader } from '../../../framework/state.js';
import { ItemsErrors } from '../../items/errors.js';
import { CatalogErrors } from '../errors.js';
import { CatalogEvents } from '../events.js';
import type { IdentityForCatalog, ItemsForCatalog } from '../expected.js';
import {
  BasisPointsSchema,
  ListingSchema,
  LocalIdSchema,
  listingStore,
  listingsBySkuStore,
  ReturnPolicySchema,
} from '../stores.js';

function checkCarriers(identity: IdentityForCatalog, state: StateReader, carriers: readonly string[]): void {
  for (const carrier of carriers) {
    if (
      identity.getOrganisation(state, carrier)?.status !== 'active' ||
      !identity.orgHasRole(state, carrier, 'carrier')
    ) {
      throw new HanglianError(CatalogErrors.CATALOG_NOT_CARRIER, `${carrier} is not an active carrier`, {
        details: { carrier },
      });
    }
  }
}

export const CreateListingParamsSchema = Type.Object(
  {
    listing: LocalIdSchema,
    sku: ListingSchema.properties.sku,
    title: TextSchema({ minChars: 1, maxChars: 200 }),
    price: ListingSchema.properties.price,
    carriers: ListingSchema.properties.carriers,
    shipsTo: Type.Optional(ListingSchema.properties.shipsTo),
    returnPolicy: ReturnPolicySchema,
    hostCommissionBps: Type.Optional(BasisPointsSchema),
    inventory: ListingSchema.properties.inventory,
    shipsFrom: ListingSchema.properties.shipsFrom,
  },
  { additionalProperties: false },
);
export type CreateListingParams = Static<typeof CreateListingParamsSchema>;

/**
 * A merchant lists a product at one price for everyone. The listing's stock is whatever items of that
 * product the merchant owns and holds in stock; listing an item does not reserve it (orders do).
 */
export class CreateListingCommand implements Command<typeof CreateListingParamsSchema> {
  readonly name = 'createListing';
  readonly summary =
    'List a product at one public price, with the carriers you ship with and your return policy.';
  readonly paramsSchema = CreateListingParamsSchema;
  readonly #identity: IdentityForCatalog;
  readonly #items: ItemsForCatalog;

  constructor(identity: IdentityForCatalog, items: ItemsForCatalog) {
    this.#identity = identity;
    this.#items = items;
  }

  execute(ctx: CommandContext<CreateListingParams>): void {
    const merchant = this.#identity.orgOf(ctx.state, ctx.tx.submitter);
    if (merchant === undefined || !this.#identity.orgHasRole(ctx.state, merchant, 'merchant')) {
      throw new HanglianError(
        CatalogErrors.CATALOG_NOT_MERCHANT,
        'only a merchant organisation lists products',
      );
    }
    const p = ctx.params;
    if (this.#items.getProduct(ctx.state, p.sku) === undefined) {
      throw new HanglianError(ItemsErrors.ITEMS_UNKNOWN_PRODUCT, `no product ${p.sku}`);
    }
    const id = `${merchant}/${p.listing}`;
    if (listingStore.has(ctx.state, id))
      throw new HanglianError(CatalogErrors.CATALOG_LISTING_EXISTS, `listing ${id} exists`);
    checkCarriers(this.#identity, ctx.state, p.carriers);
    listingStore.set(ctx.state, id, {
      id,
      merchant,
      sku: p.sku,
      title: p.title,
      price: p.price,
      carriers: [...new Set(p.carriers)],
      shipsTo: p.shipsTo ?? [],
      returnPolicy: p.returnPolicy,
      hostCommissionBps: p.hostCommissionBps ?? 0,
      ...(p.inventory === undefined ? {} : { inventory: p.inventory }),
      ...(p.shipsFrom === undefined ? {} : { shipsFrom: p.shipsFrom }),
      status: 'active',
      createdAt: ctx.block.height,
      updatedAt: ctx.block.height,
    });
    listingsBySkuStore.set(ctx.state, `${p.sku}/${id}`, {});
    ctx.emit(CatalogEvents.listingCreated, { id, sku: p.sku, price: p.price }, [id, merchant, p.sku]);
  }
}

export const UpdateListingParamsSchema = Type.Object(
  {
    listing: LocalIdSchema,
    price: Type.Optional(ListingSchema.properties.price),
    carriers: Type.Optional(ListingSchema.properties.carriers),
    returnPolicy: Type.Optional(ReturnPolicySchema),
    hostCommissionBps: Type.Optional(BasisPointsSchema),
    inventory: ListingSchema.properties.inventory,
    shipsFrom: ListingSchema.properties.shipsFrom,
    status: Type.Optional(ListingSchema.properties.status),
  },
  { additionalProperties: false },
);
export type UpdateListingParams = Static<typeof UpdateListingParamsSchema>;

/** Changes a listing for future orders; an order keeps the terms it was made with. */
export class UpdateListingCommand implements Command<typeof UpdateListingParamsSchema> {
  readonly name = 'updateListing';
  readonly summary =
    'Change price, carriers, return policy, commission or status of your listing (future orders only).';
  readonly paramsSchema = UpdateListingParamsSchema;
  readonly #identity: IdentityForCatalog;

  constructor(identity: IdentityForCatalog) {
    this.#identity = identity;
  }

  execute(ctx: CommandContext<UpdateListingParams>): void {
    const merchant = this.#identity.orgOf(ctx.state, ctx.tx.submitter);
    if (merchant === undefined)
      throw new HanglianError(ExecutionErrors.TX_FORBIDDEN, 'the submitter belongs to no organisation');
    const id = `${merchant}/${ctx.params.listing}`;
    const listing = listingStore.get(ctx.state, id);
    if (listing === undefined)
      throw new HanglianError(CatalogErrors.CATALOG_UNKNOWN_LISTING, `no listing ${id} of yours`);
    if (ctx.params.carriers !== undefined) checkCarriers(this.#identity, ctx.state, ctx.params.carriers);
    const { listing: _id, ...changes } = ctx.params;
    const updated = { ...listing, ...changes, updatedAt: ctx.block.height };
    listingStore.set(ctx.state, id, updated);
    ctx.emit(CatalogEvents.listingUpdated, { id, price: updated.price, status: updated.status }, [
      id,
      merchant,
      listing.sku,
    ]);
  }
}
