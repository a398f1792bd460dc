import { HanglianError, TextSchema, textProblem, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { ExecutionErrors } from '../../../framework/errors.js';
import type { Command, CommandContext } from '../../../framework/module.js';
import { ItemsErrors } from '../errors.js';
import { ItemsEvents } from '../events.js';
import type { IdentityForItems } from '../expected.js';
import { productStore, productsByProducerStore, SkuSchema } from '../stores.js';

/** Attribute values are free text; their names too, checked by `execute` (a record's keys carry no format). */
const ATTRIBUTE_NAME_RULE = { maxChars: 64, maxBytes: 192 };
const ProductAttributesParamsSchema = Type.Record(
  Type.String({ maxLength: 64 }),
  TextSchema({ maxChars: 256 }),
  {
    maxProperties: 32,
  },
);

export const RegisterProductParamsSchema = Type.Object(
  {
    sku: SkuSchema,
    name: TextSchema({ minChars: 1, maxChars: 200 }),
    category: TextSchema({ minChars: 1, maxChars: 64 }),
    factoryPrice: UintSchema,
    attributes: Type.Optional(ProductAttributesParamsSchema),
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
    for (const key of Object.keys(attributes ?? {})) {
      const problem = textProblem(key, ATTRIBUTE_NAME_RULE);
      if (problem !== undefined) {
        throw new HanglianError(
          ExecutionErrors.TX_TEXT_INVALID,
          `attribute name ${JSON.stringify(key)}: ${problem}`,
        );
      }
    }
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
