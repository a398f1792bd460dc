import { bytesEqual, ChainIdSchema, HanglianError, sha256, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { InterchainErrors } from '../errors.js';
import { type AcknowledgedData, InterchainEvents } from '../events.js';
import type { InterchainApp, LightClientsForInterchain } from '../expected.js';
import { requireProven, StateProofSchema } from '../proof.js';
import {
  outboxStatusStore,
  outboxStore,
  packetCodec,
  packetKey,
  type Receipt,
  ReceiptSchema,
  receiptCodec,
} from '../stores.js';

export const AcknowledgeParamsSchema = Type.Object(
  {
    destChain: ChainIdSchema,
    sequence: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    /** The destination's receipt of the packet. */
    receipt: ReceiptSchema,
    /** The destination's height whose verified header the proof is against. */
    proofHeight: UintSchema,
    /** Proof of `interchain/receipts/<this chain>/<sequence>` holding the receipt in the destination's state. */
    proof: StateProofSchema,
  },
  { additionalProperties: false },
);
export type AcknowledgeParams = Static<typeof AcknowledgeParamsSchema>;

/**
 * Anyone (a relayer) brings a packet's receipt back from its destination, proven: the packet closes as
 * delivered, failed or timed out, and the module that sent it is told, so it can undo what a packet that
 * did not arrive promised (items unlocked, money refunded).
 */
export class AcknowledgeCommand implements Command<typeof AcknowledgeParamsSchema> {
  readonly name = 'acknowledge';
  readonly summary = "Prove a message's receipt back from its destination; the message closes once.";
  readonly paramsSchema = AcknowledgeParamsSchema;
  readonly #lightClients: LightClientsForInterchain;
  readonly #apps: Readonly<Record<string, InterchainApp>>;

  constructor(lightClients: LightClientsForInterchain, apps: Readonly<Record<string, InterchainApp>>) {
    this.#lightClients = lightClients;
    this.#apps = apps;
  }

  execute(ctx: CommandContext<AcknowledgeParams>): void {
    const { destChain, sequence, proofHeight, proof } = ctx.params;
    const receipt = ctx.params.receipt as Receipt;
    const key = packetKey(destChain, sequence);
    const packet = outboxStore.get(ctx.state, key);
    const status = outboxStatusStore.get(ctx.state, key);
    if (packet === undefined || status === undefined) {
      throw new HanglianError(
        InterchainErrors.INTERCHAIN_UNKNOWN_PACKET,
        `no message ${sequence} was sent to ${destChain}`,
      );
    }
    if (status.status !== 'pending') {
      throw new HanglianError(
        InterchainErrors.INTERCHAIN_ALREADY_ACKNOWLEDGED,
        `message ${sequence} to ${destChain} is closed (${status.status})`,
      );
    }
    if (
      receipt.sourceChain !== ctx.block.chainId ||
      receipt.sequence !== sequence ||
      !bytesEqual(receipt.packetHash, sha256(packetCodec.encode(packet)))
    ) {
      throw new HanglianError(InterchainErrors.INTERCHAIN_BAD_PROOF, 'the receipt is of another message');
    }
    requireProven(
      ctx,
      this.#lightClients,
      destChain,
      proofHeight,
      `interchain/receipts/${packetKey(ctx.block.chainId, sequence)}`,
      receiptCodec.encode(receipt),
      proof,
    );
    outboxStatusStore.set(ctx.state, key, {
      status: receipt.status,
      code: receipt.code,
      closedAtHeight: ctx.block.height,
    });
    this.#apps[packet.sourceModule]?.onAcknowledge?.({
      state: ctx.state,
      block: ctx.block,
      packet,
      receipt,
      emit: (name, data, topics) => ctx.emitAs(packet.sourceModule, name, data, topics),
    });
    const data: AcknowledgedData = { destChain, sequence, status: receipt.status, code: receipt.code };
    ctx.emit(InterchainEvents.acknowledged, data, [destChain, String(sequence), receipt.status]);
  }
}
