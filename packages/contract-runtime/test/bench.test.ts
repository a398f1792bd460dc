import assert from 'node:assert/strict';
import { it } from 'node:test';
import { benchmarkSandbox } from '../src/index.js';

it('the benchmark returns positive figures', async () => {
  const figures = await benchmarkSandbox({ iterations: 5 });
  for (const t of [
    figures.emptyCall,
    figures.typicalCall,
    figures.kernelEquivalent,
    figures.freshRuntimeAndContext,
  ]) {
    assert.ok(t.microsPerCall > 0 && t.callsPerSecond > 0);
  }
  assert.ok(figures.typicalCall.gasUsed > figures.emptyCall.gasUsed);
  assert.ok(
    figures.start.meterMillis > 0 && figures.start.sandboxCreateMillis > 0,
    JSON.stringify(figures.start),
  );
});
