/** What other modules may do with interchain: send a packet, read packets and receipts. */
import { HanglianError } from '@hanglian/core';
import type { BlockInfo } from '../../framework/module.js';
import type { StateReader, StateWriter } from '../../framework/state.js';
import { InterchainErrors } from './errors.js';
import type { LightClientsForInterchain } from './expected.js';
import {
  NEW_SEQUENCES,
  outboxStatusStore,
  outboxStore,
  type Packet,
  packetKey,
  type Receipt,
  receiptStore,
  sequenceStore,
} from './stores.js';

export interface SendPacketArgs {
  readonly destChain: string;
  readonly sourceModule: string;
  readonly destModule: string;
  readonly sender: Packet['sender'];
  readonly payload: unknown;
  readonly timeoutHeight: number;
  readonly timeoutTime: number;
}

export class InterchainMethod {
  readonly #lightClients: LightClientsForInterchain;

  constructor(lightClients: LightClientsForInterchain) {
    this.#lightClients = lightClients;
  }

  /**
   * Writes a packet into the outbox with the next sequence for its destination and returns it. Throws
   * INTERCHAIN_UNKNOWN_CHAIN (no client of the destination) or INTERCHAIN_NO_TIMEOUT.
   */
  sendPacket(state: StateWriter, block: BlockInfo, args: SendPacketArgs): Packet {
    if (this.#lightClients.getClient(state, args.destChain) === undefined) {
      throw new HanglianError(
        InterchainErrors.INTERCHAIN_UNKNOWN_CHAIN,
        `no light client of ${args.destChain}: governance admits a chain before it is linked`,
      );
    }
    if (args.timeoutHeight === 0 && args.timeoutTime === 0) {
      throw new HanglianError(InterchainErrors.INTERCHAIN_NO_TIMEOUT, 'give timeoutHeight or timeoutTime');
    }
    const sequences = sequenceStore.get(state, args.destChain) ?? NEW_SEQUENCES;
    const packet: Packet = {
      sourceChain: block.chainId,
      destChain: args.destChain,
      sequence: sequences.nextSend,
      sourceModule: args.sourceModule,
      destModule: args.destModule,
      sender: args.sender,
      payload: args.payload,
      timeoutHeight: args.timeoutHeight,
      timeoutTime: args.timeoutTime,
      sentAtHeight: block.height,
      sentAt: block.time,
    };
    const key = packetKey(args.destChain, packet.sequence);
    outboxStore.set(state, key, packet);
    outboxStatusStore.set(state, key, { status: 'pending' });
    sequenceStore.set(state, args.destChain, { ...sequences, nextSend: sequences.nextSend + 1 });
    return packet;
  }

  getPacket(state: StateReader, destChain: string, sequence: number): Packet | undefined {
    return outboxStore.get(state, packetKey(destChain, sequence));
  }

  getReceipt(state: StateReader, sourceChain: string, sequence: number): Receipt | undefined {
    return receiptStore.get(state, packetKey(sourceChain, sequence));
  }
}
