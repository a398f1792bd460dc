/**
 * The gas schedule's time bound through the registry's contract worker: the host patterns of the
 * worst-case generator (state reads, writes, events, host calls in a loop), where every `chain.state.get`
 * and `chain.call` is a round trip between the worker and this thread. `hostCallBase` is set from these.
 * Timing is the property, so each is the fastest of three runs (other processes only ever add time).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ContractSandbox, MAX_MS_PER_MILLION_GAS } from '@hanglian/contract-runtime';
import { discoverBuiltins, generateWorstCases, memoryHost } from '@hanglian/contract-runtime/worst-case';
import { ContractExecutionThread } from '../src/index.js';

describe('host patterns through the contract worker stay within the gas bound', () => {
  const executor = new ContractExecutionThread();
  after(() => executor.close());

  it(`each runs within ${MAX_MS_PER_MILLION_GAS} ms per million gas`, async () => {
    const sandbox = await ContractSandbox.create({}, { maxNesting: 1 });
    const cases = generateWorstCases(discoverBuiltins(sandbox)).filter((c) => c.group === 'host');
    assert.ok(cases.length >= 5);
    const slow: string[] = [];
    for (const worstCase of cases) {
      let fastest = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const result = executor.call(
          { codeId: 'case', method: 'run', args: [true], gasLimit: 20_000_000, memoryLimitBytes: 64 << 20 },
          memoryHost({ case: worstCase.source }),
        );
        fastest = Math.min(fastest, performance.now() - started);
        assert.equal(!result.ok && result.code, 'CONTRACT_OUT_OF_GAS', worstCase.name);
      }
      if (fastest / 20 > MAX_MS_PER_MILLION_GAS)
        slow.push(`${worstCase.name}: ${(fastest / 20).toFixed(2)} ms/Mgas`);
    }
    assert.deepEqual(slow, []);
  });
});
