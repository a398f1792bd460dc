/**
 * Regression test of issue 11, "a result must never depend on a clock": the contract worker's reply
 * timeout (a wall clock) used to come back as the transaction's result — `TX_FAILED` on a node whose
 * timeout was short, `CONTRACT_OUT_OF_GAS` on one whose timeout was long — so two validators on either
 * side of it committed different results. Now the timeout is a fault of the node that hit it: the block
 * stops without a result, and the node is told (`onFault`) so that it can stop itself.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { CallRequest, CallResult, ContractHost } from '@hanglian/contract-runtime';
import {
  ContractExecutionThread,
  type ContractExecutionThreadOptions,
  type ContractExecutor,
} from '../src/index.js';
import { HOSTILE } from './fixtures/contracts.js';
import { carrierA, deployAndRegister, registryChain, shopClerk } from './fixtures/registryChain.js';
import { assertOk } from './helpers.js';

/** Runs on `patient` until `impatient` is switched on: registration runs its vectors on the patient one. */
class SwitchableExecutor implements ContractExecutor {
  impatientNow = false;
  constructor(
    readonly patient: ContractExecutionThread,
    readonly impatient: ContractExecutionThread,
  ) {}
  call(request: CallRequest, host: ContractHost): CallResult {
    return (this.impatientNow ? this.impatient : this.patient).call(request, host);
  }
  query(request: CallRequest, host: ContractHost): CallResult {
    return (this.impatientNow ? this.impatient : this.patient).query(request, host);
  }
}

describe('the contract worker’s timeout never becomes a result', () => {
  const faults: Error[] = [];
  // A 1 ms reply timeout: the call below (a loop until its 20 M gas run out) takes longer than that.
  const impatientOptions = { replyTimeoutMs: 1, onFault: (fault: Error) => faults.push(fault) };
  const executor = new SwitchableExecutor(
    new ContractExecutionThread(),
    new ContractExecutionThread(impatientOptions as ContractExecutionThreadOptions),
  );
  const { chain } = registryChain({ executor });
  after(async () => {
    await executor.patient.close();
    await executor.impatient.close();
  });
  const loop = () =>
    chain.submit(shopClerk, 'registry', 'call', {
      implementation: 'hostile.v1',
      method: 'quote',
      args: [1000, 'loop', 'cn-east'],
    });

  it('a patient node records the call’s own outcome: out of gas', () => {
    assertOk(deployAndRegister(chain, carrierA, 'hostile.v1', HOSTILE));
    assert.equal(loop().code, 'CONTRACT_OUT_OF_GAS');
  });

  it('a node whose worker times out records nothing: the block stops and the node is told', () => {
    executor.impatientNow = true;
    const height = chain.height;
    let outcome: string;
    try {
      outcome = `recorded ${loop().code}`;
    } catch (error) {
      outcome = `thrown ${(error as Error).name}`;
    }
    assert.equal(outcome, 'thrown SandboxFaultError');
    assert.equal(chain.height, height, 'no block was committed');
    assert.ok(faults.length >= 1, 'the node was told of the fault');
    assert.match(faults[0]!.message, /did not answer within 1 ms/);
  });
});
