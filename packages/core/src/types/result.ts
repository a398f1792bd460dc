/**
 * What executing a transaction produced. Results are part of consensus (resultsRoot in the header): every
 * node must compute the same code, events and gas for every transaction.
 */
import { type Static, Type } from '@sinclair/typebox';
import { createCodec } from '../encoding/codec.js';
import { CanonicalValueSchema, HashSchema, NameSchema, UintSchema } from '../schema/common.js';

export const EventSchema = Type.Object(
  {
    module: NameSchema,
    name: NameSchema,
    /** Strings that subscriptions filter on (an order id, an item code, an account). */
    topics: Type.Array(Type.String({ maxLength: 128 }), { maxItems: 8 }),
    data: CanonicalValueSchema,
  },
  { additionalProperties: false },
);
export type ChainEvent = Static<typeof EventSchema>;

export const TxResultSchema = Type.Object(
  {
    txId: HashSchema,
    /** 'OK' or a registered error code. */
    code: Type.String({ maxLength: 64 }),
    message: Type.String({ maxLength: 1024 }),
    gasUsed: UintSchema,
    events: Type.Array(EventSchema, { maxItems: 1024 }),
  },
  { additionalProperties: false },
);
export type TxResult = Static<typeof TxResultSchema>;

export const BlockResultsSchema = Type.Object(
  {
    height: UintSchema,
    txResults: Type.Array(TxResultSchema),
    /** Events of block-level hooks (deadlines, automatic refunds), not tied to one transaction. */
    blockEvents: Type.Array(EventSchema),
  },
  { additionalProperties: false },
);
export type BlockResults = Static<typeof BlockResultsSchema>;

export const txResultCodec = createCodec('TxResult', TxResultSchema, { maxBytes: 1024 * 1024 });
export const blockResultsCodec = createCodec('BlockResults', BlockResultsSchema, {
  maxBytes: 64 * 1024 * 1024,
});

export const RESULT_OK = 'OK';
