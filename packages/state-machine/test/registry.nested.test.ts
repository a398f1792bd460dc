import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_GAS_SCHEDULE } from '@hanglian/contract-runtime';
import { addressFromPublicKey, type TxResult } from '@hanglian/core';
import {
  type ContractExecutionThread,
  contractAccount,
  DEFAULT_REGISTRY_PARAMETERS,
  MAX_CONTRACT_CALL_DEPTH,
} from '../src/index.js';
import { HOSTILE } from './fixtures/contracts.js';
import { STEPS_CONTRACT, STEPS_STANDARD } from './fixtures/nestedContracts.js';
import {
  carrierA,
  carrierB,
  codeHash,
  deployAndRegister,
  registryChain,
  shopClerk,
} from './fixtures/registryChain.js';
import { assertFails, assertOk } from './helpers.js';

type Step = unknown[];
const IDS = ['s.a', 's.b', 's.c', 's.d', 's.e'] as const;
const { chain, registry } = registryChain({
  extraStandards: [STEPS_STANDARD],
  balances: { [contractAccount('s.b')]: 1_000 },
});
after(() => (registry.executor as ContractExecutionThread).close());
const clerk = addressFromPublicKey(shopClerk.publicKey);

const run = (implementation: string, steps: Step[], method = 'run'): TxResult =>
  chain.submit(shopClerk, 'registry', 'call', { implementation, method, args: [steps] });
const stateOf = (implementation: string, key: string): string | null =>
  chain.query<{ value: string | null }>('registry', 'contractState', { implementation, key }).value;
const balance = (address: string) =>
  chain.query<{ amount: number }>('settlement', 'balance', { address }).amount;
const resultOf = (r: TxResult): unknown => {
  const called = r.events.filter((e) => e.name === 'called').at(-1)!.data as { resultJson: string };
  return JSON.parse(called.resultJson);
};
/** A chain of calls: ids[0] calls ids[1] ... which runs `last`. */
function chainOf(ids: readonly string[], last: Step[]): Step[] {
  let steps = last;
  for (let i = ids.length - 1; i >= 1; i--) steps = [['call', ids[i], 'run', [steps]]];
  return steps;
}

