/**
 * What nodes send each other on the `sync` channel (status, block sync, state sync), as canonical CBOR
 * checked against these schemas on arrival. A peer's answer is untrusted: block sync takes only answers to
 * requests it made and checks every block against its certificate (blockSync.ts); state sync checks every
 * header and chunk (stateSync.ts).
 */
import { createCodec, MAX_BLOCK_BYTES, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';

/** Most blocks sent in one sync answer; a peer asks again for more. */
export const SYNC_BATCH_BLOCKS = 20;
/** Most headers sent in one answer during state sync. */
export const SYNC_BATCH_HEADERS = 200;
/** Most state entries in one snapshot chunk. */
export const SNAPSHOT_CHUNK_ENTRIES = 2_000;

/** A 256-bit path in the state tree (sha256 of a key). */
const Path = Type.Uint8Array({ minByteLength: 32, maxByteLength: 32 });

/** A state proof along one path (core's `StateProof`). */
const ProofSchema = Type.Object(
  {
    siblings: Type.Array(Path, { maxItems: 256 }),
    leaf: Type.Union([
      Type.Object({ keyHash: Path, valueHash: Path }, { additionalProperties: false }),
      Type.Null(),
    ]),
  },
  { additionalProperties: false },
);

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
  /**
   * State sync, step 2: the state at a height, in chunks of entries ordered by key hash (their path in the
   * state tree): up to `limit` entries after the path `after`, stopping at the first one past `until`.
   */
  Type.Object(
    {
      kind: Type.Literal('snapshot-request'),
      height: UintSchema,
      after: Type.Union([Path, Type.Null()]),
      until: Type.Union([Path, Type.Null()]),
      limit: Type.Integer({ minimum: 1, maximum: SNAPSHOT_CHUNK_ENTRIES }),
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
      /**
       * The proofs of both ends (core's `verifyStateRange`): the path `after` and the last entry. The
       * chunk is checked alone against the verified header's state root; whether the state ends here is
       * read from the proof, not taken from the peer.
       */
      proof: Type.Object(
        { left: Type.Union([ProofSchema, Type.Null()]), right: Type.Union([ProofSchema, Type.Null()]) },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
]);
export type SyncWire = Static<typeof SyncWireSchema>;

// A sync answer may carry several full blocks.
export const syncWireCodec = createCodec('SyncWire', SyncWireSchema, { maxBytes: 64 * 1024 * 1024 });
