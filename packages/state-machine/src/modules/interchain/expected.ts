/** What the interchain module needs from other modules (wired in kernel.ts). */
import type { BlockInfo } from '../../framework/module.js';
import type { StateWriter } from '../../framework/state.js';
import type { IdentityMethod } from '../identity/method.js';
import type { LightClientMethod } from '../lightclients/method.js';
import type { Packet, Receipt } from './stores.js';

/** The organisation of a signer (a message names its sender's organisation). */
export type IdentityForInterchain = Pick<IdentityMethod, 'orgOf'>;

/** Verified state roots of other chains, and whether a chain was admitted at all. */
export type LightClientsForInterchain = Pick<LightClientMethod, 'getClient' | 'requireConsensusState'>;

/** What a module hands to interchain so that it can take messages from, or send them to, other chains. */
export interface InterchainApp {
  /**
   * Runs on the destination chain when a packet for this module arrives, in its own state layer: throw a
   * HanglianError to refuse it (its writes are dropped, the receipt carries the code and the source
   * learns of it); return normally to accept it.
   */
  onReceive?(ctx: InterchainReceiveContext): void;
  /** Runs on the source chain when a packet this module sent is acknowledged, refused or timed out. */
  onAcknowledge?(ctx: InterchainAcknowledgeContext): void;
}

export interface InterchainReceiveContext {
  readonly state: StateWriter;
  readonly block: BlockInfo;
  readonly packet: Packet;
  /** The receiving transaction's id (hex). */
  readonly txId: string;
  /** Emits an event in the receiving module's name. */
  emit(name: string, data: unknown, topics?: readonly string[]): void;
}

export interface InterchainAcknowledgeContext {
  readonly state: StateWriter;
  readonly block: BlockInfo;
  readonly packet: Packet;
  readonly receipt: Receipt;
  emit(name: string, data: unknown, topics?: readonly string[]): void;
}
