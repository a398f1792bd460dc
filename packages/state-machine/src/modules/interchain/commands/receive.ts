import { bytesToHex, HanglianError, RESULT_OK, sha256, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { StateOverlay } from '../../../framework/state.js';
import { InterchainErrors } from '../errors.js';
import { InterchainEvents, type ReceivedData } from '../events.js';
import type { InterchainApp, LightClientsForInterchain } from '../expected.js';
import { requireProven, StateProofSchema } from '../proof.js';
import {
  NEW_SEQUENCES,
  type Packet,
  PacketSchema,
  packetCodec,
  packetKey,
  type Receipt,
  receiptStore,
  sequenceStore,
} from '../stores.js';

export const ReceivePacketParamsSchema = Type.Object(
  {
    packet: PacketSchema,
    /** The source chain's height whose verified header the proof is against (lightclients `update`). */
    proofHeight: UintSchema,
    /** Proof of `interchain/outbox/<this chain>/<sequence>` holding the packet in the source's state. */
    proof: StateProofSchema,
  },
  { additionalProperties: false },
);
export type ReceivePacketParams = Static<typeof ReceivePacketParamsSchema>;

/**
 * Anyone (a relayer) delivers a packet of another chain, proven against a header this chain verified.
 * Each packet is received once and in sequence order; its module takes it in a layer of its own, and the
 * receipt (delivered, refused with a code, or timed out) is what the source is shown afterwards.
 */
export class ReceivePacketCommand implements Command<typeof ReceivePacketParamsSchema> {
  readonly name = 'receive';
  readonly summary = "Deliver another chain's message with a state proof (anyone may relay; once, in order).";
  readonly paramsSchema = ReceivePacketParamsSchema;
  readonly #lightClients: LightClientsForInterchain;
  readonly #apps: Readonly<Record<string, InterchainApp>>;

  constructor(lightClients: LightClientsForInterchain, apps: Readonly<Record<string, InterchainApp>>) {
    this.#lightClients = lightClients;
    this.#apps = apps;
  }

  execute(ctx: CommandContext<ReceivePacketParams>): void {
    const packet = ctx.params.packet as Packet;
    if (packet.destChain !== ctx.block.chainId) {
      throw new HanglianError(
        InterchainErrors.INTERCHAIN_WRONG_DESTINATION,
        `the message is for ${packet.destChain}, not ${ctx.block.chainId}`,
      );
    }
    const source = packet.sourceChain;
    const packetBytes = packetCodec.encode(packet);
    requireProven(
      ctx,
      this.#lightClients,
      source,
      ctx.params.proofHeight,
      `interchain/outbox/${packetKey(ctx.block.chainId, packet.sequence)}`,
      packetBytes,
      ctx.params.proof,
    );
    const key = packetKey(source, packet.sequence);
    if (receiptStore.has(ctx.state, key)) {
      throw new HanglianError(
        InterchainErrors.INTERCHAIN_ALREADY_RECEIVED,
        `message ${packet.sequence} of ${source} was received already`,
      );
    }
    const sequences = sequenceStore.get(ctx.state, source) ?? NEW_SEQUENCES;
    if (packet.sequence !== sequences.nextRecv) {
      throw new HanglianError(
        InterchainErrors.INTERCHAIN_OUT_OF_ORDER,
        `the next message of ${source} is ${sequences.nextRecv}, not ${packet.sequence}`,
        { details: { expected: sequences.nextRecv } },
      );
    }
    const outcome = this.#deliver(ctx, packet);
    const receipt: Receipt = {
      sourceChain: source,
      sequence: packet.sequence,
      packetHash: sha256(packetBytes),
      ...outcome,
      receivedAtHeight: ctx.block.height,
      receivedAt: ctx.block.time,
    };
    receiptStore.set(ctx.state, key, receipt);
    sequenceStore.set(ctx.state, source, { ...sequences, nextRecv: sequences.nextRecv + 1 });
    const data: ReceivedData = {
      sourceChain: source,
      sequence: packet.sequence,
      destModule: packet.destModule,
      status: receipt.status,
      code: receipt.code,
    };
    ctx.emit(InterchainEvents.received, data, [source, String(packet.sequence), receipt.status]);
  }

  /** Hands the packet to its module, unless it timed out; never throws for the module's refusal. */
  #deliver(
    ctx: CommandContext<ReceivePacketParams>,
    packet: Packet,
  ): Pick<Receipt, 'status' | 'code' | 'message'> {
    const { height, time } = ctx.block;
    if (
      (packet.timeoutHeight > 0 && height >= packet.timeoutHeight) ||
      (packet.timeoutTime > 0 && time >= packet.timeoutTime)
    ) {
      return {
        status: 'timedOut',
        code: InterchainErrors.INTERCHAIN_TIMED_OUT,
        message: `reached ${ctx.block.chainId} at height ${height}, time ${time}, after its timeout`,
      };
    }
    const app = this.#apps[packet.destModule];
    if (app?.onReceive === undefined) {
      return {
        status: 'failed',
        code: InterchainErrors.INTERCHAIN_UNKNOWN_MODULE,
        message: `${packet.destModule} takes no messages from other chains`,
      };
    }
    const layer = new StateOverlay(ctx.state);
    const events: Array<[string, unknown, readonly string[]]> = [];
    try {
      app.onReceive({
        state: layer,
        block: ctx.block,
        packet,
        txId: bytesToHex(ctx.tx.id),
        emit: (name, data, topics = []) => events.push([name, data, topics]),
      });
    } catch (error) {
      if (!(error instanceof HanglianError)) throw error;
      return { status: 'failed', code: error.code, message: error.message.slice(0, 256) };
    }
    layer.commitTo(ctx.state);
    for (const [name, data, topics] of events) ctx.emitAs(packet.destModule, name, data, topics);
    return { status: 'delivered', code: RESULT_OK, message: '' };
  }
}
