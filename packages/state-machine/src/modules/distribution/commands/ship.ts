import { bytesToHex, HanglianError, IdentifierSchema, TextSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { ExecutionErrors } from '../../../framework/errors.js';
import type { Command, CommandContext } from '../../../framework/module.js';
import { ItemSelectionSchema, selectedCodes } from '../../items/commands/recordEvent.js';
import { orgParty } from '../../items/stores.js';
import { DistributionErrors } from '../errors.js';
import { DistributionEvents } from '../events.js';
import type { IdentityForDistribution, ItemsForDistribution } from '../expected.js';
import { shipmentStore, shipmentsByReceiverStore } from '../stores.js';

export const ShipParamsSchema = Type.Object(
  {
    shipment: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' }),
    to: IdentifierSchema,
    items: ItemSelectionSchema,
    where: TextSchema({ minChars: 1, maxChars: 128 }),
  },
  { additionalProperties: false },
);
export type ShipParams = Static<typeof ShipParamsSchema>;

/**
 * Wholesale, first half: the owner ships named items to another organisation. The items go in transit;
 * ownership does not move until the receiver confirms, item by item the same codes (counts are never
 * enough: the receiver gets exactly these items or refuses them).
 */
export class ShipCommand implements Command<typeof ShipParamsSchema> {
  readonly name = 'ship';
  readonly summary = 'Ship named items (codes or a range) you own and hold to another organisation.';
  readonly paramsSchema = ShipParamsSchema;
  readonly #identity: IdentityForDistribution;
  readonly #items: ItemsForDistribution;

  constructor(identity: IdentityForDistribution, items: ItemsForDistribution) {
    this.#identity = identity;
    this.#items = items;
  }

  execute(ctx: CommandContext<ShipParams>): void {
    const from = this.#identity.orgOf(ctx.state, ctx.tx.submitter);
    if (from === undefined)
      throw new HanglianError(ExecutionErrors.TX_FORBIDDEN, 'the submitter belongs to no organisation');
    const { shipment, to, items, where } = ctx.params;
    if (to === from)
      throw new HanglianError(
        DistributionErrors.DISTRIBUTION_SELF,
        'an organisation does not ship to itself',
      );
    if (this.#identity.getOrganisation(ctx.state, to)?.status !== 'active') {
      throw new HanglianError(DistributionErrors.DISTRIBUTION_UNKNOWN_ORG, `no active organisation ${to}`);
    }
    if (shipmentStore.has(ctx.state, `${from}/${shipment}`)) {
      throw new HanglianError(DistributionErrors.DISTRIBUTION_SHIPMENT_EXISTS, `shipment ${shipment} exists`);
    }
    const codes = selectedCodes(items);
    const sender = orgParty(from);
    for (const code of codes) {
      const item = this.#items.resolve(ctx.state, code);
      const { owner, custodian, status } = item.state;
      if (owner !== sender || custodian !== sender || status !== 'in-stock' || item.batch.recalled) {
        throw new HanglianError(
          DistributionErrors.DISTRIBUTION_NOT_SHIPPABLE,
          `${code} is not ${from}'s to ship`,
          {
            details: { code, owner, custodian, status, recalled: item.batch.recalled },
          },
        );
      }
      this.#items.apply(
        ctx.state,
        item,
        { status: 'in-transit' },
        {
          bizStep: 'shipping',
          time: ctx.block.time,
          height: ctx.block.height,
          where,
          why: `shipment ${from}/${shipment}`,
          by: sender,
          source: sender,
          destination: orgParty(to),
          txId: bytesToHex(ctx.tx.id),
        },
      );
    }
    shipmentStore.set(ctx.state, `${from}/${shipment}`, {
      id: shipment,
      from,
      to,
      items,
      count: codes.length,
      status: 'sent',
      sentAt: ctx.block.height,
    });
    shipmentsByReceiverStore.set(ctx.state, `${to}/${from}/${shipment}`, {});
    ctx.emit(DistributionEvents.shipped, { shipment: `${from}/${shipment}`, from, to, count: codes.length }, [
      from,
      to,
    ]);
  }
}
