import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type CallResult, ContractSandbox } from '../src/index.js';
import type { Engine } from '../src/sandbox/engine.js';
import { MemoryHost, request } from './support/memoryHost.js';

/** Calls start from a copy of the instance's memory (engine.ts): these pin what that must guarantee. */

const POLLUTER = `var loads = (globalThis.loads || 0) + 1;
globalThis.loads = loads;
var contract = {
  pollute() {
    globalThis.leaked = 'yes';
    Object.prototype.polluted = 1;
    Array.prototype.extra = function () { return 'extra'; };
    String.prototype.trimLeft = function () { return 'hijacked'; };
    Math.max = function () { return -1; };
    delete Math.min;
    JSON.parse = function () { return 'hijacked'; };
    Object.freeze(Object.prototype);
    return loads;
  },
  check() {
    const dirty = [];
    if (globalThis.leaked !== undefined) dirty.push('global');
    if (({}).polluted !== undefined) dirty.push('Object.prototype');
    if ([].extra !== undefined) dirty.push('Array.prototype');
    if ('  a'.trimLeft() !== 'a') dirty.push('String.prototype');
    if (Math.max(1, 2) !== 2) dirty.push('Math.max');
    if (typeof Math.min !== 'function') dirty.push('Math.min');
    if (JSON.parse('[1]')[0] !== 1) dirty.push('JSON.parse');
    if (Object.isFrozen(Object.prototype)) dirty.push('frozen');
    return { dirty, loads };
  },
  loop(n) {
    let x = 0;
    for (let i = 0; i < n; i++) x += i % 7;
    return x;
  },
  allocate(n) {
    const keep = [];
    for (let i = 0; i < n; i++) keep.push('block ' + i + ' '.repeat(30));
    return keep.length;
  },
  deep(n) { return n <= 0 ? 0 : 1 + contract.deep(n - 1); },
  fail() { throw new Error('no'); },
};`;

const code = { main: POLLUTER };

function run(sandbox: ContractSandbox, method: string, args: unknown[] = [], limits = {}): CallResult {
  return sandbox.call(request(method, args, limits), new MemoryHost(code));
}

/** Calls of every outcome, to run before a measured call. */
function disturb(sandbox: ContractSandbox): void {
  run(sandbox, 'pollute');
  run(sandbox, 'loop', [123_457]);
  run(sandbox, 'allocate', [200_000], { memoryLimitBytes: 1024 * 1024 });
  run(sandbox, 'loop', [1e9], { gasLimit: 5_000_000 });
  run(sandbox, 'deep', [100_000]);
  run(sandbox, 'fail');
  run(sandbox, 'allocate', [2_000]);
}

