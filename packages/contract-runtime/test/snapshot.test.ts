import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type CallResult, ContractSandbox } from '../src/index.js';
import { type Engine, snapshotRanges } from '../src/sandbox/engine.js';
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

  it('keeps static data and heap and skips a long zero run between them, with margins', () => {
    const KiB = 1024;
    const words = new Uint32Array((8 * 1024 * KiB) / 4); // 8 MiB of memory
    const put = (byte: number) => {
      words[byte / 4] = 1;
    };
    put(0);
    put(100 * KiB); // static data ends here
    put(5 * 1024 * KiB); // the live stack top and heap start here
    put(6 * 1024 * KiB - 4); // the last non-zero word
    // The gap runs from the word after 100 KiB to 5 MiB; 256 KiB of margin on each side of it.
    assert.deepEqual(snapshotRanges(words), [
      [0, 100 * KiB + 4 + 256 * KiB],
      [5 * 1024 * KiB - 256 * KiB, 6 * 1024 * KiB],
    ]);
    // With the stack top moved down, the gap ends at the new first heap word.
    words[(5 * 1024 * KiB) / 4] = 0;
    put(2 * 1024 * KiB);
    assert.deepEqual(snapshotRanges(words), [
      [0, 100 * KiB + 4 + 256 * KiB],
      [2 * 1024 * KiB - 256 * KiB, 6 * 1024 * KiB],
    ]);
    // No zero run of 1 MiB: not a stack, one range up to the last non-zero word.
    const small = new Uint32Array((4 * 1024 * KiB) / 4);
    for (const byte of [0, 512 * KiB, 1024 * KiB, 1536 * KiB - 4]) small[byte / 4] = 1;
    assert.deepEqual(snapshotRanges(small), [[0, 1536 * KiB]]);
    assert.deepEqual(snapshotRanges(new Uint32Array(16)), [[0, 0]], 'all zeros: nothing to keep');
  });

  it('engines built alike on a thread share one snapshot, each exactly what a scan of its memory finds', async () => {
    const engines = (sandbox: ContractSandbox) => (sandbox as unknown as { engines: Engine[] }).engines;
    const regionsOf = (engine: Engine) => (engine as unknown as { regions: unknown }).regions;
    const scanned = (engine: Engine) =>
      snapshotRanges(new Uint32Array(engine.inspect().memory.buffer)).map(([start, end]) => ({
        start,
        length: end - start,
      }));
    const alike = await ContractSandbox.create();
    const unlike = await ContractSandbox.create({ maxStackBytes: 64 * 1024 });
    // Checked before any call, while memory is still what each engine's snapshot was taken from.
    const [first, ...others] = engines(alike);
    for (const engine of [first!, ...others]) assert.deepEqual(engine.inspect().regions, scanned(engine));
    for (const engine of others)
      assert.equal(regionsOf(engine), regionsOf(first!), 'the first engine’s snapshot is shared');
    // Another stack limit is other bytes in the runtime: its engines are scanned, not given the shared one.
    for (const engine of engines(unlike)) {
      assert.deepEqual(engine.inspect().regions, scanned(engine));
      assert.notEqual(regionsOf(engine), regionsOf(first!));
    }
    // Both still run a call alike from their snapshots, again and again.
    for (const sandbox of [alike, unlike]) {
      const once = run(sandbox, 'loop', [1_000]);
      disturb(sandbox);
      assert.deepEqual(run(sandbox, 'loop', [1_000]), once);
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
