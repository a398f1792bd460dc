/**
 * Builders for linked chains: the lightclients module's commands (a header of another chain with its
 * commit, or a proven fork) and the interchain module's (send a message; deliver one, or its receipt,
 * with a state proof). Relayers build `update`, `receive` and `acknowledge`; `hanglian relay` does it for
 * you (packages/state-machine/src/modules/{lightclients,interchain}/README.md).
 */

import type { BlockHeader, Commit, StateProof, Validator } from '@hanglian/core';
import type * as Chain from '@hanglian/state-machine/client';
import { definedOnly, type TxCall } from './call.js';

/** A header as a relayer submits it: the header, its commit certificate and the set that signed it. */
export interface SignedHeader {
  header: BlockHeader;
  commit: Commit;
  validators: Validator[];
}
export type UpdateClientParams = Chain.UpdateParams;
export interface SubmitMisbehaviourParams {
  chainId: string;
  trustedHeight: number;
  first: SignedHeader;
  second: SignedHeader;
  trustedValidators?: Validator[];
}
export type SendMessageParams = Chain.SendParams;
/** A packet as the source chain's outbox holds it (interchain README). */
export interface InterchainPacket {
  sourceChain: string;
  destChain: string;
  sequence: number;
  sourceModule: string;
  destModule: string;
  sender: { org: string; address: string };
  payload: unknown;
  timeoutHeight: number;
  timeoutTime: number;
  sentAtHeight: number;
  sentAt: number;
}
/** A receipt as the destination holds it. */
export interface InterchainReceipt {
  sourceChain: string;
  sequence: number;
  packetHash: Uint8Array;
  status: 'delivered' | 'failed' | 'timedOut';
  code: string;
  message: string;
  receivedAtHeight: number;
  receivedAt: number;
}
export interface ReceiveMessageParams {
  packet: InterchainPacket;
  proofHeight: number;
  proof: StateProof;
}
export interface AcknowledgeMessageParams {
  destChain: string;
  sequence: number;
  receipt: InterchainReceipt;
  proofHeight: number;
  proof: StateProof;
}

export const lightclients = {
  /**
   * Submits a header of another chain; this chain verifies it from `trustedHeight` and keeps its state root.
   *
   * @example
   * ```ts
   * await signAndSubmit(client, { signer: relayer, ...lightclients.update({ chainId: 'logistics', trustedHeight: 0, signed }) });
   * ```
   */
  update: (params: UpdateClientParams): TxCall<UpdateClientParams> =>
    ({
      module: 'lightclients',
      command: 'update',
      params: definedOnly(params),
    }) as TxCall<UpdateClientParams>,
  /** Proves two valid headers of one height of another chain: its client freezes. */
  submitMisbehaviour: (params: SubmitMisbehaviourParams): TxCall<SubmitMisbehaviourParams> =>
    ({
      module: 'lightclients',
      command: 'submitMisbehaviour',
      params: definedOnly(params),
    }) as TxCall<SubmitMisbehaviourParams>,
} as const;

export const interchain = {
  /**
   * Sends a message to a module of another chain (a carrier's delivery to the commerce chain's orders).
   *
   * @example
   * ```ts
   * interchain.send({ destChain: 'commerce', destModule: 'orders', payload: { type: 'delivered', order }, timeoutTime: Date.now() + 3_600_000 });
   * ```
   */
  send: (params: SendMessageParams): TxCall<SendMessageParams> =>
    ({ module: 'interchain', command: 'send', params: definedOnly(params) }) as TxCall<SendMessageParams>,
  /** Delivers another chain's packet with its proof (a relayer). */
  receive: (params: ReceiveMessageParams): TxCall<ReceiveMessageParams> => ({
    module: 'interchain',
    command: 'receive',
    params,
  }),
  /** Brings a packet's receipt back to its source with its proof (a relayer). */
  acknowledge: (params: AcknowledgeMessageParams): TxCall<AcknowledgeMessageParams> => ({
    module: 'interchain',
    command: 'acknowledge',
    params,
  }),
} as const;
