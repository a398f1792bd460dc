/** Builders for the governance module's commands (packages/state-machine/src/modules/governance/README.md). */
import type { Validator } from '@hanglian/core';
import { definedOnly, type TxCall } from './call.js';

type Role = string;

/** What an approved proposal does. */
export type ProposalAction =
  | { type: 'admitOrganisation'; id: string; name: string; roles: Role[]; rootPublicKey: Uint8Array }
  | { type: 'suspendOrganisation'; org: string }
  | { type: 'reinstateOrganisation'; org: string }
  /** Final: refused like a suspension, its validators removed, never reinstated or readmitted by id. */
  | { type: 'expelOrganisation'; org: string }
  | { type: 'setOrganisationRoles'; org: string; roles: Role[] }
  | { type: 'replaceRootKey'; org: string; rootPublicKey: Uint8Array }
  /** Power 0 removes the validator. */
  | { type: 'setValidator'; publicKey: Uint8Array; power: number; org: string }
  | {
      type: 'setParameters';
      votingPeriodBlocks?: number;
      thresholdNumerator?: number;
      thresholdDenominator?: number;
      maxOpenProposals?: number;
    }
  /** The smallest group insights answers release (2..1,000); months closed later use it. */
  | { type: 'setInsightsParameters'; minGroupSize: number }
  /**
   * The orders module's parameters, each within its bounds (orders README, "Deadlines"): deadline windows
   * in ms (payment 1 min…90 days; shipping, delivery grace, confirmation, return 1 h…90 days; arbitration
   * 1 h…180 days), the platform fee, the per-block limits. Orders already created keep their windows.
   */
  | {
      type: 'setOrdersParameters';
      platformFeeBps?: number;
      paymentWindowMs?: number;
      shippingWindowMs?: number;
      deliveryGraceMs?: number;
      confirmationWindowMs?: number;
      returnWindowMs?: number;
      arbitrationWindowMs?: number;
      maxAvailableOffered?: number;
      maxDeadlinesPerBlock?: number;
    }
  /**
   * Admits a light client of another chain (lightclients README): trusted from block `height` (0: its
   * genesis, with its genesis time and hash) and the validators that sign `height + 1`.
   */
  | {
      type: 'admitLightClient';
      chainId: string;
      trustingPeriodMs: number;
      height: number;
      time: number;
      blockHash?: Uint8Array;
      stateRoot?: Uint8Array;
      validators: Validator[];
    }
  /**
   * A software upgrade: every node stops before executing block `height` unless its software carries
   * the upgrade `name`; `info` (≤ 200 characters) says where to get that software.
   */
  | { type: 'scheduleUpgrade'; name: string; height: number; info?: string }
  /** Withdraws the scheduled upgrade before its height. */
  | { type: 'cancelUpgrade' };

export interface SubmitProposalParams {
  /** At most 200 characters. */
  title: string;
  action: ProposalAction;
}
export interface VoteParams {
  proposalId: number;
  vote: 'yes' | 'no';
}
export interface RotateNodeKeyParams {
  /** The node key replaced (it need not sign: it may be lost). */
  from: Uint8Array;
  /** The new node key: it must co-sign the transaction as an actor. */
  to: Uint8Array;
}

const call = <P extends object>(command: string, params: P): TxCall<P> => ({
  module: 'governance',
  command,
  params,
});

export const governance = {
  /**
   * An organisation's admin proposes a change to the consortium.
   *
   * @example
   * ```ts
   * governance.submitProposal({
   *   title: 'Admit Harbour Books',
   *   action: { type: 'admitOrganisation', id: 'harbour', name: 'Harbour Books', roles: ['merchant'], rootPublicKey },
   * });
   * ```
   */
  submitProposal: (params: SubmitProposalParams): TxCall<SubmitProposalParams> =>
    call('submitProposal', { title: params.title, action: definedOnly(params.action) }),
  /**
   * An organisation's admin votes on an open proposal.
   *
   * @example
   * ```ts
   * governance.vote({ proposalId: 3, vote: 'yes' });
   * ```
   */
  vote: (params: VoteParams): TxCall<VoteParams> => call('vote', params),
  /**
   * The organisation's root key moves its node (and its validator, if it is one) to a new key, which
   * co-signs as an actor. No vote: the old key is refused from this block, the new one validates from h+2.
   *
   * @example
   * ```ts
   * await signAndSubmit(client, {
   *   signer: memberSigner(rootKey),
   *   actors: [memberSigner(newNodeKey)],
   *   ...governance.rotateNodeKey({ from: oldNodePublicKey, to: newNodeKey.publicKey }),
   * });
   * ```
   */
  rotateNodeKey: (params: RotateNodeKeyParams): TxCall<RotateNodeKeyParams> => call('rotateNodeKey', params),
} as const;
