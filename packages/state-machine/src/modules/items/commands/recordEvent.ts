import { bytesToHex, HanglianError, TextSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { ExecutionErrors } from '../../../framework/errors.js';
import type { Command, CommandContext } from '../../../framework/module.js';
import { ItemsErrors } from '../errors.js';
import { ItemsEvents } from '../events.js';
import type { IdentityForItems } from '../expected.js';
import type { ItemsMethod } from '../method.js';
import { BatchIdSchema, ItemCodeSchema, itemCode, MAX_CODES_PER_TX, orgParty, SkuSchema } from '../stores.js';

/** Items named one by one, or a range of serials of one batch. */
export const ItemSelectionSchema = Type.Union([
  Type.Object(
    { codes: Type.Array(ItemCodeSchema, { minItems: 1, maxItems: MAX_CODES_PER_TX }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      range: Type.Object(
        {
          sku: SkuSchema,
          batch: BatchIdSchema,
          from: Type.Integer({ minimum: 1 }),
          to: Type.Integer({ minimum: 1 }),
        },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
]);
export type ItemSelection = Static<typeof ItemSelectionSchema>;

/** Most items one range may name: state is written per item, so the cost of a transaction stays bounded. */
export const MAX_RANGE_ITEMS = 10_000;

export function selectedCodes(selection: ItemSelection): string[] {
  if ('codes' in selection) return [...new Set(selection.codes)];
  const { sku, batch, from, to } = selection.range;
  if (to < from || to - from + 1 > MAX_RANGE_ITEMS) {
    throw new HanglianError(ItemsErrors.ITEMS_TOO_MANY, `a range names 1 to ${MAX_RANGE_ITEMS} items`);
  }
  const codes: string[] = [];
  for (let serial = from; serial <= to; serial++) codes.push(itemCode(sku, batch, serial));
  return codes;
}

export const RecordEventParamsSchema = Type.Object(
  {
    items: ItemSelectionSchema,
    bizStep: Type.Union([Type.Literal('packing'), Type.Literal('inspecting'), Type.Literal('destroying')]),
    where: TextSchema({ minChars: 1, maxChars: 128 }),
    why: TextSchema({ maxChars: 128 }),
  },
  { additionalProperties: false },
);
export type RecordEventParams = Static<typeof RecordEventParamsSchema>;

/**
 * The owner or holder of items records what it did to them (packing, inspection, destruction). Moves of
 * ownership and custody are recorded by the modules that make them (distribution, orders), never here.
 * Corrections are new events: nothing recorded is ever edited.
 */
export class RecordEventCommand implements Command<typeof RecordEventParamsSchema> {
  readonly name = 'recordEvent';
  readonly summary =
    'Record a traceability event (packing, inspecting, destroying) for items you own or hold.';
  readonly paramsSchema = RecordEventParamsSchema;
  readonly #identity: IdentityForItems;
  readonly #items: ItemsMethod;

  constructor(identity: IdentityForItems, items: ItemsMethod) {
    this.#identity = identity;
    this.#items = items;
  }

  execute(ctx: CommandContext<RecordEventParams>): void {
    const org = this.#identity.orgOf(ctx.state, ctx.tx.submitter);
    if (org === undefined)
      throw new HanglianError(ExecutionErrors.TX_FORBIDDEN, 'the submitter belongs to no organisation');
    const party = orgParty(org);
    const codes = selectedCodes(ctx.params.items);
    for (const code of codes) {
      const item = this.#items.resolve(ctx.state, code);
      if (!this.#items.holds(item, party)) {
        throw new HanglianError(ItemsErrors.ITEMS_NOT_HOLDER, `${org} neither owns nor holds ${code}`, {
          details: { code },
        });
      }
      this.#items.apply(ctx.state, item, ctx.params.bizStep === 'destroying' ? { status: 'destroyed' } : {}, {
        bizStep: ctx.params.bizStep,
        time: ctx.block.time,
        height: ctx.block.height,
        where: ctx.params.where,
        why: ctx.params.why,
        by: party,
        txId: bytesToHex(ctx.tx.id),
      });
    }
    ctx.emit(
      ItemsEvents.traceRecorded,
      { bizStep: ctx.params.bizStep, by: org, count: codes.length, first: codes[0] },
      [org],
    );
  }
}
