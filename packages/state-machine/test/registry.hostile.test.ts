import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { addressFromPublicKey, RESULT_OK } from '@hanglian/core';
import { type ContractExecutionThread, contractAccount, DEFAULT_REGISTRY_PARAMETERS } from '../src/index.js';
import { CARRIER_A, HOSTILE } from './fixtures/contracts.js';
import { carrierA, carrierB, deployAndRegister, registryChain, shopClerk } from './fixtures/registryChain.js';
import { assertFails, assertOk } from './helpers.js';

const { chain, registry } = registryChain();
after(() => (registry.executor as ContractExecutionThread).close());
const balance = (address: string) =>
  chain.query<{ amount: number }>('settlement', 'balance', { address }).amount;
const hostileAccount = contractAccount('hostile.v1');
const clerk = addressFromPublicKey(shopClerk.publicKey);

function quote(fromRegion: string) {
  return chain.submit(shopClerk, 'registry', 'call', {
    implementation: 'hostile.v1',
    method: 'quote',
    args: [1000, fromRegion, 'cn-east'],
  });
}

describe('hostile contracts through the registry fail only their own transaction', () => {
  it('registers a contract that behaves on the vectors', () => {
    assertOk(deployAndRegister(chain, carrierA, 'hostile.v1', HOSTILE));
    assertOk(deployAndRegister(chain, carrierB, 'carrier-b.quote.v1', CARRIER_A));
  });

  it('an infinite loop runs out of gas at the call limit', () => {
    const result = quote('loop');
    assertFails(result, 'CONTRACT_OUT_OF_GAS');
    assert.ok(result.gasUsed >= DEFAULT_REGISTRY_PARAMETERS.callGasLimit, `gas ${result.gasUsed}`);
    assert.ok(result.gasUsed < DEFAULT_REGISTRY_PARAMETERS.callGasLimit + 100_000);
  });

  it('a memory bomb built from Array(n).fill runs out of gas at once (fill is charged per element)', () => {
    // Before the per-element charge it ran ~5 s until the 16 MiB memory limit and failed on memory, not
    // gas: the code and the gas it used say which, on any machine, without timing it.
    const result = quote('memory');
    assertFails(result, 'CONTRACT_OUT_OF_GAS');
    assert.ok(result.gasUsed >= DEFAULT_REGISTRY_PARAMETERS.callGasLimit, `gas ${result.gasUsed}`);
  });

  it('deep recursion overflows the sandbox stack (deterministically, on the worker’s large native stack)', () => {
    const first = quote('recurse');
    assertFails(first, 'CONTRACT_STACK_OVERFLOW');
    assert.equal(quote('recurse').gasUsed, first.gasUsed, 'the same call uses the same gas');
  });

  it('host access: no process, require, Date, timers, std/os; kernel calls outside the allowed set are refused', () => {
    const result = quote('host');
    assertFails(result, 'CONTRACT_THREW');
    // quote is read-only in the standard, so even the allowed transfer is refused inside it.
    assert.match(
      result.message,
      /undefined,undefined,undefined,undefined,undefined,undefined,CONTRACT_READ_ONLY,REGISTRY_HOST_CALL_DENIED/,
    );
  });

  it('garbage output is refused against the standard’s output schema', () => {
    assertFails(quote('garbage'), 'REGISTRY_BAD_OUTPUT');
  });

  it('a payment followed by a throw is reverted with the transaction', () => {
    const before = balance(hostileAccount);
    const result = chain.submit(shopClerk, 'registry', 'call', {
      implementation: 'hostile.v1',
      method: 'ship',
      args: [clerk, 1000, 'pay-then-throw', 'cn-east'],
    });
    assertFails(result, 'CONTRACT_THREW');
    assert.equal(balance(hostileAccount), before);
    assert.equal(
      chain.query<{ value: null }>('registry', 'contractState', {
        implementation: 'hostile.v1',
        key: `shipment/${clerk}`,
      }).value,
      null,
    );
  });

  it('a contract pays only from its own account', () => {
    const before = balance(clerk);
    const result = assertOk(
      chain.submit(shopClerk, 'registry', 'call', {
        implementation: 'hostile.v1',
        method: 'ship',
        args: [clerk, 1000, 'steal', 'cn-east'],
      }),
    );
    assert.equal(balance(clerk), before + 100);
    assert.equal(balance(hostileAccount), 10_000 - 100);
    assert.deepEqual(
      result.events.filter((e) => e.name === 'contractTransferred').map((e) => e.data),
      [{ implementation: 'hostile.v1', from: hostileAccount, to: clerk, amount: 100 }],
    );
  });

  it('in one block, hostile transactions fail and their neighbours succeed', () => {
    const txs = [
      chain.buildTx(shopClerk, 'registry', 'call', {
        implementation: 'hostile.v1',
        method: 'quote',
        args: [1, 'loop', 'cn-east'],
      }),
      chain.buildTx(carrierA, 'registry', 'call', {
        implementation: 'carrier-b.quote.v1',
        method: 'ship',
        args: ['o-3', 10, 'cn-east', 'cn-east'],
      }),
      chain.buildTx(shopClerk, 'registry', 'call', {
        implementation: 'hostile.v1',
        method: 'quote',
        args: [1, 'memory', 'cn-east'],
      }),
      chain.buildTx(shopClerk, 'settlement', 'transfer', { to: hostileAccount, amount: 5 }),
    ];
    const height = chain.height;
    const { txResults } = chain.executeBlock(txs);
    assert.deepEqual(
      txResults.map((r) => r.code),
      ['CONTRACT_OUT_OF_GAS', RESULT_OK, 'CONTRACT_OUT_OF_GAS', RESULT_OK],
    );
    assert.equal(chain.height, height + 1);
  });
});
