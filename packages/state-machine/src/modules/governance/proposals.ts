/**
 * The life of a proposal: submitted by an admin of an active organisation, voted on by one admin per
 * active organisation, closed as soon as the outcome is certain (approved, or rejected because it can no
 * longer pass), or expired at the end of its voting period. An approved action is applied in its own
 * state layer: if it no longer applies (say, the organisation id was taken meanwhile), the proposal closes
 * as `failed` with the reason, and nothing of the action is written.
 */
import { addressFromPublicKey, HanglianError } from '@hanglian/core';
import { StateOverlay, type StateWriter } from '../../framework/state.js';
import { IdentityErrors } from '../identity/errors.js';
import { setInsightsParameters } from '../insights/method.js';
import { admitLightClient } from '../lightclients/admission.js';
import { setOrdersParameters } from '../orders/method.js';
import { registerStandard, setRegistryParameters } from '../registry/standards.js';
import { GovernanceErrors } from './errors.js';
import { GovernanceEvents, type ProposalClosedData } from './events.js';
import type { IdentityForGovernance } from './expected.js';
import type { GovernanceMethod } from './method.js';
import {
  type GovernanceParameters,
  openProposalStore,
  type Proposal,
  type ProposalAction,
  parametersStore,
  proposalKeyId,
  proposalStore,
  upgradePlanStore,
} from './stores.js';
import { applyValidatorChange, projectedValidators, queueValidatorChange } from './validators.js';

type Emit = (name: string, data: unknown, topics?: readonly string[]) => void;

export interface Tally {
  readonly yes: number;
  readonly no: number;
  readonly electorate: number;
  readonly outcome: 'approved' | 'rejected' | 'undecided';
}

export class ProposalLifecycle {
  readonly #identity: IdentityForGovernance;
  readonly #governance: GovernanceMethod;

  constructor(identity: IdentityForGovernance, governance: GovernanceMethod) {
    this.#identity = identity;
    this.#governance = governance;
  }

