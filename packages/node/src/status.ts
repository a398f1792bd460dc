/**
 * What a node reports about itself and its transactions: the shapes its API serves (api/backend.ts) and
 * its events carry. Apart from node.ts so that the API depends on these, not on the node.
 */
import type { BlockResults, TxResult } from '@hanglian/core';

export type TxStatus =
  | {
      readonly txId: string;
      readonly status: 'pending';
      /** The submitter's nonce it waits for (a predecessor this node has not received yet). */
      readonly waitingForNonce?: number;
    }
  | {
      readonly txId: string;
      readonly status: 'committed';
      readonly height: number;
      readonly index: number;
      readonly result: TxResult;
    }
  | { readonly txId: string; readonly status: 'rejected'; readonly code: string; readonly message: string }
  | { readonly txId: string; readonly status: 'unknown' };

/** Emitted as `block` on `node.events` after every committed block. */
export interface CommittedBlockEvent {
  readonly height: number;
  readonly hash: string;
  readonly time: number;
  readonly txIds: readonly string[];
  readonly results: BlockResults;
}

export interface Readiness {
  readonly ready: boolean;
  /** Why not, in words an operator reads. */
  readonly reasons: readonly string[];
  readonly height: number;
  readonly highestPeer: number;
  readonly peers: number;
  readonly lastCommitAgeMs: number;
}
