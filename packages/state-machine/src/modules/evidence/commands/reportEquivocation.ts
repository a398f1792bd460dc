import {
  addressFromPublicKey,
  bytesEqual,
  bytesToHex,
  type CryptoSuite,
  encodeCanonical,
  HanglianError,
  PublicKeySchema,
  sha256,
  voteSignBytes,
} from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { EvidenceErrors } from '../errors.js';
import { type EquivocationRecordedData, EvidenceEvents } from '../events.js';
import type { IdentityForEvidence } from '../expected.js';
import { byOrgStore, equivocationStore, type SignedVoteEvidence, SignedVoteSchema } from '../stores.js';

export const ReportEquivocationParamsSchema = Type.Object(
  { validator: PublicKeySchema, first: SignedVoteSchema, second: SignedVoteSchema },
  { additionalProperties: false },
);
export type ReportEquivocationParams = Static<typeof ReportEquivocationParamsSchema>;

/**
 * Records a proven double vote: two votes signed by one validator key for the same height, round and
 * type, naming different blocks. Anyone who saw both may report them; the proof is the two signatures,
 * checked here against the chain's vote sign bytes, so no one can be accused without having signed.
 * What to do about an offence (suspension, removal from the validator set) is governance's decision.
 */
export class ReportEquivocationCommand implements Command<typeof ReportEquivocationParamsSchema> {
  readonly name = 'reportEquivocation';
  readonly summary = 'Record two conflicting consensus votes signed by one validator.';
  readonly paramsSchema = ReportEquivocationParamsSchema;
  readonly #identity: IdentityForEvidence;
  readonly #suite: CryptoSuite;

  constructor(identity: IdentityForEvidence, suite: CryptoSuite) {
    this.#identity = identity;
    this.#suite = suite;
  }

  execute(ctx: CommandContext<ReportEquivocationParams>): void {
    const { validator, first, second } = ctx.params;
    const sameSlot =
      first.type === second.type && first.height === second.height && first.round === second.round;
    const differ =
      first.blockHash === null || second.blockHash === null
        ? first.blockHash !== second.blockHash
        : !bytesEqual(first.blockHash, second.blockHash);
    if (!sameSlot || !differ) {
      throw new HanglianError(EvidenceErrors.EVIDENCE_NOT_CONFLICTING, 'the votes do not conflict');
    }
    const verify = (vote: SignedVoteEvidence) =>
      this.#suite.verify(
        validator,
        voteSignBytes({
          chainId: ctx.block.chainId,
          type: vote.type,
          height: vote.height,
          round: vote.round,
          blockHash: vote.blockHash,
        }),
        vote.signature,
      );
    if (!verify(first) || !verify(second)) {
      throw new HanglianError(EvidenceErrors.EVIDENCE_BAD_SIGNATURE, 'a vote signature does not verify');
    }
    const org = this.#identity.orgOf(ctx.state, addressFromPublicKey(validator));
    if (org === undefined) {
      throw new HanglianError(
        EvidenceErrors.EVIDENCE_UNKNOWN_VALIDATOR,
        'the signing key belongs to no organisation',
      );
    }
    // The id does not depend on the order in which the two votes are given.
    const pair = [first, second].map((v) => bytesToHex(sha256(encodeCanonical(v)))).sort();
    const id = bytesToHex(sha256(encodeCanonical([bytesToHex(validator), ...pair])));
    if (equivocationStore.has(ctx.state, id)) {
      throw new HanglianError(EvidenceErrors.EVIDENCE_DUPLICATE, 'this equivocation is already recorded');
    }
    equivocationStore.set(ctx.state, id, {
      id,
      validator,
      org,
      height: first.height,
      round: first.round,
      first,
      second,
      recordedAt: ctx.block.height,
      reporter: ctx.tx.submitter,
    });
    byOrgStore.set(ctx.state, `${org}/${id}`, { height: first.height });
    const data: EquivocationRecordedData = {
      id,
      org,
      validator: bytesToHex(validator),
      height: first.height,
      round: first.round,
    };
    ctx.emit(EvidenceEvents.equivocationRecorded, data, [org, bytesToHex(validator)]);
  }
}
