/**
 * Blocks, headers, votes and commits.
 *
 * The header commits to everything a light client needs: the transactions (txRoot), the state after
 * executing them (stateRoot, so a query proof at height h checks against header h), the per-transaction
 * results and events (resultsRoot), and the validator sets. The block carries the commit certificate of
 * the previous block, as in Tendermint; a block's own certificate is stored beside it.
 */
import { type Static, Type } from '@sinclair/typebox';
import { type Address, addressFromPublicKey } from '../crypto/address.js';
import { sha256 } from '../crypto/hash.js';
import type { CryptoSuite, SigningKey } from '../crypto/suite.js';
import { createCodec } from '../encoding/codec.js';
import { bytesEqual, bytesToHex, concatBytes, utf8 } from '../encoding/hex.js';
import {
  AddressSchema,
  ChainIdSchema,
  HashSchema,
  PublicKeySchema,
  SignatureSchema,
  UintSchema,
} from '../schema/common.js';
import { MAX_TX_BYTES } from './transaction.js';

export const BLOCK_HEADER_VERSION = 1;
export const MAX_BLOCK_TXS = 10_000;
export const MAX_BLOCK_BYTES = 16 * 1024 * 1024;
export const MAX_VALIDATORS = 150;

export const BlockHeaderSchema = Type.Object(
  {
    v: Type.Literal(BLOCK_HEADER_VERSION),
    chainId: ChainIdSchema,
    height: UintSchema,
    /** Unix milliseconds chosen by the proposer; strictly increasing. Execution's only clock. */
    time: UintSchema,
    previousBlockHash: HashSchema,
    txRoot: HashSchema,
    txCount: UintSchema,
    stateRoot: HashSchema,
    resultsRoot: HashSchema,
    proposer: AddressSchema,
    validatorSetHash: HashSchema,
    nextValidatorSetHash: HashSchema,
    lastCommitHash: HashSchema,
  },
  { additionalProperties: false },
);
export type BlockHeader = Static<typeof BlockHeaderSchema>;

export const VOTE_PREVOTE = 1;
export const VOTE_PRECOMMIT = 2;

export const VoteSchema = Type.Object(
  {
    chainId: ChainIdSchema,
    type: Type.Union([Type.Literal(VOTE_PREVOTE), Type.Literal(VOTE_PRECOMMIT)]),
    height: UintSchema,
    round: UintSchema,
    /** null is a vote for no block (nil). */
    blockHash: Type.Union([HashSchema, Type.Null()]),
  },
  { additionalProperties: false },
);
export type Vote = Static<typeof VoteSchema>;

export const CommitSignatureSchema = Type.Object(
  { validator: PublicKeySchema, signature: SignatureSchema },
  { additionalProperties: false },
);
export type CommitSignature = Static<typeof CommitSignatureSchema>;

/** Precommit signatures of more than 2/3 of the voting power for one block. */
export const CommitSchema = Type.Object(
  {
    height: UintSchema,
    round: UintSchema,
    blockHash: HashSchema,
    signatures: Type.Array(CommitSignatureSchema, { minItems: 1, maxItems: MAX_VALIDATORS }),
  },
  { additionalProperties: false },
);
export type Commit = Static<typeof CommitSchema>;

export const BlockSchema = Type.Object(
  {
    header: BlockHeaderSchema,
    /** Encoded signed transactions, in execution order. */
    txs: Type.Array(Type.Uint8Array({ maxByteLength: MAX_TX_BYTES }), { maxItems: MAX_BLOCK_TXS }),
    lastCommit: Type.Union([CommitSchema, Type.Null()]),
  },
  { additionalProperties: false },
);
export type Block = Static<typeof BlockSchema>;

export const ValidatorSchema = Type.Object(
  { publicKey: PublicKeySchema, power: Type.Integer({ minimum: 1, maximum: 1_000_000 }), org: Type.String() },
  { additionalProperties: false },
);
export type Validator = Static<typeof ValidatorSchema>;
export const ValidatorSetSchema = Type.Array(ValidatorSchema, { minItems: 1, maxItems: MAX_VALIDATORS });

