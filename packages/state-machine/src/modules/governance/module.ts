import { addressFromPublicKey, HanglianError, hexToBytes, IdentifierSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { ExecutionErrors } from '../../framework/errors.js';
import {
  type BlockHookContext,
  type Command,
  type GenesisContext,
  type Module,
  type Query,
  queryList,
  type StoreDescription,
} from '../../framework/module.js';
import { HexPublicKeySchema } from '../identity/module.js';
import { RotateNodeKeyCommand } from './commands/rotateNodeKey.js';
import { SubmitProposalCommand } from './commands/submitProposal.js';
import { VoteCommand } from './commands/vote.js';
import { GovernanceEvents, type ValidatorSetScheduledData } from './events.js';
import type { IdentityForGovernance } from './expected.js';
import { GovernanceMethod } from './method.js';
import { checkParameters, ProposalLifecycle } from './proposals.js';
import { createGovernanceQueries } from './queries.js';
import {
  DEFAULT_GOVERNANCE_PARAMETERS,
  GOVERNANCE_MODULE,
  GovernanceParametersSchema,
  MAX_VALIDATOR_POWER,
  MAX_VALIDATORS,
  openProposalStore,
  parametersStore,
  proposalStore,
  type Validator,
  validatorSetStore,
} from './stores.js';
import { advanceValidatorSets } from './validators.js';

export const GovernanceGenesisSchema = Type.Object(
  {
    parameters: Type.Optional(Type.Partial(GovernanceParametersSchema, { additionalProperties: false })),
    validators: Type.Array(
      Type.Object(
        {
          publicKey: HexPublicKeySchema,
          power: Type.Integer({ minimum: 1, maximum: MAX_VALIDATOR_POWER }),
          org: IdentifierSchema,
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_VALIDATORS },
    ),
  },
  { additionalProperties: false },
);
export type GovernanceGenesis = Static<typeof GovernanceGenesisSchema>;

/**
 * Consortium governance: proposals voted by member organisations (admission, suspension, roles, root-key
 * replacement, validators, parameters), and the validator set with its two-block activation delay.
 */
export class GovernanceModule implements Module {
  readonly name = GOVERNANCE_MODULE;
  readonly method = new GovernanceMethod();
  readonly commands: readonly Command<any>[];
  readonly queries: readonly Query<any, any>[] = queryList(createGovernanceQueries(this.method));
  readonly stores: readonly StoreDescription[] = [
    {
      name: 'params',
      access: 'public',
      keyLayout: 'governance/params/current',
      summary: 'Governance parameters.',
    },
    {
      name: 'counters',
      access: 'public',
      keyLayout: 'governance/counters/proposal',
      summary: 'The next proposal id.',
    },
    {
      name: 'proposals',
      access: 'public',
      keyLayout: 'governance/proposals/<id:12 digits>',
      summary: 'Every proposal.',
    },
    {
      name: 'open',
      access: 'public',
      keyLayout: 'governance/open/<id:12 digits>',
      summary: 'Index of open proposals.',
    },
    {
      name: 'validators',
      access: 'public',
      keyLayout: 'governance/validators/{current|next}',
      summary: 'The set that signs the next block, and the one after.',
    },
    {
      name: 'validatorChanges',
      access: 'public',
      keyLayout: 'governance/validatorChanges/pending',
      summary: 'Approved validator changes applied to `next` at the end of the block.',
    },
    {
      name: 'upgrade',
      access: 'public',
      keyLayout: 'governance/upgrade/plan',
      summary: 'The latest software upgrade approved: every node stops before its height without it.',
    },
  ];
  readonly genesisSchema = GovernanceGenesisSchema;
  readonly #identity: IdentityForGovernance;
  readonly #lifecycle: ProposalLifecycle;

  constructor(identity: IdentityForGovernance) {
    this.#identity = identity;
    this.#lifecycle = new ProposalLifecycle(identity, this.method);
    this.commands = [
      new SubmitProposalCommand(identity, this.method, this.#lifecycle),
      new VoteCommand(identity, this.#lifecycle),
      new RotateNodeKeyCommand(identity),
    ];
  }

  initGenesis(ctx: GenesisContext, genesis: unknown): void {
    const section = genesis as GovernanceGenesis;
    try {
      const parameters = { ...DEFAULT_GOVERNANCE_PARAMETERS, ...section.parameters };
      checkParameters(parameters);
      parametersStore.set(ctx.state, 'current', parameters);
      const validators: Validator[] = [];
      for (const v of section.validators) {
        const publicKey = hexToBytes(v.publicKey);
        const address = addressFromPublicKey(publicKey);
        if (this.#identity.getOrganisation(ctx.state, v.org)?.status !== 'active') {
          throw new Error(`validator ${address} names unknown organisation ${v.org}`);
        }
        if (validators.some((x) => x.address === address))
          throw new Error(`validator ${address} listed twice`);
        validators.push({ address, publicKey, power: v.power, org: v.org });
      }
      validators.sort((a, b) => (a.address < b.address ? -1 : 1));
      validatorSetStore.set(ctx.state, 'current', { validators });
      validatorSetStore.set(ctx.state, 'next', { validators });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new HanglianError(ExecutionErrors.GENESIS_INVALID, `genesis of governance: ${message}`, {
        cause: error,
      });
    }
  }

  /**
   * End of block: re-tally every open proposal (an organisation admitted or suspended in this block
   * changes the electorate), expire those whose voting period ended, then advance the validator sets.
   * Validator sets move last so that a change approved by this very hook is queued before they move.
   */
  afterTransactions(ctx: BlockHookContext): void {
    const openIds = [...openProposalStore.entries(ctx.state)].map(([id]) => id);
    for (const id of openIds) {
      const proposal = proposalStore.get(ctx.state, id);
      if (proposal === undefined) continue;
      this.#lifecycle.settle(
        ctx.state,
        proposal,
        ctx.block.height,
        ctx.emit,
        ctx.block.height >= proposal.votingEndsAt,
      );
    }
    const scheduled = advanceValidatorSets(ctx.state);
    if (scheduled !== undefined) {
      const data: ValidatorSetScheduledData = { activatesAt: ctx.block.height + 2, validators: scheduled };
      ctx.emit(GovernanceEvents.validatorSetScheduled, data);
    }
  }
}