describe('ContractSandbox: every call starts from the same state', () => {
  let cold: () => Promise<ContractSandbox>;
  let warm: ContractSandbox;
  before(async () => {
    cold = () => ContractSandbox.create();
    warm = await ContractSandbox.create();
    disturb(warm);
  });

  it('a contract that pollutes globals and prototypes leaves nothing for the next call', () => {
    const polluted = run(warm, 'pollute');
    assert.equal(polluted.ok, true);
    // Top-level code ran exactly once in this call: `loads` starts from nothing again.
    assert.deepEqual(polluted.ok && polluted.value, 1);
    const check = run(warm, 'check');
    assert.deepEqual(check.ok && check.value, { dirty: [], loads: 1 });
  });

  it('gives the same result and gas cold (first call of a new sandbox) and warm (after calls of every kind)', async () => {
    const cases: Array<[string, unknown[], Record<string, number>]> = [
      ['check', [], {}],
      ['loop', [0], {}],
      ['loop', [9_999], {}],
      ['loop', [250_001], {}],
      ['allocate', [5_000], {}],
      ['allocate', [200_000], { memoryLimitBytes: 1024 * 1024 }],
      ['loop', [1e9], { gasLimit: 3_000_000 }],
      ['deep', [100_000], {}],
      ['fail', [], {}],
    ];
    for (const [method, args, limits] of cases) {
      const fresh = await cold();
      const first = run(fresh, method, args, limits);
      disturb(fresh);
      const again = run(fresh, method, args, limits);
      const onWarm = run(warm, method, args, limits);
      assert.deepEqual(again, first, `${method}: same sandbox, after other calls`);
      assert.deepEqual(onWarm, first, `${method}: another sandbox, other history`);
    }
  });

  it('still enforces the memory limit, the same way every time', () => {
    const limit = { memoryLimitBytes: 1024 * 1024, gasLimit: 2_000_000_000 };
    const results = [1, 2, 3].map(() => run(warm, 'allocate', [200_000], limit));
    for (const result of results) {
      assert.equal(!result.ok && result.code, 'CONTRACT_OUT_OF_MEMORY');
      assert.deepEqual(result, results[0]);
    }
    // Fits under a larger limit, repeatedly: a call that used much memory does not shrink the next one's room.
    for (let i = 0; i < 3; i++) {
      const fits = run(warm, 'allocate', [20_000], { memoryLimitBytes: 16 * 1024 * 1024 });
      assert.deepEqual(fits.ok && fits.value, 20_000);
    }
  });

  it('refuses calls nested deeper than the sandbox has instances for, deterministically', async () => {
    const sandbox = await ContractSandbox.create({}, { maxNesting: 2 });
    const NESTER = `var contract = { nest(n) { return n <= 0 ? 'bottom' : chain.call('again', n - 1); } };`;
    const host = new MemoryHost({ main: NESTER }, (hostRequest) => {
      const nested = sandbox.call(request('nest', JSON.parse(hostRequest.argsJson)), host);
      return nested.ok
        ? { ok: true, resultJson: JSON.stringify(nested.value), gasUsed: nested.gasUsed }
        : { ok: false, code: nested.code, message: nested.message, gasUsed: nested.gasUsed };
    });
    const within = sandbox.call(request('nest', [1]), host);
    assert.deepEqual(within.ok && within.value, 'bottom');
    const deeper = sandbox.call(request('nest', [2]), host);
    assert.equal(!deeper.ok && deeper.code, 'CONTRACT_THREW');
    assert.match(!deeper.ok ? deeper.message : '', /CONTRACT_INVALID_REQUEST: calls nested deeper than 2/);
    assert.deepEqual(sandbox.call(request('nest', [2]), host), deeper);
  });

  it('restores the regions a word-by-word scan of the memory at snapshot time finds', async () => {
    // The snapshot skips all-zero blocks without reading their words: the regions must be the ones the
    // plain scan gives (the longest zero run below the last non-zero word is the stack's dead part).
    const sandbox = await ContractSandbox.create();
    for (const engine of (sandbox as unknown as { engines: Engine[] }).engines) {
      const { regions, memory } = engine.inspect(); // no call yet: the memory is the snapshot's
      const words = new Uint32Array(memory.buffer, memory.byteOffset, memory.byteLength / 4);
      let last = words.length - 1;
      while (last >= 0 && words[last] === 0) last--;
      let gapStart = 0;
      let gapEnd = 0;
      let runStart = -1;
      for (let i = 0; i < last; i++) {
        if (words[i] === 0) {
          if (runStart < 0) runStart = i;
        } else if (runStart >= 0) {
          if (i - runStart > gapEnd - gapStart) [gapStart, gapEnd] = [runStart, i];
          runStart = -1;
        }
      }
      const end = (last + 1) * 4;
      const low = Math.min(gapStart * 4 + 256 * 1024, end);
      const high = Math.max(gapEnd * 4 - 256 * 1024, low);
      assert.deepEqual(regions, [
        { start: 0, length: low },
        { start: high, length: end - high },
      ]);
    }
  });

  it('memory it does not copy back is only the dead shadow stack and the free heap top', async () => {
    const sandbox = await ContractSandbox.create();
    const engine = (sandbox as unknown as { engines: Engine[] }).engines[0]!;
    const { regions, memory } = engine.inspect();
    assert.equal(regions.length, 2, 'static data and heap are restored, the stack between them is not');
    const atSnapshot = memory.slice();
    disturb(sandbox);
    const after = engine.inspect().memory;
    const [low, high] = regions as [{ start: number; length: number }, { start: number; length: number }];
    const gapStart = low.start + low.length;
    const end = high.start + high.length;
    // Differences between the two regions may only be stack frames near the stack top: within 1 MiB of it.
    for (let i = gapStart; i < high.start - 1024 * 1024; i++) {
      if (after[i] !== atSnapshot[i]) assert.fail(`byte ${i} in the skipped gap changed: not stack`);
    }
    assert.ok(end <= after.length);
  });
});