export const blockHeaderCodec = createCodec('BlockHeader', BlockHeaderSchema, { maxBytes: 4096 });
export const blockCodec = createCodec('Block', BlockSchema, { maxBytes: MAX_BLOCK_BYTES });
export const commitCodec = createCodec('Commit', CommitSchema, { maxBytes: 64 * 1024 });
export const voteCodec = createCodec('Vote', VoteSchema, { maxBytes: 512 });
export const validatorSetCodec = createCodec('ValidatorSet', ValidatorSetSchema, { maxBytes: 64 * 1024 });

export function blockHash(header: BlockHeader): Uint8Array {
  return sha256(blockHeaderCodec.encode(header));
}

export function commitHash(commit: Commit | null): Uint8Array {
  return commit === null ? new Uint8Array(32) : sha256(commitCodec.encode(commit));
}

export function validatorSetHash(validators: readonly Validator[]): Uint8Array {
  return sha256(validatorSetCodec.encode([...validators]));
}

export function proposerAddress(publicKey: Uint8Array): Address {
  return addressFromPublicKey(publicKey);
}

const VOTE_SIGN_DOMAIN = utf8('hanglian/vote/v1\n');

export function voteSignBytes(vote: Vote): Uint8Array {
  return concatBytes(VOTE_SIGN_DOMAIN, voteCodec.encode(vote));
}

export function signVote(vote: Vote, key: SigningKey): Uint8Array {
  return key.sign(voteSignBytes(vote));
}

export interface CommitCheck {
  readonly ok: boolean;
  readonly signedPower: number;
  readonly totalPower: number;
  readonly reason?: string;
}

/**
 * Checks a commit certificate against a validator set: distinct known validators, valid precommit
 * signatures for exactly this block, and more than 2/3 of the total voting power.
 */
export function verifyCommit(
  commit: Commit,
  chainId: string,
  expectedBlockHash: Uint8Array,
  validators: readonly Validator[],
  suite: CryptoSuite,
): CommitCheck {
  const totalPower = validators.reduce((n, v) => n + v.power, 0);
  const fail = (reason: string, signedPower = 0): CommitCheck => ({
    ok: false,
    signedPower,
    totalPower,
    reason,
  });
  if (!bytesEqual(commit.blockHash, expectedBlockHash)) return fail('commit is for another block');
  const byKey = new Map(validators.map((v) => [bytesToHex(v.publicKey), v]));
  const seen = new Set<string>();
  const message = voteSignBytes({
    chainId,
    type: VOTE_PRECOMMIT,
    height: commit.height,
    round: commit.round,
    blockHash: commit.blockHash,
  });
  let signedPower = 0;
  for (const sig of commit.signatures) {
    const id = bytesToHex(sig.validator);
    const validator = byKey.get(id);
    if (validator === undefined) return fail('signature by a non-validator', signedPower);
    if (seen.has(id)) return fail('duplicate signature', signedPower);
    seen.add(id);
    if (!suite.verify(sig.validator, message, sig.signature)) return fail('invalid signature', signedPower);
    signedPower += validator.power;
  }
  if (signedPower * 3 <= totalPower * 2) return fail('less than 2/3 of the voting power signed', signedPower);
  return { ok: true, signedPower, totalPower };
}

/** What a proposer signs: the block it proposes at (height, round), and the round of its proof of lock. */
export const ProposalSignSchema = Type.Object(
  {
    chainId: ChainIdSchema,
    height: UintSchema,
    round: UintSchema,
    blockHash: HashSchema,
    /** -1 when the proposer has no proof-of-lock round. */
    polRound: Type.Integer({ minimum: -1, maximum: Number.MAX_SAFE_INTEGER }),
  },
  { additionalProperties: false },
);
export type ProposalSign = Static<typeof ProposalSignSchema>;
export const proposalSignCodec = createCodec('ProposalSign', ProposalSignSchema, { maxBytes: 512 });

const PROPOSAL_SIGN_DOMAIN = utf8('hanglian/proposal/v1\n');

export function proposalSignBytes(proposal: ProposalSign): Uint8Array {
  return concatBytes(PROPOSAL_SIGN_DOMAIN, proposalSignCodec.encode(proposal));
}
