/**
 * A read-only query worker: the node's application over its own read-only view of the node's LMDB
 * environment, running queries that execute contract code (`Query.runsContracts`) apart from block
 * execution. Everything a query does happens here, synchronously, in one LMDB read snapshot: the node's
 * main thread only posts the request and receives the answer, so it keeps serving the API and consensus.
 *
 * Contracts run in-thread on a `ContractSandbox`: this thread has the large native stack the sandbox needs
 * (`resourceLimits.stackSizeMb`). On Linux the thread lowers its own scheduling priority, so that block
 * execution and the API win the CPU when both want it.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { ContractSandbox } from '@hanglian/contract-runtime';
import { blockCodec, ed25519Sha256, HanglianError } from '@hanglian/core';
import { openStorage } from '@hanglian/storage';
import { createApplication } from '../application.js';
import { CHAIN_SUB_DBS } from '../chain/chain.js';
import type { QueryJob, QueryReply, QueryWorkerData } from './queryProtocol.js';

const data = workerData as QueryWorkerData;
const port = parentPort!;

if (process.platform === 'linux') {
  // On Linux a nice value belongs to the thread: this lowers only this worker.
  try {
    setPriority(0, data.nice);
  } catch {
    // Not permitted here: the worker simply competes at normal priority.
  }
}

const storage = openStorage({
  path: data.dataDir,
  extraSubDbs: CHAIN_SUB_DBS,
  ...(data.durability === undefined ? {} : { durability: data.durability }),
});
const sandbox = await ContractSandbox.create();
const application = createApplication({
  chainId: data.chainId,
  suite: ed25519Sha256,
  contractExecutor: sandbox,
  queryGasCap: data.gasCap,
});

/** The block time of the latest height read, decoded once per height (queries judge expiry by it). */
let timeAt = { height: 0, time: data.genesisTime };
function blockTime(height: number): number {
  if (height !== timeAt.height) {
    const bytes = storage.blocks.getBlock(height);
    if (bytes === undefined) throw new Error(`state is at height ${height} but its block is missing`);
    timeAt = { height, time: blockCodec.decodeStored(bytes).header.time };
  }
  return timeAt.time;
}

port.on('message', async (job: QueryJob) => {
  // A sandbox whose WebAssembly instance failed is replaced before it serves again.
  if (sandbox.isFaulted) await sandbox.reset();
  let reply: QueryReply;
  try {
    // One synchronous run: every read below sees the same committed version.
    const height = storage.state.latestVersion() ?? 0;
    const result = application.stateMachine.runCheckedQuery(
      job.module,
      job.name,
      job.params,
      storage.state.reader(),
      { height, time: blockTime(height) },
      job.reader,
    );
    reply = { kind: 'result', id: job.id, height, result };
  } catch (error) {
    reply =
      error instanceof HanglianError
        ? { kind: 'error', id: job.id, code: error.code, message: error.message, fault: false }
        : {
            kind: 'error',
            id: job.id,
            code: error instanceof Error ? error.name : 'Error',
            message: error instanceof Error ? error.message : String(error),
            fault: true,
          };
  }
  port.postMessage(reply);
});
port.postMessage({ kind: 'ready' } satisfies QueryReply);
