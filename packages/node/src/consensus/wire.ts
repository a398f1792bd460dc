/**
 * What nodes send each other on the `consensus` and `sync` channels, as canonical CBOR checked against
 * these schemas on arrival: a peer's bytes are untrusted until they decode here (signatures are then
 * checked by the consensus machine, blocks by the chain).
 */
import type { ConsensusMessage } from '@hanglian/consensus';
import { createCodec, MAX_BLOCK_BYTES, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';

const HexHash = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Signature = Type.Uint8Array({ minByteLength: 64, maxByteLength: 64 });

const VoteSchema = Type.Object(
  {
    type: Type.Union([Type.Literal('prevote'), Type.Literal('precommit')]),
    height: UintSchema,
    round: UintSchema,
    blockHash: Type.Union([HexHash, Type.Null()]),
    validator: HexHash,
  },
  { additionalProperties: false },
);

const ProposalSchema = Type.Object(
  {
    height: UintSchema,
    round: UintSchema,
    blockHash: HexHash,
    polRound: Type.Integer({ minimum: -1, maximum: Number.MAX_SAFE_INTEGER }),
    proposer: HexHash,
    payload: Type.Uint8Array({ maxByteLength: MAX_BLOCK_BYTES }),
  },
  { additionalProperties: false },
);

export const ConsensusWireSchema = Type.Union([
  Type.Object(
    { kind: Type.Literal('vote'), vote: VoteSchema, signature: Signature },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('proposal'), proposal: ProposalSchema, signature: Signature },
    { additionalProperties: false },
  ),
]);

export const consensusWireCodec = createCodec('ConsensusWire', ConsensusWireSchema, {
  maxBytes: MAX_BLOCK_BYTES + 4096,
});

export function encodeConsensusMessage(message: ConsensusMessage): Uint8Array {
  return consensusWireCodec.encode(message as Static<typeof ConsensusWireSchema>);
}

export function decodeConsensusMessage(bytes: Uint8Array): ConsensusMessage {
  return consensusWireCodec.decode(bytes) as ConsensusMessage;
}

/** Most blocks sent in one sync answer; a peer asks again for more. */
export const SYNC_BATCH_BLOCKS = 20;
/** Most headers sent in one answer during state sync. */
export const SYNC_BATCH_HEADERS = 200;
/** Most state entries in one snapshot chunk. */
export const SNAPSHOT_CHUNK_ENTRIES = 2_000;

export const SyncWireSchema = Type.Union([
  /** "I am at this height": sent on connect and every few seconds. */
  Type.Object({ kind: Type.Literal('status'), height: UintSchema }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('blocks-request'),
      from: UintSchema,
      count: Type.Integer({ minimum: 1, maximum: SYNC_BATCH_BLOCKS }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('blocks'),
      items: Type.Array(
        Type.Object(
          {
            block: Type.Uint8Array({ maxByteLength: MAX_BLOCK_BYTES }),
            commit: Type.Uint8Array({ maxByteLength: 64 * 1024 }),
            /** The block's execution results, checked by a state-syncing node against the results root. */
            results: Type.Optional(Type.Uint8Array({ maxByteLength: 64 * 1024 * 1024 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: SYNC_BATCH_BLOCKS },
      ),
    },
    { additionalProperties: false },
  ),
  /** State sync, step 1: headers with their commits and validator sets, verified without execution. */
  Type.Object(
    {
      kind: Type.Literal('headers-request'),
      from: UintSchema,
      count: Type.Integer({ minimum: 1, maximum: SYNC_BATCH_HEADERS }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('headers'),
      items: Type.Array(
        Type.Object(
          {
            header: Type.Uint8Array({ maxByteLength: 4096 }),
            commit: Type.Uint8Array({ maxByteLength: 64 * 1024 }),
            validators: Type.Uint8Array({ maxByteLength: 64 * 1024 }),
          },
          { additionalProperties: false },
        ),
        { maxItems: SYNC_BATCH_HEADERS },
      ),
    },
    { additionalProperties: false },
  ),
  /** State sync, step 2: the state at a height, in chunks of entries ordered by key hash. */
  Type.Object(
    {
      kind: Type.Literal('snapshot-request'),
      height: UintSchema,
      after: Type.Union([Type.Uint8Array({ minByteLength: 32, maxByteLength: 32 }), Type.Null()]),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('snapshot-chunk'),
      height: UintSchema,
      entries: Type.Array(
        Type.Object(
          {
            key: Type.Uint8Array({ maxByteLength: 2048 }),
            value: Type.Uint8Array({ maxByteLength: 1024 * 1024 }),
          },
          { additionalProperties: false },
        ),
        { maxItems: SNAPSHOT_CHUNK_ENTRIES },
      ),
      /** True when this chunk ends the state. */
      done: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
]);
export type SyncWire = Static<typeof SyncWireSchema>;

// A sync answer may carry several full blocks.
export const syncWireCodec = createCodec('SyncWire', SyncWireSchema, { maxBytes: 64 * 1024 * 1024 });
