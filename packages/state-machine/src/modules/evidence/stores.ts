import {
  createCodec,
  HashSchema,
  IdentifierSchema,
  PublicKeySchema,
  SignatureSchema,
  UintSchema,
} from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { Store } from '../../framework/store.js';

export const EVIDENCE_MODULE = 'evidence';

/** One signed consensus vote, as it travels in evidence. */
export const SignedVoteSchema = Type.Object(
  {
    type: Type.Union([Type.Literal(1), Type.Literal(2)]),
    height: UintSchema,
    round: UintSchema,
    blockHash: Type.Union([HashSchema, Type.Null()]),
    signature: SignatureSchema,
  },
  { additionalProperties: false },
);
export type SignedVoteEvidence = Static<typeof SignedVoteSchema>;

export const EquivocationRecordSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    validator: PublicKeySchema,
    org: IdentifierSchema,
    height: UintSchema,
    round: UintSchema,
    first: SignedVoteSchema,
    second: SignedVoteSchema,
    /** Height of the block that recorded it, and who reported it. */
    recordedAt: UintSchema,
    reporter: Type.String(),
  },
  { additionalProperties: false },
);
export type EquivocationRecord = Static<typeof EquivocationRecordSchema>;

/** `evidence/equivocations/<id>`: every proven double vote, by the hash of the vote pair. */
export const equivocationStore = new Store(
  EVIDENCE_MODULE,
  'equivocations',
  createCodec('EquivocationRecord', EquivocationRecordSchema, { maxBytes: 2048 }),
);

/** `evidence/byOrg/<org>/<id>`: index of an organisation's offences, for the regulator's view. */
export const byOrgStore = new Store(
  EVIDENCE_MODULE,
  'byOrg',
  createCodec('EvidenceIndex', Type.Object({ height: UintSchema }, { additionalProperties: false }), {
    maxBytes: 64,
  }),
);
