/**
 * Read-only queries that run contract code, apart from block execution: a small pool of workers
 * (queryWorker.ts), each with the node's application over its own read-only view of the ledger. A query
 * waits in a bounded queue for a free worker; when the queue is full it is refused at once with
 * `QUERY_BUSY` (HTTP 503, retryable). The node's main thread only hands the query over and takes the
 * answer, so its API (health included) and consensus go on while queries run; the workers run at a lower
 * scheduling priority, so block execution wins the CPU when both want it.
 *
 * Queries are not consensus: a worker's gas cap is this node's own choice (`gasCap`, at most the chain's
 * `queryGasLimit`), and so is its queue.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HanglianError } from '@hanglian/core';
import type { ReadAccess } from '@hanglian/state-machine';
import type { KvDurability } from '@hanglian/storage';
import { NodeErrors } from '../errors.js';
import type { QueryJob, QueryReply, QueryWorkerData } from './queryProtocol.js';

export interface QueryPoolOptions {
  /** Workers running queries at the same time. Default 1 (the reference machine has 2 cores). */
  readonly workers: number;
  /** Queries that may wait for a worker; one more is refused with QUERY_BUSY. Default 16. */
  readonly queueLimit: number;
  /** Most gas one read-only contract call may use on this node (below the chain's queryGasLimit). */
  readonly gasCap: number;
  /** Niceness of the workers' threads on Linux (0–19). Default 10. */
  readonly nice: number;
}

export const DEFAULT_QUERY_POOL_OPTIONS: QueryPoolOptions = Object.freeze({
  workers: 1,
  queueLimit: 16,
  gasCap: 50_000_000,
  nice: 10,
});

export interface QueryAnswer {
  readonly height: number;
  readonly result: unknown;
}

interface Pending {
  readonly job: QueryJob;
  readonly resolve: (answer: QueryAnswer) => void;
  readonly reject: (error: Error) => void;
}

/** One worker and the query it runs. */
class QueryWorker {
  readonly worker: Worker;
  current: Pending | undefined;
  ready = false;

  constructor(
    data: QueryWorkerData,
    onReply: (self: QueryWorker, reply: QueryReply) => void,
    onExit: (self: QueryWorker, error: Error) => void,
  ) {
    this.worker = new Worker(fileURLToPath(new URL('./queryWorker.js', import.meta.url)), {
      workerData: data,
      resourceLimits: { stackSizeMb: 8 },
    });
    this.worker.on('message', (reply: QueryReply) => onReply(this, reply));
    this.worker.on('error', (error) => onExit(this, error));
    this.worker.on('exit', (code) => onExit(this, new Error(`query worker exited with code ${code}`)));
  }
}

export class QueryPool {
  readonly options: QueryPoolOptions;
  readonly #data: QueryWorkerData;
  readonly #workers: QueryWorker[] = [];
  readonly #queue: Pending[] = [];
  #nextId = 1;
  #closed = false;

  constructor(
    target: {
      dataDir: string;
      durability: KvDurability | undefined;
      chainId: string;
      genesisTime: number;
    },
    options: Partial<QueryPoolOptions> = {},
  ) {
    this.options = { ...DEFAULT_QUERY_POOL_OPTIONS, ...options };
    if (!Number.isInteger(this.options.workers) || this.options.workers < 1) {
      throw new RangeError('query workers must be a positive integer');
    }
    this.#data = { ...target, gasCap: this.options.gasCap, nice: this.options.nice };
  }

  /** Queries running and waiting now. */
  get load(): { running: number; waiting: number } {
    return {
      running: this.#workers.filter((w) => w.current !== undefined).length,
      waiting: this.#queue.length,
    };
  }

  /** Runs a query on a worker; refuses it with QUERY_BUSY when the queue is full. */
  run(module: string, name: string, params: unknown, reader: ReadAccess = 'members'): Promise<QueryAnswer> {
    if (this.#closed)
      return Promise.reject(new HanglianError(NodeErrors.NODE_NOT_READY, 'the node is stopping'));
    const busy = this.#workers.filter((w) => w.current !== undefined).length;
    if (busy + this.#queue.length >= this.options.workers + this.options.queueLimit) {
      return Promise.reject(
        new HanglianError(
          NodeErrors.QUERY_BUSY,
          `this node's ${this.options.workers} query worker(s) are busy and ${this.#queue.length} queries wait; retry later`,
          { details: { running: busy, waiting: this.#queue.length } },
        ),
      );
    }
    return new Promise<QueryAnswer>((resolve, reject) => {
      this.#queue.push({ job: { id: this.#nextId++, module, name, params, reader }, resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      const worker = this.#workers.find((w) => w.ready && w.current === undefined);
      if (worker === undefined) {
        // Start workers lazily, up to the limit; a starting one takes work when it is ready.
        if (this.#workers.length < this.options.workers) {
          this.#workers.push(
            new QueryWorker(
              this.#data,
              (w, r) => this.#onReply(w, r),
              (w, e) => this.#onExit(w, e),
            ),
          );
        }
        return;
      }
      const pending = this.#queue.shift()!;
      worker.current = pending;
      worker.worker.postMessage(pending.job);
    }
  }

  #onReply(worker: QueryWorker, reply: QueryReply): void {
    if (reply.kind === 'ready') {
      worker.ready = true;
      this.#dispatch();
      return;
    }
    const pending = worker.current;
    worker.current = undefined;
    if (pending !== undefined && pending.job.id === reply.id) {
      if (reply.kind === 'result') pending.resolve({ height: reply.height, result: reply.result });
      else if (!reply.fault) pending.reject(new HanglianError(reply.code, reply.message));
      else
        pending.reject(
          new HanglianError(NodeErrors.QUERY_FAILED, `the query failed on this node: ${reply.code}`),
        );
    }
    this.#dispatch();
  }

  #onExit(worker: QueryWorker, error: Error): void {
    const index = this.#workers.indexOf(worker);
    if (index < 0) return;
    this.#workers.splice(index, 1);
    worker.current?.reject(
      new HanglianError(NodeErrors.QUERY_FAILED, `the query worker stopped: ${error.message}`),
    );
    worker.current = undefined;
    if (!worker.ready) {
      // It never started: fail what waits rather than starting it again and again.
      for (const pending of this.#queue.splice(0)) {
        pending.reject(
          new HanglianError(NodeErrors.QUERY_FAILED, `the query worker did not start: ${error.message}`),
        );
      }
      return;
    }
    this.#dispatch();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of this.#queue.splice(0)) {
      pending.reject(new HanglianError(NodeErrors.NODE_NOT_READY, 'the node is stopping'));
    }
    const workers = this.#workers.splice(0);
    for (const w of workers)
      w.current?.reject(new HanglianError(NodeErrors.NODE_NOT_READY, 'the node is stopping'));
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}
