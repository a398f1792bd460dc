/**
 * Transactions. A transaction is two byte strings, like Cosmos' TxRaw: the canonical encoding of its body,
 * and the signatures over that encoding. Keeping the body as bytes means its id and sign bytes are computed
 * without re-encoding, and a verifier never has to trust an encoder to reproduce what was signed.
 *
 * Signers: the submitter (a member identity: a node, a service or a person certified by an organisation)
 * always signs first; optional actors (e.g. a consumer's one-time order key) sign after it, in body order.
 */
import { type Static, Type } from '@sinclair/typebox';
import { type Address, addressFromPublicKey } from '../crypto/address.js';
import { sha256 } from '../crypto/hash.js';
import type { CryptoSuite, SigningKey } from '../crypto/suite.js';
import { createCodec } from '../encoding/codec.js';
import { concatBytes, utf8 } from '../encoding/hex.js';
import { CoreErrors } from '../errors/codes.js';
import { HanglianError } from '../errors/hanglianError.js';
import {
  CanonicalValueSchema,
  ChainIdSchema,
  NameSchema,
  PublicKeySchema,
  SignatureSchema,
  UintSchema,
} from '../schema/common.js';

/** Largest encoded transaction (body and signatures). Bulk work such as minting uses ranges, not lists. */
export const MAX_TX_BYTES = 64 * 1024;
export const MAX_TX_ACTORS = 4;
export const TX_BODY_VERSION = 1;

export const TxBodySchema = Type.Object(
  {
    v: Type.Literal(TX_BODY_VERSION),
    chainId: ChainIdSchema,
    module: NameSchema,
    command: NameSchema,
    params: CanonicalValueSchema,
    /** Public key of the member identity that submits and answers for the transaction. */
    submitter: PublicKeySchema,
    /** The submitter's sequence number: must equal the next expected one, which blocks replays. */
    nonce: UintSchema,
    /** Last height at which the transaction may be included. */
    expiresAt: UintSchema,
    /** Public keys of further signers, each of whom must sign the body too. */
    actors: Type.Array(PublicKeySchema, { maxItems: MAX_TX_ACTORS }),
    memo: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);
export type TxBody = Static<typeof TxBodySchema>;

export const SignedTxSchema = Type.Object(
  {
    body: Type.Uint8Array({ maxByteLength: MAX_TX_BYTES }),
    signatures: Type.Array(SignatureSchema, { minItems: 1, maxItems: 1 + MAX_TX_ACTORS }),
  },
  { additionalProperties: false },
);
export type SignedTx = Static<typeof SignedTxSchema>;

export const txBodyCodec = createCodec('TxBody', TxBodySchema, { maxBytes: MAX_TX_BYTES });
export const signedTxCodec = createCodec('SignedTx', SignedTxSchema, { maxBytes: MAX_TX_BYTES });

// Domain separation: a transaction signature can never be replayed as a vote or any other message.
const TX_SIGN_DOMAIN = utf8('hanglian/tx/v1\n');

export function txSignBytes(bodyBytes: Uint8Array): Uint8Array {
  return concatBytes(TX_SIGN_DOMAIN, bodyBytes);
}

/** A transaction's id: SHA-256 of its body bytes. Independent of signatures, so it cannot be malleated. */
export function txIdOf(bodyBytes: Uint8Array): Uint8Array {
  return sha256(bodyBytes);
}

/** A transaction after decoding: bytes, id, body and the addresses of its signers. */
export interface DecodedTx {
  readonly bytes: Uint8Array;
  readonly id: Uint8Array;
  readonly signed: SignedTx;
  readonly body: TxBody;
  readonly submitter: Address;
  readonly actors: readonly Address[];
}

/** Builds and signs a transaction: the submitter's key first, then one per actor in `body.actors` order. */
export function signTx(
  body: TxBody,
  submitterKey: SigningKey,
  actorKeys: readonly SigningKey[] = [],
): Uint8Array {
  const bodyBytes = txBodyCodec.encode(body);
  const message = txSignBytes(bodyBytes);
  const signatures = [submitterKey.sign(message), ...actorKeys.map((k) => k.sign(message))];
  return signedTxCodec.encode({ body: bodyBytes, signatures });
}

/** Decodes a transaction's bytes with every structural check (but not signatures: see `verifyTxSignatures`). */
export function decodeTx(bytes: Uint8Array, expectedChainId?: string): DecodedTx {
  const signed = signedTxCodec.decode(bytes);
  const body = txBodyCodec.decode(signed.body);
  if (expectedChainId !== undefined && body.chainId !== expectedChainId) {
    throw new HanglianError(CoreErrors.TX_WRONG_CHAIN, `transaction is for chain ${body.chainId}`, {
      details: { expected: expectedChainId, got: body.chainId },
    });
  }
  if (signed.signatures.length !== 1 + body.actors.length) {
    throw new HanglianError(
      CoreErrors.TX_SIGNATURE_COUNT,
      `expected ${1 + body.actors.length} signatures, got ${signed.signatures.length}`,
    );
  }
  return {
    bytes,
    id: txIdOf(signed.body),
    signed,
    body,
    submitter: addressFromPublicKey(body.submitter),
    actors: body.actors.map(addressFromPublicKey),
  };
}

/** Checks every signature of a decoded transaction; throws TX_BAD_SIGNATURE naming the first bad signer. */
export function verifyTxSignatures(tx: DecodedTx, suite: CryptoSuite): void {
  const message = txSignBytes(tx.signed.body);
  const keys = [tx.body.submitter, ...tx.body.actors];
  keys.forEach((key, i) => {
    const signature = tx.signed.signatures[i];
    if (signature === undefined || !suite.verify(key, message, signature)) {
      throw new HanglianError(
        CoreErrors.TX_BAD_SIGNATURE,
        i === 0 ? 'the submitter signature does not verify' : `the signature of actor ${i} does not verify`,
        { details: { signer: addressFromPublicKey(key) } },
      );
    }
  });
}
