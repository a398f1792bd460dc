import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runNetworkBench } from '../src/bench.js';

it('the benchmark runs and reports positive figures', async () => {
  const result = await runNetworkBench({ handshakes: 2, secondsPerSize: 0.2, payloadSizes: [200, 65_536] });
  assert.ok(result.handshakeMs > 0);
  assert.equal(result.throughput.length, 2);
  for (const figure of result.throughput) {
    assert.ok(figure.messages > 0 && figure.messagesPerSecond > 0 && figure.megabytesPerSecond > 0);
  }
});
