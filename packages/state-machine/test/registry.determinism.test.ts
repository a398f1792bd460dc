import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./fixtures/registryDeterminismRun.js', import.meta.url));

describe('registry determinism across processes', () => {
  it('two processes running the same seeded sequence print the same results, gas and state digest', async () => {
    const seed = String(1 + Math.floor(Math.random() * 1_000_000));
    const [first, second] = await Promise.all([
      run(process.execPath, [script, seed, '40'], { maxBuffer: 4 * 1024 * 1024 }),
      run(process.execPath, [script, seed, '40'], { maxBuffer: 4 * 1024 * 1024 }),
    ]);
    assert.equal(first.stdout, second.stdout, `seed ${seed}: the runs differ`);
    const lines = first.stdout.trim().split('\n');
    assert.equal(lines.length, 7 + 40 + 20 + 1);
    assert.match(lines.at(-1)!, /^state [0-9a-f]{64}$/);
    // The sequence is not trivial: successes and several failure kinds are in it.
    const codes = new Set(lines.slice(7, 47).map((l) => l.split(' ')[2]));
    assert.ok(codes.has('OK') && codes.size >= 3, `seed ${seed}: codes ${[...codes].join(', ')}`);
    // So are call trees of contracts calling contracts (the digest covers their `called` events).
    const nested = lines.slice(47, -1);
    assert.ok(nested.every((l) => l.startsWith('nested ')));
    assert.ok(
      nested.some((l) => l.split(' ')[3] === 'OK'),
      `seed ${seed}: no nested call tree succeeded`,
    );
  });
});
