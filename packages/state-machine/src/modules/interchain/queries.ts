import { ChainIdSchema, UintSchema } from '@hanglian/core';
import { Type } from '@sinclair/typebox';
import type { Query } from '../../framework/module.js';
import {
  type OutboxStatus,
  outboxStatusStore,
  outboxStore,
  type Packet,
  packetKey,
  type Receipt,
  receiptStore,
  type Sequences,
  sequenceStore,
} from './stores.js';

const ListParams = Type.Object(
  {
    chainId: ChainIdSchema,
    /** Continue after this sequence. */
    after: Type.Optional(UintSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
type ListArgs = { chainId: string; after?: number; limit?: number };

export interface OutboxEntry {
  packet: Packet;
  status: OutboxStatus;
}

/** Queries of the interchain module: public (relayers read them; messages carry no personal data). */
export const interchainQueries = {
  sequences: {
    name: 'sequences',
    reads: { public: ['interchain/sequences'] },
    access: 'public',
    summary: 'Sequence counters with a chain: the next to send to it and the next to receive from it.',
    paramsSchema: Type.Object({ chainId: ChainIdSchema }, { additionalProperties: false }),
    execute: (ctx): Sequences | null =>
      sequenceStore.get(ctx.state, (ctx.params as { chainId: string }).chainId) ?? null,
  } satisfies Query<any, Sequences | null>,
  outbox: {
    name: 'outbox',
    reads: { public: ['interchain/outbox', 'interchain/outboxStatus'] },
    access: 'public',
    summary: 'Messages sent to a chain, in sequence order, with what became of them.',
    paramsSchema: ListParams,
    execute: (ctx): OutboxEntry[] => {
      const { chainId, after = 0, limit = 100 } = ctx.params as ListArgs;
      const out: OutboxEntry[] = [];
      for (const [id, packet] of outboxStore.entries(ctx.state, `${chainId}/`)) {
        if (packet.sequence <= after) continue;
        out.push({ packet, status: outboxStatusStore.get(ctx.state, id) ?? { status: 'pending' } });
        if (out.length >= limit) break;
      }
      return out;
    },
  } satisfies Query<any, OutboxEntry[]>,
  receipts: {
    name: 'receipts',
    reads: { public: ['interchain/receipts'] },
    access: 'public',
    summary: 'Receipts of messages received from a chain, in sequence order.',
    paramsSchema: ListParams,
    execute: (ctx): Receipt[] => {
      const { chainId, after = 0, limit = 100 } = ctx.params as ListArgs;
      const out: Receipt[] = [];
      for (const [, receipt] of receiptStore.entries(ctx.state, `${chainId}/`)) {
        if (receipt.sequence <= after) continue;
        out.push(receipt);
        if (out.length >= limit) break;
      }
      return out;
    },
  } satisfies Query<any, Receipt[]>,
  receipt: {
    name: 'receipt',
    reads: { public: ['interchain/receipts'] },
    access: 'public',
    summary: 'The receipt of one message from a chain, or null.',
    paramsSchema: Type.Object(
      { chainId: ChainIdSchema, sequence: UintSchema },
      { additionalProperties: false },
    ),
    execute: (ctx): Receipt | null => {
      const { chainId, sequence } = ctx.params as { chainId: string; sequence: number };
      return receiptStore.get(ctx.state, packetKey(chainId, sequence)) ?? null;
    },
  } satisfies Query<any, Receipt | null>,
};