describe('registry: contracts calling contracts', () => {
  before(() => {
    for (const [i, id] of IDS.entries()) {
      assertOk(
        deployAndRegister(chain, i % 2 === 0 ? carrierA : carrierB, id, STEPS_CONTRACT, STEPS_STANDARD.id),
      );
    }
    assertOk(deployAndRegister(chain, carrierA, 'hostile.v1', HOSTILE));
  });

  it('the callee runs with its own state and account; the caller gets its result', () => {
    const result = assertOk(
      run('s.a', [
        ['set', 'mine', 'a'],
        ['call', 's.b', 'run', [[['set', 'mine', 'b'], ['who'], ['balance']]]],
      ]),
    );
    assert.deepEqual(resultOf(result), [
      null,
      [null, { contract: contractAccount('s.b'), caller: contractAccount('s.a') }, 1_000],
    ]);
    assert.equal(stateOf('s.a', 'mine'), 'a');
    assert.equal(stateOf('s.b', 'mine'), 'b');
  });

  it('the callee pays from its own account only, and every use is recorded with its code hash', () => {
    const before = balance(clerk);
    const result = assertOk(
      run('s.a', [
        [
          'call',
          's.b',
          'run',
          [
            [
              ['pay', clerk, 7],
              ['emit', { n: 1 }],
            ],
          ],
        ],
      ]),
    );
    assert.equal(balance(clerk), before + 7);
    assert.equal(balance(contractAccount('s.b')), 1_000 - 7);
    const called = result.events
      .filter((e) => e.name === 'called')
      .map((e) => e.data as Record<string, unknown>);
    assert.equal(called.length, 2);
    assert.deepEqual(
      { ...called[0], contractGas: 0 },
      {
        implementation: 's.b',
        standard: STEPS_STANDARD.id,
        codeHash: codeHash(STEPS_CONTRACT),
        method: 'run',
        caller: contractAccount('s.a'),
        resultJson: '[null,null]',
        contractGas: 0,
        callerImplementation: 's.a',
        depth: 1,
      },
    );
    assert.equal(called[1]!.implementation, 's.a');
    assert.equal(called[1]!.caller, clerk);
    // The callee's gas is part of the caller's: the outer figure includes the nested one.
    assert.ok((called[1]!.contractGas as number) > (called[0]!.contractGas as number));
    assert.deepEqual(
      result.events
        .filter((e) => e.name !== 'called')
        .map((e) => [e.name, (e.data as { implementation: string }).implementation]),
      [
        ['contractTransferred', 's.b'],
        ['contractEvent', 's.b'],
      ],
    );
  });

  it('a nested call costs its own gas on top of the caller’s', () => {
    const alone = assertOk(run('s.a', [['get', 'x']]));
    const withCall = assertOk(
      run('s.a', [
        ['get', 'x'],
        ['call', 's.b', 'run', [[]]],
      ]),
    );
    const nestedGas = (withCall.events.find((e) => e.name === 'called')!.data as { contractGas: number })
      .contractGas;
    assert.ok(nestedGas > DEFAULT_GAS_SCHEDULE.callBase, `nested gas ${nestedGas}`);
    assert.ok(
      withCall.gasUsed >= alone.gasUsed + nestedGas,
      `${withCall.gasUsed} vs ${alone.gasUsed} + ${nestedGas}`,
    );
  });

  it('arguments and results are checked against the callee’s standard', () => {
    const badArgs = run('s.a', [['call', 's.b', 'run', ['not steps']]]);
    assertFails(badArgs, 'CONTRACT_THREW');
    assert.match(badArgs.message, /HostCallError: REGISTRY_BAD_ARGS/);
    const badOutput = run('s.a', [['call', 'hostile.v1', 'quote', [1, 'garbage', 'cn-east']]]);
    assertFails(badOutput, 'CONTRACT_THREW');
    assert.match(badOutput.message, /REGISTRY_BAD_OUTPUT/);
    const unknown = run('s.a', [
      ['try', 'nobody', 'run', [[]]],
      ['try', 's.b', 'nope', [[]]],
    ]);
    assert.deepEqual(resultOf(assertOk(unknown)), [
      'caught REGISTRY_IMPLEMENTATION_NOT_FOUND',
      'caught REGISTRY_UNKNOWN_METHOD',
    ]);
  });

  it(`at most ${MAX_CONTRACT_CALL_DEPTH} contracts on a call stack`, () => {
    assert.equal(MAX_CONTRACT_CALL_DEPTH, 4);
    const deepest = assertOk(run('s.a', chainOf(IDS.slice(0, 4), [['set', 'deep', 'yes']])));
    assert.equal(stateOf('s.d', 'deep'), 'yes');
    assert.deepEqual(
      deepest.events.filter((e) => e.name === 'called').map((e) => (e.data as { depth?: number }).depth),
      [3, 2, 1, undefined],
    );
    const tooDeep = run('s.a', chainOf(IDS, [['set', 'deeper', 'yes']]));
    assertFails(tooDeep, 'CONTRACT_THREW');
    assert.match(tooDeep.message, /REGISTRY_CALL_DEPTH/);
    assert.equal(stateOf('s.e', 'deeper'), null);
  });

  it('a contract already on the call stack cannot be re-entered', () => {
    const direct = run('s.a', [['call', 's.b', 'run', [[['call', 's.a', 'run', [[]]]]]]]);
    assertFails(direct, 'CONTRACT_THREW');
    assert.match(direct.message, /REGISTRY_REENTRY/);
    const self = run('s.a', [['try', 's.a', 'run', [[]]]]);
    assert.deepEqual(resultOf(assertOk(self)), ['caught REGISTRY_REENTRY']);
  });

  it('a read-only caller makes read-only calls, in a transaction and in a query', () => {
    const inTx = run(
      's.a',
      [
        ['try', 's.b', 'run', [[['set', 'ro', '1']]]],
        ['call', 's.b', 'run', [[['get', 'mine']]]],
      ],
      'look',
    );
    assert.deepEqual(resultOf(assertOk(inTx)), ['caught CONTRACT_READ_ONLY', ['b']]);
    assert.equal(stateOf('s.b', 'ro'), null);
    const query = chain.query<{ ok: boolean; code?: string; value?: unknown }>('registry', 'callReadOnly', {
      implementation: 's.a',
      method: 'run',
      args: [
        [
          ['call', 's.b', 'run', [[['get', 'mine']]]],
          ['try', 's.b', 'run', [[['emit', 1]]]],
        ],
      ],
    });
    assert.deepEqual(query, { ...query, ok: true, value: [['b'], 'caught CONTRACT_READ_ONLY'] });
  });

  it('every effect of the call tree is reverted when any part fails', () => {
    const payer = contractAccount('s.b');
    const before = balance(payer);
    // The callee wrote and paid, then the caller failed: all of it goes.
    assertFails(
      run('s.a', [
        [
          'call',
          's.b',
          'run',
          [
            [
              ['set', 'r1', 'x'],
              ['pay', clerk, 5],
            ],
          ],
        ],
        ['throw', 'after'],
      ]),
      'CONTRACT_THREW',
    );
    assert.equal(stateOf('s.b', 'r1'), null);
    assert.equal(balance(payer), before);
    // A failed callee whose failure the caller catches leaves nothing; the caller's own writes stay.
    const caught = assertOk(
      run('s.a', [
        ['set', 'r2', 'kept'],
        [
          'try',
          's.b',
          'run',
          [
            [
              ['set', 'r2', 'gone'],
              ['pay', clerk, 5],
              ['throw', 'no'],
            ],
          ],
        ],
      ]),
    );
    assert.deepEqual(resultOf(caught), [null, 'caught CONTRACT_THREW']);
    assert.equal(stateOf('s.a', 'r2'), 'kept');
    assert.equal(stateOf('s.b', 'r2'), null);
    assert.equal(balance(payer), before);
    assert.equal(caught.events.filter((e) => e.name === 'called').length, 1);
    // Two levels down: c succeeded inside b, b failed afterwards, a caught it: c's write goes with b.
    const deep = assertOk(
      run('s.a', [
        [
          'try',
          's.b',
          'run',
          [
            [
              ['call', 's.c', 'run', [[['set', 'r3', 'x']]]],
              ['throw', 'late'],
            ],
          ],
        ],
      ]),
    );
    assert.deepEqual(resultOf(deep), ['caught CONTRACT_THREW']);
    assert.equal(stateOf('s.c', 'r3'), null);
  });

  it('a hostile callee fails only the transaction that called it, and out of gas is not catchable', () => {
    const loop = run('s.a', [['try', 's.b', 'run', [[['loop']]]]]);
    assertFails(loop, 'CONTRACT_OUT_OF_GAS');
    assert.ok(loop.gasUsed >= DEFAULT_REGISTRY_PARAMETERS.callGasLimit);
    const recurse = assertOk(run('s.a', [['try', 's.b', 'run', [[['recurse']]]]]));
    assert.deepEqual(resultOf(recurse), ['caught CONTRACT_STACK_OVERFLOW']);
    // Binary allocations are charged per word, so this bomb runs out of gas, which the caller cannot catch.
    assertFails(run('s.a', [['try', 's.b', 'run', [[['bomb']]]]]), 'CONTRACT_OUT_OF_GAS');
    // Deep recursion at every level of the deepest stack: each frame's limit is hit, never the worker's.
    const recursionAtDepth = run('s.a', chainOf(IDS.slice(0, 4), [['recurse']]));
    assertFails(recursionAtDepth, 'CONTRACT_THREW');
    assert.match(recursionAtDepth.message, /CONTRACT_STACK_OVERFLOW/);
    assertOk(run('s.a', [['call', 's.b', 'run', [[]]]]));
  });
});
