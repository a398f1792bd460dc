import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ContractSandbox, SandboxFaultError } from '../src/index.js';
import { COUNTER } from './fixtures/contracts.js';
import { MemoryHost, request } from './support/memoryHost.js';

describe('ContractSandbox: normal calls', () => {
  let sandbox: ContractSandbox;
  before(async () => {
    sandbox = await ContractSandbox.create();
  });

  it('reads and writes its own state, emits events, sees the call context', () => {
    const host = new MemoryHost({ main: COUNTER });
    const first = sandbox.call(request('increment', [2]), host);
    assert.deepEqual(first, {
      ok: true,
      value: { n: 2, height: 7, time: 1_700_000_000_000 },
      gasUsed: first.gasUsed,
    });
    assert.ok(first.gasUsed > 0);
    const second = sandbox.call(request('increment', [3]), host);
    assert.ok(second.ok && (second.value as { n: number }).n === 5);
    assert.equal(host.state.get('count'), '5');
    assert.deepEqual(
      host.events.map((e) => [e.name, JSON.parse(e.dataJson)]),
      [
        ['Incremented', { by: 2, n: 2, caller: 'alice' }],
        ['Incremented', { by: 3, n: 5, caller: 'alice' }],
      ],
    );
    assert.deepEqual(sandbox.call(request('context'), host), {
      ok: true,
      value: { contract: 'contract-1', caller: 'alice', height: 7, time: 1_700_000_000_000 },
      gasUsed: sandbox.call(request('context'), host).gasUsed,
    });
  });

  it('sees its own pending writes and hands the host only the last value per key', () => {
    const host = new MemoryHost({ main: COUNTER });
    host.state.set('gone', 'soon');
    const result = sandbox.call(request('readOwnWrite'), host);
    assert.deepEqual(result.ok && result.value, 'v2');
    assert.equal(host.state.get('k'), 'v2');
    assert.equal(host.state.has('gone'), false);
  });

  it('a failed call leaves the host state and events untouched', () => {
    const host = new MemoryHost({ main: COUNTER });
    sandbox.call(request('increment', [1]), host);
    const before = host.snapshot();
    const result = sandbox.call(request('writeThenThrow'), host);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.code, 'CONTRACT_THREW');
    assert.equal(!result.ok && result.message, 'Error: after writing');
    assert.equal(host.snapshot(), before);
  });

  it('routes host calls with JSON arguments and charges their gas; refusals reach the contract as errors', () => {
    const host = new MemoryHost({ main: COUNTER });
    const echoed = sandbox.call(request('echo', [{ a: [1, 'x'] }]), host);
    assert.deepEqual(echoed.ok && echoed.value, [{ a: [1, 'x'] }]);
    assert.equal(host.hostCalls[0]?.argsJson, '[{"a":[1,"x"]}]');
    assert.equal(host.hostCalls[0]?.readOnly, false);
    const refused = sandbox.call(request('callUnknown'), host);
    assert.deepEqual(
      refused.ok && refused.value,
      'HostCallError: HOST_CALL_UNKNOWN: no route for kernel.nope',
    );
  });

  it('a host call can run another contract in the same sandbox (nested call)', () => {
    const inner = new MemoryHost({ main: COUNTER });
    const outer = new MemoryHost({ main: COUNTER }, (req) => {
      const nested = sandbox.call(
        {
          codeId: 'main',
          method: 'increment',
          args: JSON.parse(req.argsJson),
          gasLimit: req.gasAvailable,
          memoryLimitBytes: 8 << 20,
        },
        inner,
      );
      return nested.ok
        ? { ok: true, resultJson: JSON.stringify(nested.value), gasUsed: nested.gasUsed }
        : { ok: false, code: nested.code, message: nested.message, gasUsed: nested.gasUsed };
    });
    const result = sandbox.call(request('echo', [10]), outer);
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(inner.state.get('count'), '10');
  });

  it('queries run the same code, may read, and fail with CONTRACT_READ_ONLY on any write', () => {
    const host = new MemoryHost({ main: COUNTER });
    sandbox.call(request('increment', [4]), host);
    assert.deepEqual(sandbox.query(request('read'), host).ok, true);
    const before = host.snapshot();
    const write = sandbox.query(request('increment', [1]), host);
    assert.equal(!write.ok && write.code, 'CONTRACT_READ_ONLY');
    assert.ok(write.gasUsed > 0);
    assert.equal(host.snapshot(), before);
    sandbox.query(request('echo', [1]), host);
    assert.equal(host.hostCalls.at(-1)?.readOnly, true);
  });

  it('charges more gas for more work, and the same gas for the same call', () => {
    const host = new MemoryHost({ main: COUNTER });
    const small = sandbox.call(request('work', [10]), host);
    const large = sandbox.call(request('work', [2_000_000]), host);
    assert.ok(large.gasUsed > small.gasUsed + 10_000_000, `${small.gasUsed} vs ${large.gasUsed}`);
    const gas = new Set<number>();
    for (let i = 0; i < 50; i++) gas.add(sandbox.call(request('work', [50_000]), host).gasUsed);
    assert.equal(gas.size, 1);
  });

  it('takes arguments up to maxArgumentBytes (1 MiB), far above the result limit, and refuses more', () => {
    const host = new MemoryHost({ main: COUNTER });
    const text = 'x'.repeat(600_000); // > maxJsonBytes (256 KiB): a search over 1,000 listings is this large
    const big = sandbox.call(request('lengthOf', [text], { gasLimit: 200_000_000 }), host);
    assert.deepEqual(big.ok && big.value, 600_000);
    const tooBig = sandbox.call(request('lengthOf', ['x'.repeat(1024 * 1024)]), host);
    assert.equal(!tooBig.ok && tooBig.code, 'CONTRACT_INVALID_REQUEST');
    assert.match(!tooBig.ok ? tooBig.message : '', /arguments exceed 1048576 bytes/);
  });

  it('rejects bad requests, missing code, broken code and unknown methods with their codes', () => {
    const host = new MemoryHost({ main: COUNTER, broken: 'var contract = {', empty: 'var x = 1;' });
    const code = (r: ReturnType<ContractSandbox['call']>) => (r.ok ? 'ok' : r.code);
    assert.equal(code(sandbox.call(request('read', [], { gasLimit: 0 }), host)), 'CONTRACT_INVALID_REQUEST');
    assert.equal(
      code(sandbox.call(request('read', [], { memoryLimitBytes: 1000 }), host)),
      'CONTRACT_INVALID_REQUEST',
    );
    assert.equal(code(sandbox.call(request('read', [Number.NaN]), host)), 'CONTRACT_INVALID_REQUEST');
    assert.equal(
      code(sandbox.call(request('read', [], { codeId: 'nope' }), host)),
      'CONTRACT_CODE_NOT_FOUND',
    );
    assert.equal(code(sandbox.call(request('read', [], { codeId: 'broken' }), host)), 'CONTRACT_LOAD_FAILED');
    assert.equal(code(sandbox.call(request('read', [], { codeId: 'empty' }), host)), 'CONTRACT_LOAD_FAILED');
    assert.equal(code(sandbox.call(request('nope'), host)), 'CONTRACT_METHOD_NOT_FOUND');
    assert.equal(code(sandbox.call(request('toString'), host)), 'CONTRACT_METHOD_NOT_FOUND');
    assert.equal(code(sandbox.call(request('read', [], { gasLimit: 1000 }), host)), 'CONTRACT_OUT_OF_GAS');
    const badKey = sandbox.call(request('badKey'), host);
    assert.equal(!badKey.ok && badKey.message, 'TypeError: state key is not well-formed Unicode');
  });

  it('a host that throws is a node fault, not a contract result', () => {
    const host = new MemoryHost({ main: COUNTER });
    host.getState = () => {
      throw new Error('disk on fire');
    };
    assert.throws(() => sandbox.call(request('read'), host), SandboxFaultError);
    assert.equal(sandbox.isFaulted, false);
    assert.equal(sandbox.call(request('work', [3]), new MemoryHost({ main: COUNTER })).ok, true);
  });
});
