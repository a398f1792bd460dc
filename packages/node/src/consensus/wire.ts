/**
 * What nodes send each other on the `consensus` channel, as canonical CBOR checked against these schemas
 * on arrival: a peer's bytes are untrusted until they decode here (signatures are then checked by the
 * consensus machine). The `sync` channel's messages are in ../sync/wire.ts.
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

export * from '../sync/wire.js';
