import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ContractSandbox } from '../src/index.js';
import { MemoryHost, request } from './support/memoryHost.js';

/**
 * Native builtins that loop or allocate by the size of their data, each called in a loop: when gas counted
 * only poll points every one ran > 20 s on 20 M gas (one poll point per call); with the engine metering its
 * own instructions (metering/wasmMeter.ts) each runs out of gas in well under a second. The tests count gas,
 * not time (a loaded machine must not fail them): every bomb ends out of gas, and one call of a builtin over
 * N elements costs at least N gas, where a poll-point count would charge it a few dozen.
 */
const BOMBS: Record<string, string> = {
  fillBomb: 'const a = []; for (;;) a.push(new Array(100000).fill(7));',
  typedAlloc: 'for (;;) new Uint8Array(1 << 23);',
  spread: 'const a = new Array(2e5).fill(1); for (;;) [...a];',
  spreadCall: 'const a = new Array(60000).fill(1); for (;;) Math.max(...a);',
  slice: 'const a = []; for (let i = 0; i < 1e5; i++) a.push(i); for (;;) a.slice();',
  concat: 'const a = []; for (let i = 0; i < 1e5; i++) a.push(i); for (;;) a.concat(a);',
  arrayFrom: 'const a = []; for (let i = 0; i < 1e5; i++) a.push(i); for (;;) Array.from(a);',
  sort: 'const a = []; for (let i = 0; i < 1e5; i++) a.push(i); for (;;) a.sort();',
  includes: 'const a = []; for (let i = 0; i < 1e5; i++) a.push(i); for (;;) a.includes(-1);',
  split: "const s = 'ab'.repeat(1e5); for (;;) s.split('');",
  replaceAll: "const s = 'ab'.repeat(1e5); for (;;) s.replaceAll('a', 'cc');",
  typedSet: 'const a = new Array(2e5).fill(1); const u = new Uint8Array(2e5); for (;;) u.set(a);',
  hugeFill: 'new Array(1e9).fill(0);',
};
/**
 * Bombs whose one call is cheap enough to count twice, with the least gas that one call must cost: one per
 * element it touches (an 8 MiB typed array: one per 8 bytes zeroed, the engine clears memory in words).
 */
const PER_CALL: Record<string, number> = { fillBomb: 100_000, typedAlloc: (1 << 23) / 8, spreadCall: 60_000 };
const SOURCE = `var contract = {
  ${Object.entries(BOMBS)
    .map(([name, body]) => `${name}() { ${body} }`)
    .join(',\n  ')},
  ${Object.keys(PER_CALL)
    .map((name) => `${name}Times(k) { ${BOMBS[name]!.replace('for (;;)', 'for (let i = 0; i < k; i++)')} }`)
    .join(',\n  ')},
  small() { const a = [3, 1, 2]; let s = 0; for (const x of a) s += x; return [a.slice().sort(), [...a].length, 'a,b'.split(','), s]; },
};`;

describe('ContractSandbox: builtins are charged by the work they do', () => {
  let sandbox: ContractSandbox;
  before(async () => {
    sandbox = await ContractSandbox.create();
  });

  for (const name of Object.keys(BOMBS)) {
    it(`${name} runs out of gas`, () => {
      const result = sandbox.call(
        request(name, [], { gasLimit: 20_000_000, memoryLimitBytes: 16 << 20 }),
        new MemoryHost({ main: SOURCE }),
      );
      assert.equal(!result.ok && result.code, 'CONTRACT_OUT_OF_GAS', JSON.stringify(result));
      assert.equal(result.gasUsed, 20_000_000);
    });
  }

  // One more call of the builtin (k = 2 against k = 1) costs by the data it touches.
  for (const [name, leastGas] of Object.entries(PER_CALL)) {
    it(`one ${name} call costs at least ${leastGas} gas`, () => {
      const gasOf = (calls: number) =>
        sandbox.call(
          request(`${name}Times`, [calls], { gasLimit: 200_000_000, memoryLimitBytes: 64 << 20 }),
          new MemoryHost({ main: SOURCE }),
        ).gasUsed;
      const once = gasOf(1);
      const twice = gasOf(2);
      assert.ok(twice < 200_000_000, `${name}: two calls fit the limit`);
      assert.ok(twice - once >= leastGas, `${name}: one call cost ${twice - once} gas`);
    });
  }

  it('small calls of the same builtins still work', () => {
    const result = sandbox.call(request('small'), new MemoryHost({ main: SOURCE }));
    assert.deepEqual(result.ok && result.value, [[1, 2, 3], 3, ['a', 'b'], 6]);
  });
});
