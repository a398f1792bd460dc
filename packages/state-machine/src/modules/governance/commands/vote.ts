import { HanglianError, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { GovernanceErrors } from '../errors.js';
import { GovernanceEvents, type VoteCastData } from '../events.js';
import type { IdentityForGovernance } from '../expected.js';
import type { ProposalLifecycle } from '../proposals.js';
import { type Proposal, proposalKeyId, proposalStore } from '../stores.js';

export const VoteParamsSchema = Type.Object(
  { proposalId: UintSchema, vote: Type.Union([Type.Literal('yes'), Type.Literal('no')]) },
  { additionalProperties: false },
);
export type VoteParams = Static<typeof VoteParamsSchema>;

/** An admin of an active organisation casts that organisation's one vote; it cannot be changed. */
export class VoteCommand implements Command<typeof VoteParamsSchema> {
  readonly name = 'vote';
  readonly summary = 'Cast the signer’s organisation’s vote on an open proposal.';
  readonly paramsSchema = VoteParamsSchema;
  readonly #identity: IdentityForGovernance;
  readonly #lifecycle: ProposalLifecycle;

  constructor(identity: IdentityForGovernance, lifecycle: ProposalLifecycle) {
    this.#identity = identity;
    this.#lifecycle = lifecycle;
  }

  execute(ctx: CommandContext<VoteParams>): void {
    const voter = this.#identity.requirePermission(ctx.state, ctx.tx.submitter, 'admin');
    const { proposalId, vote } = ctx.params;
    const proposal = proposalStore.get(ctx.state, proposalKeyId(proposalId));
    if (proposal === undefined) {
      throw new HanglianError(GovernanceErrors.GOV_PROPOSAL_NOT_FOUND, `no proposal ${proposalId}`);
    }
    // A proposal past its last voting height is closed even before the end-of-block hook marks it expired.
    if (proposal.status !== 'open' || ctx.block.height > proposal.votingEndsAt) {
      throw new HanglianError(
        GovernanceErrors.GOV_PROPOSAL_CLOSED,
        `proposal ${proposalId} is ${proposal.status}`,
        {
          details: { status: proposal.status },
        },
      );
    }
    if (proposal.yes.includes(voter.org) || proposal.no.includes(voter.org)) {
      throw new HanglianError(
        GovernanceErrors.GOV_ALREADY_VOTED,
        `${voter.org} already voted on proposal ${proposalId}`,
      );
    }
    const updated: Proposal =
      vote === 'yes'
        ? { ...proposal, yes: [...proposal.yes, voter.org] }
        : { ...proposal, no: [...proposal.no, voter.org] };
    proposalStore.set(ctx.state, proposalKeyId(proposalId), updated);
    const data: VoteCastData = { id: proposalId, org: voter.org, voter: ctx.tx.submitter, vote };
    ctx.emit(GovernanceEvents.voteCast, data, [String(proposalId), voter.org]);
    this.#lifecycle.settle(ctx.state, updated, ctx.block.height, ctx.emit);
  }
}
