import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runDeterminismScenario } from './support/determinismScenario.js';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./fixtures/determinismRun.js', import.meta.url));

describe('determinism', () => {
  it('two processes and this one print byte-identical results, gas and state hash', async () => {
    const seed = 20_240_601;
    const calls = 150;
    const [a, b] = await Promise.all([
      run(process.execPath, [fixture, '--seed', String(seed), '--calls', String(calls)], {
        maxBuffer: 64 << 20,
      }),
      run(process.execPath, [fixture, '--seed', String(seed), '--calls', String(calls)], {
        maxBuffer: 64 << 20,
      }),
    ]);
    const local = await runDeterminismScenario(seed, calls);
    assert.equal(a.stdout, b.stdout);
    assert.equal(a.stdout, local);
    // The scenario must actually cover the failure paths it claims to.
    for (const code of [
      'CONTRACT_OUT_OF_GAS',
      'CONTRACT_OUT_OF_MEMORY',
      'CONTRACT_STACK_OVERFLOW',
      'CONTRACT_THREW',
      'CONTRACT_READ_ONLY',
    ]) {
      assert.ok(local.includes(code), `scenario never produced ${code}`);
    }
    assert.ok(local.includes('"ok":true'));
  });

  it('a different seed gives a different run (the comparison is not vacuous)', async () => {
    assert.notEqual(await runDeterminismScenario(1, 20), await runDeterminismScenario(2, 20));
  });
});
