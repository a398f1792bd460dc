import { ChainIdSchema, HanglianError, NameSchema, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { ExecutionErrors } from '../../../framework/errors.js';
import type { Command, CommandContext } from '../../../framework/module.js';
import { InterchainEvents, type SentData } from '../events.js';
import type { IdentityForInterchain } from '../expected.js';
import type { InterchainMethod } from '../method.js';
import { INTERCHAIN_MODULE } from '../stores.js';

export const SendParamsSchema = Type.Object(
  {
    destChain: ChainIdSchema,
    destModule: NameSchema,
    payload: Type.Unknown(),
    /** The destination's height / block time (ms) from which it no longer delivers the message; 0: none. */
    timeoutHeight: Type.Optional(UintSchema),
    timeoutTime: Type.Optional(UintSchema),
  },
  { additionalProperties: false },
);
export type SendParams = Static<typeof SendParamsSchema>;

/**
 * A member sends a message to a module of another chain (a carrier telling the commerce chain that a
 * parcel was delivered). The message names the sender and its organisation; the destination module
 * decides what a message from that organisation of that chain may do.
 */
export class SendCommand implements Command<typeof SendParamsSchema> {
  readonly name = 'send';
  readonly summary =
    'Send a message to a module of another (admitted) chain; relayers carry it with a proof.';
  readonly paramsSchema = SendParamsSchema;
  readonly #identity: IdentityForInterchain;
  readonly #method: InterchainMethod;

  constructor(identity: IdentityForInterchain, method: InterchainMethod) {
    this.#identity = identity;
    this.#method = method;
  }

  execute(ctx: CommandContext<SendParams>): void {
    const p = ctx.params;
    const org = this.#identity.orgOf(ctx.state, ctx.tx.submitter);
    if (org === undefined) {
      throw new HanglianError(ExecutionErrors.TX_NOT_MEMBER, 'the sender belongs to no organisation');
    }
    const packet = this.#method.sendPacket(ctx.state, ctx.block, {
      destChain: p.destChain,
      sourceModule: INTERCHAIN_MODULE,
      destModule: p.destModule,
      sender: { org, address: ctx.tx.submitter },
      payload: p.payload,
      timeoutHeight: p.timeoutHeight ?? 0,
      timeoutTime: p.timeoutTime ?? 0,
    });
    const data: SentData = {
      destChain: packet.destChain,
      sequence: packet.sequence,
      sourceModule: packet.sourceModule,
      destModule: packet.destModule,
      sender: org,
      timeoutHeight: packet.timeoutHeight,
      timeoutTime: packet.timeoutTime,
    };
    ctx.emit(InterchainEvents.sent, data, [packet.destChain, String(packet.sequence)]);
  }
}
