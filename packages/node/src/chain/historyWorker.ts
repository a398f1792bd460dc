/**
 * A worker thread of a history pre-fill (`historyFromWorkers` in historyPrefill.ts): makes the bodies of
 * blocks 1..count (transactions, ids, results, roots) for every `of`-th chunk of `perMessage` heights,
 * starting at chunk `index`, and posts each chunk packed, while the main thread chains and writes the
 * ones before. It counts each message it posts in the shared signal, and waits while it is `ahead`
 * messages ahead of what the main thread took. A failure is posted, not thrown: the main thread, blocked
 * in its synchronous writes, would not see a worker's error event.
 */
import { workerData } from 'node:worker_threads';
import {
  type HistoryWorkerData,
  type HistoryWorkerMessage,
  POSTED,
  packBodies,
  type SyntheticBody,
  SyntheticHistory,
  TAKEN,
} from './historyPrefill.js';

const data = workerData as HistoryWorkerData;
const signal = new Int32Array(data.signal);

const post = (message: HistoryWorkerMessage, transfer: ArrayBuffer[] = []) => {
  data.port.postMessage(message, transfer);
  Atomics.add(signal, POSTED, 1);
  Atomics.notify(signal, POSTED);
};

try {
  const synthetic = new SyntheticHistory(data.options);
  for (
    let first = 1 + data.index * data.perMessage;
    first <= data.count;
    first += data.of * data.perMessage
  ) {
    const bodies: SyntheticBody[] = [];
    for (let height = first; height < first + data.perMessage && height <= data.count; height++)
      bodies.push(synthetic.body(height));
    const packed = packBodies(bodies);
    post({ bodies: packed }, [packed.bytes.buffer as ArrayBuffer, packed.layout.buffer as ArrayBuffer]);
    for (;;) {
      const taken = Atomics.load(signal, TAKEN);
      if (Atomics.load(signal, POSTED) - taken < data.ahead) break;
      Atomics.wait(signal, TAKEN, taken, 1_000);
    }
  }
} catch (error) {
  post({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
data.port.close();
