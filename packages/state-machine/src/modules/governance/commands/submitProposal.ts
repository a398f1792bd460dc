import { HanglianError, TextSchema, textProblem } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { ExecutionErrors } from '../../../framework/errors.js';
import type { Command, CommandContext } from '../../../framework/module.js';
import { StateOverlay } from '../../../framework/state.js';
import { GovernanceErrors } from '../errors.js';
import { GovernanceEvents, type ProposalSubmittedData, type VoteCastData } from '../events.js';
import type { IdentityForGovernance } from '../expected.js';
import type { GovernanceMethod } from '../method.js';
import type { ProposalLifecycle } from '../proposals.js';
import {
  counterStore,
  openProposalStore,
  type Proposal,
  ProposalActionSchema,
  proposalKeyId,
  proposalStore,
} from '../stores.js';

export const SubmitProposalParamsSchema = Type.Object(
  { title: TextSchema({ maxChars: 200 }), action: ProposalActionSchema },
  { additionalProperties: false },
);
export type SubmitProposalParams = Static<typeof SubmitProposalParamsSchema>;

/**
 * An admin of an active organisation proposes an action; its organisation's yes vote is counted at once
 * (proposing is voting for). The action is tried against a throw-away layer first, so a proposal that
 * could not apply today (an unknown organisation, the last validator) fails now with the action's own
 * error code instead of wasting a vote.
 */
export class SubmitProposalCommand implements Command<typeof SubmitProposalParamsSchema> {
  readonly name = 'submitProposal';
  readonly summary = 'Propose a governance action; the proposer’s organisation votes yes.';
  readonly paramsSchema = SubmitProposalParamsSchema;
  readonly #identity: IdentityForGovernance;
  readonly #governance: GovernanceMethod;
  readonly #lifecycle: ProposalLifecycle;

  constructor(identity: IdentityForGovernance, governance: GovernanceMethod, lifecycle: ProposalLifecycle) {
    this.#identity = identity;
    this.#governance = governance;
    this.#lifecycle = lifecycle;
  }

  execute(ctx: CommandContext<SubmitProposalParams>): void {
    const proposer = this.#identity.requirePermission(ctx.state, ctx.tx.submitter, 'admin');
    // An organisation's name is free text (the text rule, core schema/text.ts); the action's schema is
    // also the stored proposal's, which may hold names accepted before the rule, so it is checked here.
    if (ctx.params.action.type === 'admitOrganisation') {
      const problem = textProblem(ctx.params.action.name, { maxChars: 128, maxBytes: 384 });
      if (problem !== undefined) {
        throw new HanglianError(ExecutionErrors.TX_TEXT_INVALID, `organisation name: ${problem}`);
      }
    }
    const params = this.#governance.parameters(ctx.state);
    const open = [...openProposalStore.entries(ctx.state)].length;
    if (open >= params.maxOpenProposals) {
      throw new HanglianError(
        GovernanceErrors.GOV_TOO_MANY_OPEN_PROPOSALS,
        `${open} proposals are open (limit ${params.maxOpenProposals})`,
      );
    }
    this.#lifecycle.applyAction(new StateOverlay(ctx.state), ctx.params.action, ctx.block.height);

    const id = counterStore.get(ctx.state, 'proposal')?.next ?? 1;
    counterStore.set(ctx.state, 'proposal', { next: id + 1 });
    const proposal: Proposal = {
      id,
      title: ctx.params.title,
      action: ctx.params.action,
      proposer: ctx.tx.submitter,
      proposerOrg: proposer.org,
      createdAt: ctx.block.height,
      votingEndsAt: ctx.block.height + params.votingPeriodBlocks,
      yes: [proposer.org],
      no: [],
      status: 'open',
    };
    proposalStore.set(ctx.state, proposalKeyId(id), proposal);
    openProposalStore.set(ctx.state, proposalKeyId(id), {});
    const submitted: ProposalSubmittedData = {
      id,
      proposer: ctx.tx.submitter,
      org: proposer.org,
      action: proposal.action,
      votingEndsAt: proposal.votingEndsAt,
    };
    ctx.emit(GovernanceEvents.proposalSubmitted, submitted, [String(id), proposer.org]);
    const vote: VoteCastData = { id, org: proposer.org, voter: ctx.tx.submitter, vote: 'yes' };
    ctx.emit(GovernanceEvents.voteCast, vote, [String(id), proposer.org]);
    this.#lifecycle.settle(ctx.state, proposal, ctx.block.height, ctx.emit);
  }
}
