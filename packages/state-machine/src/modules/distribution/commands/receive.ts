import { bytesToHex, HanglianError, IdentifierSchema, TextSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { selectedCodes } from '../../items/commands/recordEvent.js';
import { orgParty } from '../../items/stores.js';
import { DistributionErrors } from '../errors.js';
import { DistributionEvents } from '../events.js';
import type { IdentityForDistribution, ItemsForDistribution } from '../expected.js';
import { shipmentStore } from '../stores.js';

export const ReceiveParamsSchema = Type.Object(
  {
    from: IdentifierSchema,
    shipment: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' }),
    /** False refuses the whole shipment: the items go back to the sender's stock. */
    accept: Type.Boolean(),
    where: TextSchema({ minChars: 1, maxChars: 128 }),
  },
  { additionalProperties: false },
);
export type ReceiveParams = Static<typeof ReceiveParamsSchema>;

/** Wholesale, second half: the receiver confirms the items arrived (ownership moves) or refuses them. */
export class ReceiveCommand implements Command<typeof ReceiveParamsSchema> {
  readonly name = 'receive';
  readonly summary = 'Confirm receipt of a shipment (ownership of its items moves to you) or refuse it.';
  readonly paramsSchema = ReceiveParamsSchema;
  readonly #identity: IdentityForDistribution;
  readonly #items: ItemsForDistribution;

  constructor(identity: IdentityForDistribution, items: ItemsForDistribution) {
    this.#identity = identity;
    this.#items = items;
  }

  execute(ctx: CommandContext<ReceiveParams>): void {
    const { from, shipment, accept, where } = ctx.params;
    const record = shipmentStore.get(ctx.state, `${from}/${shipment}`);
    if (record === undefined)
      throw new HanglianError(
        DistributionErrors.DISTRIBUTION_UNKNOWN_SHIPMENT,
        `no shipment ${from}/${shipment}`,
      );
    const receiver = this.#identity.orgOf(ctx.state, ctx.tx.submitter);
    if (receiver !== record.to)
      throw new HanglianError(DistributionErrors.DISTRIBUTION_NOT_RECEIVER, `only ${record.to} receives it`);
    if (record.status !== 'sent')
      throw new HanglianError(
        DistributionErrors.DISTRIBUTION_ALREADY_SETTLED,
        `shipment is ${record.status}`,
      );
    const to = orgParty(record.to);
    const sender = orgParty(record.from);
    for (const code of selectedCodes(record.items)) {
      const item = this.#items.resolve(ctx.state, code);
      this.#items.apply(
        ctx.state,
        item,
        accept
          ? { owner: to, custodian: to, status: 'in-stock' }
          : { status: item.batch.recalled ? 'recalled' : 'in-stock' },
        {
          bizStep: accept ? 'receiving' : 'returning',
          time: ctx.block.time,
          height: ctx.block.height,
          where,
          why: `shipment ${record.from}/${shipment}`,
          by: to,
          source: sender,
          destination: accept ? to : sender,
          txId: bytesToHex(ctx.tx.id),
        },
      );
    }
    shipmentStore.set(ctx.state, `${from}/${shipment}`, {
      ...record,
      status: accept ? 'received' : 'refused',
      settledAt: ctx.block.height,
    });
    ctx.emit(
      accept ? DistributionEvents.received : DistributionEvents.refused,
      { shipment: `${from}/${shipment}`, from, to: record.to, count: record.count },
      [from, record.to],
    );
  }
}
