/**
 * Prometheus metrics of a node (prom-client). Names carry their unit (`_seconds`, `_bytes`, `_total`).
 * Gauges are read from the node when scraped, so nothing is computed on the hot path but counters and
 * the commit-latency histogram.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DroppedMessages } from '../consensus/transport.js';

export interface NodeMetricsSource {
  readonly dataDir: string;
  height(): number;
  round(): number | undefined;
  peers(): number;
  /** Validators in force this node has no link to (its own key left out). */
  unlinkedValidators(): number;
  /** `ready`: the transactions the next blocks can take (each submitter's unbroken run of nonces). */
  mempool(): { size: number; bytes: number; ready: number };
  signatureCache(): { hits: number; misses: number };
  /** Peer messages dropped so far, by channel and reason (the transport's counters). */
  droppedMessages(): readonly DroppedMessages[];
}

export class NodeMetrics {
  readonly registry = new Registry();
  readonly blocksCommitted: Counter;
  readonly transactionsCommitted: Counter;
  readonly transactionsFailed: Counter;
  readonly commitLatency: Histogram;
  readonly blockTransactions: Histogram;
  readonly evidenceSeen: Counter;
  /** Each step of a decided height on this node (label `step`: the driver's HEIGHT_STEPS). */
  readonly heightSteps: Histogram<'step'>;
  /** Rounds that ended without a decision, counted when a later round of the height decides. */
  readonly failedRounds: Counter;
  /** Connections the API holds open now, and those it refused at its cap (api/connectionCap.ts). */
  readonly apiConnections: Gauge;
  readonly apiConnectionsRefused: Counter;
  /** Transactions relayed by peers that this node's admission refused, by error code. */
  readonly relayedTxsRefused: Counter<'code'>;

  constructor(source: NodeMetricsSource, labels: { node: string; chainId: string }) {
    const registers = [this.registry];
    this.registry.setDefaultLabels(labels);
    collectDefaultMetrics({ register: this.registry, prefix: 'hanglian_' });
    new Gauge({
      name: 'hanglian_chain_height',
      help: 'Height of the latest committed block',
      registers,
      collect() {
        this.set(source.height());
      },
    });
    new Gauge({
      name: 'hanglian_consensus_round',
      help: 'Consensus round at the current height (rises when proposers fail)',
      registers,
      collect() {
        this.set(source.round() ?? 0);
      },
    });
    new Gauge({
      name: 'hanglian_peers',
      help: 'Member nodes linked to this node',
      registers,
      collect() {
        this.set(source.peers());
      },
    });
    new Gauge({
      name: 'hanglian_unlinked_validators',
      help: 'Validators in force this node has no direct link to (consensus messages are not relayed)',
      registers,
      collect() {
        this.set(source.unlinkedValidators());
      },
    });
    new Gauge({
      name: 'hanglian_mempool_transactions',
      help: 'Transactions waiting in the mempool',
      registers,
      collect() {
        this.set(source.mempool().size);
      },
    });
    new Gauge({
      name: 'hanglian_mempool_ready_transactions',
      help:
        "Transactions of the mempool the next blocks can take: each submitter's unbroken run of nonces from " +
        'its committed one (the rest wait for a missing nonce); back-pressure counts these',
      registers,
      collect() {
        this.set(source.mempool().ready);
      },
    });
    new Gauge({
      name: 'hanglian_mempool_bytes',
      help: 'Bytes of the transactions waiting in the mempool',
      registers,
      collect() {
        this.set(source.mempool().bytes);
      },
    });
    new Gauge({
      name: 'hanglian_storage_bytes',
      help: 'Size of the ledger file on disk',
      registers,
      collect() {
        try {
          this.set(statSync(join(source.dataDir, 'data.mdb')).size);
        } catch {
          this.set(0);
        }
      },
    });
    new Gauge({
      name: 'hanglian_signature_cache_hits',
      help: 'Signature checks answered from the cache (each transaction is verified once per node)',
      registers,
      collect() {
        this.set(source.signatureCache().hits);
      },
    });
    this.blocksCommitted = new Counter({
      name: 'hanglian_blocks_committed_total',
      help: 'Blocks committed',
      registers,
    });
    this.transactionsCommitted = new Counter({
      name: 'hanglian_transactions_committed_total',
      help: 'Transactions committed (rate() of it is the throughput)',
      registers,
    });
    this.transactionsFailed = new Counter({
      name: 'hanglian_transactions_failed_total',
      help: 'Committed transactions whose command failed (their nonce was consumed, their effects reverted)',
      registers,
    });
    this.commitLatency = new Histogram({
      name: 'hanglian_tx_commit_latency_seconds',
      help: 'Time from admission to this node to commit, for transactions submitted here',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers,
    });
    this.blockTransactions = new Histogram({
      name: 'hanglian_block_transactions',
      help: 'Transactions per committed block',
      buckets: [0, 1, 10, 50, 100, 250, 500, 1000, 2500, 5000],
      registers,
    });
    this.heightSteps = new Histogram({
      name: 'hanglian_height_step_seconds',
      help:
        'Time each step of a decided height took on this node, from the end of the step before: wait, ' +
        'proposal, verify, prevote, prevotes, precommits, commit (the sum is the block interval)',
      labelNames: ['step'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.failedRounds = new Counter({
      name: 'hanglian_consensus_failed_rounds_total',
      help:
        'Rounds that ended without a decision (a proposal or votes too late: timeouts fired), counted when ' +
        'a later round of the height decides; each adds a timeout to that height',
      registers,
    });
    this.apiConnections = new Gauge({
      name: 'hanglian_api_connections',
      help: 'HTTP connections the API holds open (waiting requests, subscriptions and idle keep-alive ones)',
      registers,
    });
    this.apiConnectionsRefused = new Counter({
      name: 'hanglian_api_connections_refused_total',
      help: 'HTTP connections answered 503 TOO_MANY_CONNECTIONS and closed because the API held its maximum',
      registers,
    });
    new Counter({
      name: 'hanglian_peer_messages_dropped_total',
      help:
        'Messages to or from peers dropped, by channel and reason: queue-full (a send queue at its bound; a ' +
        'gossip channel drops its oldest), rate-limited (a peer over its inbound limit), oversized',
      labelNames: ['channel', 'reason'],
      registers,
      // Read from the transport's own counters when scraped.
      collect() {
        this.reset();
        for (const { channel, reason, count } of source.droppedMessages())
          if (count > 0) this.inc({ channel, reason }, count);
      },
    });
    this.relayedTxsRefused = new Counter({
      name: 'hanglian_relayed_txs_refused_total',
      help:
        'Transactions relayed by peers that admission here refused, by code: duplicates and nonces a block ' +
        'used are normal; any other code means this node lacks transactions its peers hold',
      labelNames: ['code'],
      registers,
    });
    this.evidenceSeen = new Counter({
      name: 'hanglian_evidence_total',
      help: 'Double votes (equivocation) by a validator that this node proved and reported on chain',
      registers,
    });
  }
}
