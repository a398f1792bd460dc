/**
 * State of the interchain module (key layouts in the README). A message ("packet") is written once into
 * the source chain's outbox and never changed, so its bytes can be proven at any later height; what
 * happened to it is kept beside it (`outboxStatus`). The destination writes one receipt per packet,
 * which is what the source is shown when the acknowledgement travels back.
 */
import {
  AddressSchema,
  ChainIdSchema,
  createCodec,
  HashSchema,
  IdentifierSchema,
  NameSchema,
  UintSchema,
} from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { Store } from '../../framework/store.js';

export const INTERCHAIN_MODULE = 'interchain';
export const MAX_PAYLOAD_BYTES = 8 * 1024;

export const PacketSchema = Type.Object(
  {
    sourceChain: ChainIdSchema,
    destChain: ChainIdSchema,
    /** 1, 2, 3… per (source, destination) pair: delivered in this order, each once. */
    sequence: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    /** The module that sent it (`interchain` for a member's own message) and the one it is for. */
    sourceModule: NameSchema,
    destModule: NameSchema,
    /** Who sent it on the source chain: the signer and its organisation there. */
    sender: Type.Object({ org: IdentifierSchema, address: AddressSchema }, { additionalProperties: false }),
    /** What the destination module reads (its README says the shape). */
    payload: Type.Unknown(),
    /** The destination's height / block time (ms) from which the packet is no longer delivered; 0: none. */
    timeoutHeight: UintSchema,
    timeoutTime: UintSchema,
    sentAtHeight: UintSchema,
    sentAt: UintSchema,
  },
  { additionalProperties: false },
);
export type Packet = Static<typeof PacketSchema>;

export const ReceiptStatusSchema = Type.Union([
  Type.Literal('delivered'),
  Type.Literal('failed'),
  Type.Literal('timedOut'),
]);
export type ReceiptStatus = Static<typeof ReceiptStatusSchema>;

/** What the destination did with a packet: delivered (OK), refused by its module (code), or timed out. */
export const ReceiptSchema = Type.Object(
  {
    sourceChain: ChainIdSchema,
    sequence: UintSchema,
    /** SHA-256 of the packet's canonical bytes: binds the receipt to exactly that packet. */
    packetHash: HashSchema,
    status: ReceiptStatusSchema,
    /** `OK`, the module's error code, or `INTERCHAIN_TIMED_OUT`. */
    code: Type.String({ maxLength: 64 }),
    message: Type.String({ maxLength: 256 }),
    receivedAtHeight: UintSchema,
    receivedAt: UintSchema,
  },
  { additionalProperties: false },
);
export type Receipt = Static<typeof ReceiptSchema>;

export const OutboxStatusSchema = Type.Object(
  {
    status: Type.Union([
      Type.Literal('pending'),
      Type.Literal('delivered'),
      Type.Literal('failed'),
      Type.Literal('timedOut'),
    ]),
    /** The destination's code, once the receipt was proven back. */
    code: Type.Optional(Type.String({ maxLength: 64 })),
    closedAtHeight: Type.Optional(UintSchema),
  },
  { additionalProperties: false },
);
export type OutboxStatus = Static<typeof OutboxStatusSchema>;

/** Sequence counters of one counterparty chain. */
export const SequencesSchema = Type.Object(
  {
    /** The sequence the next packet sent to that chain gets. */
    nextSend: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    /** The sequence the next packet received from that chain must have. */
    nextRecv: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  },
  { additionalProperties: false },
);
export type Sequences = Static<typeof SequencesSchema>;

export const packetCodec = createCodec('Packet', PacketSchema, { maxBytes: MAX_PAYLOAD_BYTES + 1024 });
export const receiptCodec = createCodec('Receipt', ReceiptSchema, { maxBytes: 1024 });

export const outboxStore = new Store(INTERCHAIN_MODULE, 'outbox', packetCodec);
export const outboxStatusStore = new Store(
  INTERCHAIN_MODULE,
  'outboxStatus',
  createCodec('OutboxStatus', OutboxStatusSchema, { maxBytes: 128 }),
);
export const receiptStore = new Store(INTERCHAIN_MODULE, 'receipts', receiptCodec);
export const sequenceStore = new Store(
  INTERCHAIN_MODULE,
  'sequences',
  createCodec('Sequences', SequencesSchema, { maxBytes: 64 }),
);

/** Sequences are zero-padded in keys so that key order is sequence order. */
export function packetKey(chainId: string, sequence: number): string {
  return `${chainId}/${sequence.toString().padStart(15, '0')}`;
}

export const NEW_SEQUENCES: Sequences = { nextSend: 1, nextRecv: 1 };
