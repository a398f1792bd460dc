import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type CallResult, ContractSandbox } from '../src/index.js';
import { COUNTER, HOSTILE } from './fixtures/contracts.js';
import { GAS, MemoryHost, request } from './support/memoryHost.js';

/** Every hostile call must fail only itself: the next ordinary call works and the host is untouched. */
describe('ContractSandbox: hostile contracts', () => {
  let sandbox: ContractSandbox;
  let host: MemoryHost;
  before(async () => {
    sandbox = await ContractSandbox.create();
    host = new MemoryHost({ main: HOSTILE, counter: COUNTER });
  });

  function attack(method: string, overrides: Record<string, unknown> = {}, query = false): CallResult {
    const before = host.snapshot();
    const result = (query ? sandbox.query : sandbox.call).call(sandbox, request(method, [], overrides), host);
    assert.equal(host.snapshot(), before, `${method} changed the host`);
    const next = sandbox.call(
      request('increment', [1], { codeId: 'counter' }),
      new MemoryHost({ counter: COUNTER }),
    );
    assert.equal(next.ok, true, `the call after ${method} failed: ${JSON.stringify(next)}`);
    return result;
  }
  function assertFails(result: CallResult, code: string, gasUsed?: number): void {
    assert.equal(result.ok, false, JSON.stringify(result));
    assert.equal(!result.ok && result.code, code, JSON.stringify(result));
    assert.ok(result.gasUsed > 0);
    if (gasUsed !== undefined) assert.equal(result.gasUsed, gasUsed);
  }

  it('infinite loops run out of gas, even when they catch the interrupt', () => {
    assertFails(attack('spin'), 'CONTRACT_OUT_OF_GAS', GAS);
    assertFails(attack('spinCatching'), 'CONTRACT_OUT_OF_GAS', GAS);
  });

  it('memory bombs run out of memory when gas allows, and out of gas when it does not', () => {
    // Filling 8 MiB with small arrays costs a few hundred million gas: the memory limit stops it first.
    assertFails(attack('arrayBomb', { gasLimit: 2_000_000_000 }), 'CONTRACT_OUT_OF_MEMORY');
    assertFails(attack('arrayBomb', { gasLimit: 20_000_000 }), 'CONTRACT_OUT_OF_GAS', 20_000_000);
    assertFails(attack('stringBomb', { gasLimit: 2_000_000_000 }), 'CONTRACT_OUT_OF_MEMORY');
    assertFails(attack('repeatLoop'), 'CONTRACT_OUT_OF_GAS', GAS);
  });

  it('deep recursion overflows the stack, and catching it is deterministic', () => {
    assertFails(attack('recurse'), 'CONTRACT_STACK_OVERFLOW');
    const caught = attack('recurseCatching');
    assert.deepEqual(caught.ok && caught.value, 'caught stack overflow');
    const deep = attack('deepStringify');
    assertFails(deep, 'CONTRACT_THREW');
    assert.match(!deep.ok ? deep.message : '', /nesting deeper than 64/);
  });

  it('nothing of the host or the clock is reachable; dynamic code is disabled', () => {
    const probe = attack('probe');
    assert.equal(probe.ok, true, JSON.stringify(probe));
    const seen = probe.ok ? (probe.value as Record<string, unknown>) : {};
    for (const name of ['Date', 'random', 'setTimeout', 'eval', 'require', 'process', 'std', 'os']) {
      assert.equal(seen[name], 'undefined', name);
    }
    for (const name of ['functionCtor', 'globalFunction', 'generatorCtor']) {
      assert.match(String(seen[name]), /dynamic code .* is disabled/, name);
    }
    // The whole global surface, pinned: a QuickJS upgrade that adds a global must be reviewed here.
    assert.deepEqual(seen.globals, [
      'AggregateError',
      'Array',
      'ArrayBuffer',
      'BigInt',
      'BigInt64Array',
      'BigUint64Array',
      'Boolean',
      'DataView',
      'Error',
      'EvalError',
      'Float16Array',
      'Float32Array',
      'Float64Array',
      'Function',
      'Infinity',
      'Int16Array',
      'Int32Array',
      'Int8Array',
      'InternalError',
      'Iterator',
      'JSON',
      'Map',
      'Math',
      'NaN',
      'Number',
      'Object',
      'Promise',
      'Proxy',
      'RangeError',
      'ReferenceError',
      'Reflect',
      'RegExp',
      'Set',
      'SharedArrayBuffer',
      'String',
      'Symbol',
      'SyntaxError',
      'TypeError',
      'URIError',
      'Uint16Array',
      'Uint32Array',
      'Uint8Array',
      'Uint8ClampedArray',
      'WeakMap',
      'WeakSet',
      'chain',
      'contract',
      'decodeURI',
      'decodeURIComponent',
      'encodeURI',
      'encodeURIComponent',
      'escape',
      'globalThis',
      'isFinite',
      'isNaN',
      'parseFloat',
      'parseInt',
      'undefined',
      'unescape',
    ]);
  });

  it('prototype pollution does not survive into the next call', () => {
    const polluted = attack('pollute');
    assert.deepEqual(polluted.ok && polluted.value, 'polluted');
    const clean = attack('checkClean');
    assert.deepEqual(clean.ok && clean.value, {
      polluted: true,
      push: true,
      parse: true,
      leftover: 'undefined',
    });
  });

  it('garbage returns fail with CONTRACT_BAD_RETURN', () => {
    for (const method of [
      'returnFunction',
      'returnCycle',
      'returnUndefined',
      'returnNaN',
      'returnMap',
      'returnPromise',
      'returnSparse',
    ]) {
      assertFails(attack(method), 'CONTRACT_BAD_RETURN');
    }
    // A getter is read exactly once, so it cannot show the check one value and the encoder another.
    const swapped = attack('returnGetterSwap');
    assert.deepEqual(swapped.ok && swapped.value, { v: 1 });
  });

  it('promise reactions and code after await never run', () => {
    const result = attack('asyncNeverRuns');
    assert.deepEqual(result.ok && result.value, false);
  });

  it('catching out-of-gas or read-only errors does not save the call', () => {
    assertFails(attack('catchOutOfGas', { gasLimit: 5_000_000 }), 'CONTRACT_OUT_OF_GAS', 5_000_000);
    assertFails(attack('catchReadOnly', {}, true), 'CONTRACT_READ_ONLY');
  });

  it('thrown values are described inside the sandbox, under its limits', () => {
    assertFails(attack('throwProxy'), 'CONTRACT_OUT_OF_GAS', GAS);
    const thrown = attack('throwString');
    assertFails(thrown, 'CONTRACT_THREW');
    assert.equal(!thrown.ok && thrown.message, 'plain string');
  });
});
