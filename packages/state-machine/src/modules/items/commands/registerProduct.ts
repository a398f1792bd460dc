import { HanglianError, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { ExecutionErrors } from '../../../framework/errors.js';
import type { Command, CommandContext } from '../../../framework/module.js';
import { ItemsErrors } from '../errors.js';
import { ItemsEvents } from '../events.js';
import type { IdentityForItems } from '../expected.js';
import { ProductSchema, productStore, productsByProducerStore, SkuSchema } from '../stores.js';

export const RegisterProductParamsSchema = Type.Object(
  {
    sku: SkuSchema,
    name: ProductSchema.properties.name,
    category: ProductSchema.properties.category,
    factoryPrice: UintSchema,
    attributes: Type.Optional(ProductSchema.properties.attributes),
  },
  { additionalProperties: false },
);
export type RegisterProductParams = Static<typeof RegisterProductParamsSchema>;

/** A producer registers a product (a SKU or ISBN) before minting its copies. */
export class RegisterProductCommand implements Command<typeof RegisterProductParamsSchema> {
  readonly name = 'registerProduct';
  readonly summary = 'Register a product (SKU or ISBN, category, factory price, attributes); producers only.';
  readonly paramsSchema = RegisterProductParamsSchema;
  readonly #identity: IdentityForItems;

  constructor(identity: IdentityForItems) {
    this.#identity = identity;
  }

  execute(ctx: CommandContext<RegisterProductParams>): void {
    const org = this.#identity.orgOf(ctx.state, ctx.tx.submitter);
    if (org === undefined || !this.#identity.orgHasRole(ctx.state, org, 'producer')) {
      throw new HanglianError(
        ExecutionErrors.TX_FORBIDDEN,
        'only a producer organisation registers products',
      );
    }
    const { sku, name, category, factoryPrice, attributes } = ctx.params;
    if (productStore.has(ctx.state, sku)) {
      throw new HanglianError(ItemsErrors.ITEMS_PRODUCT_EXISTS, `product ${sku} is already registered`);
    }
    productStore.set(ctx.state, sku, {
      sku,
      producer: org,
      name,
      category,
      factoryPrice,
      attributes: attributes ?? {},
      registeredAt: ctx.block.height,
    });
    productsByProducerStore.set(ctx.state, `${org}/${sku}`, {});
    ctx.emit(ItemsEvents.productRegistered, { sku, producer: org, category }, [sku, org]);
  }
}