  /** Counts the votes of organisations that are active now; a suspended organisation's vote lapses. */
  tally(state: StateWriter, proposal: Proposal): Tally {
    const active = new Set(this.#identity.activeOrganisationIds(state));
    const yes = proposal.yes.filter((o) => active.has(o)).length;
    const no = proposal.no.filter((o) => active.has(o)).length;
    const undecided = active.size - yes - no;
    const { thresholdNumerator: num, thresholdDenominator: den } = this.#governance.parameters(state);
    // Integer arithmetic: yes / electorate > num / den  <=>  yes * den > num * electorate.
    const passes = (votes: number) => votes * den > num * active.size;
    const outcome = passes(yes) ? 'approved' : passes(yes + undecided) ? 'undecided' : 'rejected';
    return { yes, no, electorate: active.size, outcome };
  }

  /** Closes the proposal if its outcome is certain (or, with `expire`, in any case). */
  settle(state: StateWriter, proposal: Proposal, height: number, emit: Emit, expire = false): Proposal {
    const tally = this.tally(state, proposal);
    if (tally.outcome === 'undecided' && !expire) return proposal;
    let closed: Proposal;
    if (tally.outcome === 'approved') {
      const layer = new StateOverlay(state);
      try {
        this.applyAction(layer, proposal.action, height);
        layer.commitTo(state);
        closed = { ...proposal, status: 'approved', closedAt: height };
      } catch (error) {
        if (!(error instanceof HanglianError)) throw error;
        closed = {
          ...proposal,
          status: 'failed',
          closedAt: height,
          failure: { code: error.code, message: error.message },
        };
      }
    } else {
      closed = {
        ...proposal,
        status: tally.outcome === 'rejected' ? 'rejected' : 'expired',
        closedAt: height,
      };
    }
    proposalStore.set(state, proposalKeyId(closed.id), closed);
    openProposalStore.delete(state, proposalKeyId(closed.id));
    const data: ProposalClosedData = {
      id: closed.id,
      status: closed.status as ProposalClosedData['status'],
      action: closed.action,
      yes: tally.yes,
      no: tally.no,
      electorate: tally.electorate,
    };
    if (closed.failure !== undefined) data.failure = closed.failure;
    emit(GovernanceEvents.proposalClosed, data, [String(closed.id), closed.status]);
    return closed;
  }

  /** Applies an action to `state`. Throws a HanglianError when it does not apply. */
  applyAction(state: StateWriter, action: ProposalAction, height: number): void {
    switch (action.type) {
      case 'admitOrganisation':
        this.#identity.admitOrganisation(state, action, height);
        return;
      case 'suspendOrganisation': {
        const active = this.#identity.activeOrganisationIds(state);
        if (active.length === 1 && active[0] === action.org) {
          throw new HanglianError(
            GovernanceErrors.GOV_LAST_ACTIVE_ORGANISATION,
            `suspending ${action.org} would leave no active organisation`,
          );
        }
        this.#identity.setOrganisationStatus(state, action.org, 'suspended');
        return;
      }
      case 'expelOrganisation': {
        const active = this.#identity.activeOrganisationIds(state);
        if (active.length === 1 && active[0] === action.org) {
          throw new HanglianError(
            GovernanceErrors.GOV_LAST_ACTIVE_ORGANISATION,
            `expelling ${action.org} would leave no active organisation`,
          );
        }
        // Its validators leave the set with it (two blocks later, as any removal). Every removal is
        // checked before anything is written: expelling the last validators fails as a whole.
        const theirs = projectedValidators(state).filter((v) => v.org === action.org);
        let projected = projectedValidators(state);
        for (const v of theirs)
          projected = applyValidatorChange(projected, { publicKey: v.publicKey, power: 0, org: v.org });
        this.#identity.setOrganisationStatus(state, action.org, 'expelled');
        for (const v of theirs) queueValidatorChange(state, { publicKey: v.publicKey, power: 0, org: v.org });
        return;
      }
      case 'reinstateOrganisation':
        this.#identity.setOrganisationStatus(state, action.org, 'active');
        return;
      case 'setOrganisationRoles':
        this.#identity.setOrganisationRoles(state, action.org, action.roles);
        return;
      case 'replaceRootKey':
        this.#identity.replaceRootKey(state, action.org, action.rootPublicKey, height);
        return;
      case 'setValidator': {
        const org = this.#identity.getOrganisation(state, action.org);
        if (org === undefined) {
          throw new HanglianError(IdentityErrors.ORG_NOT_FOUND, `no organisation ${action.org}`);
        }
        // Removing the validator of a suspended organisation must stay possible; adding one must not.
        if (org.status !== 'active' && action.power > 0) {
          throw new HanglianError(IdentityErrors.ORG_NOT_ACTIVE, `organisation ${action.org} is suspended`, {
            details: { validator: addressFromPublicKey(action.publicKey) },
          });
        }
        // A key rotated away (or revoked) stays out: a proposal made before the rotation must not bring the
        // old, perhaps compromised, key back into the set.
        const keyIdentity = this.#identity.getIdentity(state, addressFromPublicKey(action.publicKey));
        if (action.power > 0 && keyIdentity !== undefined && keyIdentity.status !== 'active') {
          throw new HanglianError(
            GovernanceErrors.GOV_VALIDATOR_KEY_REVOKED,
            `${keyIdentity.address} is a revoked identity${keyIdentity.rotatedTo === undefined ? '' : ` (rotated to ${keyIdentity.rotatedTo})`}`,
            { details: { address: keyIdentity.address } },
          );
        }
        queueValidatorChange(state, { publicKey: action.publicKey, power: action.power, org: action.org });
        return;
      }
      case 'setParameters': {
        const { type: _type, ...changes } = action;
        const merged: GovernanceParameters = { ...this.#governance.parameters(state), ...changes };
        checkParameters(merged);
        parametersStore.set(state, 'current', merged);
        return;
      }
      // The registry's state is written by the registry's own functions: governance only decides.
      case 'registerStandard':
        registerStandard(state, action.standard, height);
        return;
      case 'setRegistryParameters': {
        const { type: _type, ...changes } = action;
        setRegistryParameters(state, changes);
        return;
      }
      case 'setInsightsParameters':
        setInsightsParameters(state, { minGroupSize: action.minGroupSize });
        return;
      case 'setOrdersParameters': {
        const { type: _type, ...changes } = action;
        setOrdersParameters(state, changes);
        return;
      }
      case 'scheduleUpgrade': {
        // Nodes learn of the plan when the block that approves it commits; they stop before `height`.
        if (action.height <= height) {
          throw new HanglianError(
            GovernanceErrors.GOV_UPGRADE_HEIGHT_PASSED,
            `upgrade height ${action.height} is not after block ${height}`,
          );
        }
        upgradePlanStore.set(state, 'plan', {
          name: action.name,
          height: action.height,
          ...(action.info === undefined ? {} : { info: action.info }),
          scheduledAt: height,
        });
        return;
      }
      case 'cancelUpgrade': {
        const plan = upgradePlanStore.get(state, 'plan');
        if (plan === undefined || plan.height <= height) {
          throw new HanglianError(GovernanceErrors.GOV_NO_UPGRADE_SCHEDULED, 'no upgrade is scheduled ahead');
        }
        upgradePlanStore.delete(state, 'plan');
        return;
      }
      case 'admitLightClient': {
        const { type: _type, ...fields } = action;
        admitLightClient(state, fields, height);
        return;
      }
    }
  }
}

/** A threshold below one half would let two disjoint minorities both pass; 1 or more could never pass. */
export function checkParameters(params: GovernanceParameters): void {
  const { thresholdNumerator: num, thresholdDenominator: den } = params;
  if (2 * num < den || num >= den) {
    throw new HanglianError(
      GovernanceErrors.GOV_BAD_PARAMETERS,
      `threshold ${num}/${den} must be at least 1/2 and below 1`,
    );
  }
}
