/**
 * What the HTTP API needs from a node, and nothing more (as Lodestar's API implementation takes its
 * modules): the server is given this, not the node, so the API can be read, tested and changed without the
 * node's assembly, and the node → api edge runs one way (`HanglianNode implements ApiBackend`).
 */
import type { EventEmitter } from 'node:events';
import type { DecodedTx } from '@hanglian/core';
import type { QueryAuthorizer, StateMachine } from '@hanglian/state-machine';
import type { Chain } from '../chain/chain.js';
import type { QueryAnswer } from '../query/queryPool.js';
import type { Readiness, TxStatus } from '../status.js';

/** The ledger reads the API serves: committed blocks, results, proofs, membership, nonces. */
export type ApiChain = Pick<
  Chain,
  | 'chainId'
  | 'genesisHash'
  | 'height'
  | 'latestHash'
  | 'latestTime'
  | 'stateRoot'
  | 'isActiveMember'
  | 'nextNonce'
  | 'hasStateAt'
  | 'isStatePruned'
  | 'statePrunedBelow'
  | 'getBlock'
  | 'getCommit'
  | 'getResults'
  | 'validatorsAt'
  | 'locateTx'
  | 'prove'
  | 'stateAccess'
>;

export interface ApiBackend {
  /** The node's name, shown in `/v1/status`. */
  readonly name: string;
  readonly chain: ApiChain;
  /** Its modules' queries, for the API description. */
  readonly stateMachine: Pick<StateMachine, 'describe'>;
  readonly mempool: { readonly size: number; readonly bytes: number };
  readonly consensus: {
    height: number | undefined;
    round: number | undefined;
    peers: string[];
    unlinkedValidators: Array<{ org: string; publicKey: string }>;
  };
  /** Prometheus text of the node's metrics. */
  readonly metrics: {
    readonly registry: { metrics(): Promise<string> };
    /** Open API connections, and those refused at the cap (api/connectionCap.ts). */
    readonly apiConnections: { inc(): void; dec(): void };
    readonly apiConnectionsRefused: { inc(): void };
  };
  /** Emits `block` (a `CommittedBlockEvent`) after every commit: subscriptions follow it. */
  readonly events: Pick<EventEmitter, 'on' | 'off'>;
  readonly logger: { error(fields: object, message: string): void };
  /** Admits a transaction to the mempool; throws a HanglianError saying why when it is refused. */
  submit(bytes: Uint8Array): DecodedTx;
  txStatus(txIdHex: string): TxStatus;
  waitForTx(txIdHex: string, timeoutMs: number): Promise<TxStatus>;
  readiness(): Readiness;
  /**
   * A module query on the latest state; `authorize` is told the query's access once its params passed,
   * and answers who asks (a public reader's query reads only public stores: StateMachine.query).
   */
  query(module: string, name: string, params: unknown, authorize?: QueryAuthorizer): Promise<QueryAnswer>;
  /** Operator endpoint: cut (or restore) every link to other nodes. */
  setIsolated(isolated: boolean): void;
}
