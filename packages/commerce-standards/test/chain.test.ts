/**
 * The standards on a real chain: the four standards at genesis, every reference implementation deployed and
 * registered by its own organisation (the chain runs the vectors again), called in transactions
 * (`registry.call`) and read-only (`callReadOnly`); a wallet's local run with private history agrees with
 * the chain; implementations that break a promise are refused at registration.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ContractSandbox } from '@hanglian/contract-runtime';
import { RESULT_OK, type SigningKey, type TxResult } from '@hanglian/core';
import {
  type CalledData,
  CONFORMANCE_CALLER,
  type ContractExecutionThread,
  createKernel,
  type Implementation,
  MemoryState,
  type ReadOnlyCallView,
  RegistryMethod,
  RegistryModule,
  runReadOnlyCall,
  SettlementMethod,
  type Standard,
  standardTestNetwork,
  TestChain,
  testKey,
} from '@hanglian/state-machine';
import { COMMERCE_QUERY_GAS_LIMIT, commerceGenesisSection } from '../src/genesis.js';
import { buildReferenceImplementations } from '../src/references.js';
import { searchWorkload } from '../src/searchWorkload.js';
import {
  deployAndRegister,
  deployReferenceImplementations,
  withReferenceOrganisations,
} from '../src/testing.js';
import { BROKEN, CATALOGUE, HISTORY, QUERY } from './fixtures.js';

const registry = new RegistryModule();
after(() => (registry.executor as ContractExecutionThread).close());

function commerceChain(): TestChain {
  const genesis = withReferenceOrganisations(standardTestNetwork()).build();
  genesis.modules.registry = commerceGenesisSection();
  return new TestChain(genesis, { kernel: createKernel({ extraModules: [registry] }) });
}

const chain = commerceChain();
const admin = (org: string) => testKey(`${org}/admin`);
const shopClerk = testKey('shop/clerk');

function assertOk(result: TxResult): TxResult {
  assert.equal(result.code, RESULT_OK, `expected OK, got ${result.code}: ${result.message}`);
  return result;
}

function register(signer: SigningKey, id: string, standard: string, source: string): TxResult {
  return deployAndRegister(chain, signer, { id, standard, source });
}

/** Calls a method in a transaction signed by the shop's clerk; returns the contract's result. */
function callInTransaction(implementation: string, method: string, request: unknown): unknown {
  const result = assertOk(
    chain.submit(shopClerk, 'registry', 'call', { implementation, method, args: [request] }),
  );
  const called = result.events.find((e) => e.module === 'registry' && e.name === 'called');
  assert.ok(called, 'a call records which implementation served it');
  const data = called.data as CalledData;
  assert.equal(data.implementation, implementation);
  return JSON.parse(data.resultJson);
}

function callReadOnly(implementation: string, method: string, request: unknown): ReadOnlyCallView {
  return chain.query<ReadOnlyCallView>('registry', 'callReadOnly', {
    implementation,
    method,
    args: [request],
  });
}

const rankOnChain = (implementation: string, request: unknown) => {
  const view = callReadOnly(implementation, 'rank', request);
  assert.ok(view.ok, `${implementation}: ${view.ok ? '' : `${view.code}: ${view.message}`}`);
  return (view.value as { ids: string[] }).ids;
};

describe('commerce standards on a chain', () => {
  it('starts with the five standards and the commerce query gas limit from the genesis section', () => {
    const standards = chain.query<Standard[]>('registry', 'standards', {});
    assert.deepEqual(
      standards.map((s) => [s.id, s.implementerRoles]),
      [
        ['commerce.inventory/1', ['merchant']],
        ['commerce.logistics/1', ['carrier']],
        ['commerce.payment/1', ['payment']],
        ['commerce.search/1', ['platform']],
        ['commerce.search/2', ['platform']],
      ],
    );
    assert.equal(
      chain.query<{ queryGasLimit: number }>('registry', 'parameters', {}).queryGasLimit,
      COMMERCE_QUERY_GAS_LIMIT,
    );
  });

  it('deploys and registers every reference implementation by its own organisation', () => {
    deployReferenceImplementations(chain);
    const listed = chain.query<Implementation[]>('registry', 'implementations', {});
    assert.deepEqual(
      listed.map((i) => [i.id, i.standard, i.org, i.codeHash]).sort(),
      buildReferenceImplementations()
        .map((i) => [i.id, i.standard, i.org, i.codeHash])
        .sort(),
    );
    for (const standard of ['commerce.payment/1', 'commerce.logistics/1', 'commerce.search/1']) {
      const orgs = chain
        .query<Implementation[]>('registry', 'implementations', { standard })
        .map((i) => i.org);
      assert.ok(new Set(orgs).size >= 2, `${standard}: ${orgs.join(', ')}`);
    }
  });

  it('calls each implementation in a transaction through registry.call', () => {
    const available = ['tea:b1:1', 'tea:b1:2', 'tea:b1:3'];
    assert.deepEqual(
      callInTransaction('fifo', 'choose', { listing: 'shop/tea', sku: 'tea', quantity: 2, available }),
      {
        codes: ['tea:b1:1', 'tea:b1:2'],
      },
    );
    assert.deepEqual(callInTransaction('paybank-a.payment', 'fee', { amount: 12_900 }), { fee: 78 });
    assert.deepEqual(callInTransaction('paybank-b.payment', 'fee', { amount: 12_900 }), { fee: 129 });
    const parcel = { items: 2, weightGrams: 1_800, fromRegion: 'CN-31', toRegion: 'CN-11' };
    assert.deepEqual(callInTransaction('carrier-a.express', 'quote', parcel), { fee: 1_800, days: 2 });
    assert.deepEqual(callInTransaction('carrier-b.economy', 'quote', parcel), { fee: 1_000, days: 4 });
    const search = { query: QUERY, listings: CATALOGUE };
    assert.deepEqual(callInTransaction('platform-a.relevance', 'rank', search), {
      ids: ['outlet/three-body', 'shop/three-body', 'stationer/notebook', 'shop/three-body-collector'],
    });
    assert.deepEqual(callInTransaction('platform-b.bestprice', 'rank', search), {
      ids: ['shop/three-body', 'stationer/notebook', 'outlet/three-body'],
    });
    assert.deepEqual(
      callInTransaction('filter.category', 'rank', { query: 'stationery', listings: CATALOGUE }),
      {
        ids: ['stationer/notebook'],
      },
    );
  });

  it('fails a call that breaks the standard’s domain or the implementation’s route, with its code', () => {
    const tooFew = chain.submit(shopClerk, 'registry', 'call', {
      implementation: 'fifo',
      method: 'choose',
      args: [{ listing: 'shop/tea', sku: 'tea', quantity: 4, available: ['tea:b1:1'] }],
    });
    assert.equal(tooFew.code, 'CONTRACT_THREW');
    const unserved = chain.submit(shopClerk, 'registry', 'call', {
      implementation: 'carrier-b.economy',
      method: 'quote',
      args: [{ items: 1, weightGrams: 10, fromRegion: 'CN-31', toRegion: 'ZZ' }],
    });
    assert.equal(unserved.code, 'CONTRACT_THREW');
    const free = chain.submit(shopClerk, 'registry', 'call', {
      implementation: 'paybank-a.payment',
      method: 'fee',
      args: [{ amount: 0 }],
    });
    assert.equal(free.code, 'REGISTRY_BAD_ARGS');
  });

  it('the two platforms rank the same catalogue differently, read-only on the node', () => {
    const request = { query: QUERY, listings: CATALOGUE };
    const relevance = rankOnChain('platform-a.relevance', request);
    const bestprice = rankOnChain('platform-b.bestprice', request);
    assert.notDeepEqual(relevance, bestprice);
    assert.deepEqual(new Set(bestprice).size, bestprice.length);
    for (const id of [...relevance, ...bestprice])
      assert.ok(
        CATALOGUE.some((l) => l.id === id),
        id,
      );
  });

  it('a wallet runs the search locally with the private history and gets the chain’s answer', async () => {
    const request = { query: QUERY, listings: CATALOGUE, history: HISTORY };
    // Fetched from the chain as a wallet would (`code` query: the source, so the wallet runs the same code).
    const deployment = new RegistryMethod().requireDeployment(chain.state, 'platform-a.relevance');
    const sandbox = await ContractSandbox.create();
    const local = runReadOnlyCall({
      executor: sandbox,
      deployment,
      state: chain.state,
      settlement: new SettlementMethod(),
      method: 'rank',
      args: [request],
      caller: CONFORMANCE_CALLER,
      height: chain.height,
      time: 0,
      gasLimit: 50_000_000,
      memoryLimitBytes: 16 * 1024 * 1024,
    });
    const onChain = callReadOnly('platform-a.relevance', 'rank', request);
    assert.ok(local.ok && onChain.ok);
    assert.deepEqual(local.value, onChain.value);
    assert.equal(local.gasUsed, onChain.gasUsed, 'same code, same checks, same gas');
    // And the history matters: without it the answer differs.
    const anonymous = rankOnChain('platform-a.relevance', { query: QUERY, listings: CATALOGUE });
    assert.notDeepEqual((local.value as { ids: string[] }).ids, anonymous);
    assert.equal((local.value as { ids: string[] }).ids[0], 'stationer/notebook');
  });

  it('search/2 at its largest (1,000 candidates, 500 purchases): a wallet’s run is the chain’s, gas included', async () => {
    const request = searchWorkload({ listings: 1_000, purchases: 500, query: 'tea' });
    const sandbox = await ContractSandbox.create({}, { maxNesting: 1 });
    const parameters = chain.query<{ queryGasLimit: number; memoryLimitBytes: number }>(
      'registry',
      'parameters',
      {},
    );
    const answers: string[][] = [];
    for (const id of ['platform-a.merchants', 'platform-b.discover']) {
      const local = runReadOnlyCall({
        executor: sandbox,
        deployment: new RegistryMethod().requireDeployment(chain.state, id),
        state: new MemoryState(),
        settlement: new SettlementMethod(),
        method: 'rank',
        args: [request],
        caller: CONFORMANCE_CALLER,
        height: chain.height,
        time: 0,
        gasLimit: parameters.queryGasLimit,
        memoryLimitBytes: parameters.memoryLimitBytes,
      });
      const onChain = callReadOnly(id, 'rank', request);
      assert.ok(local.ok && onChain.ok, JSON.stringify(onChain).slice(0, 300));
      assert.deepEqual(local.value, onChain.value, id);
      assert.equal(local.gasUsed, onChain.gasUsed, `${id}: same gas`);
      answers.push((local.value as { ids: string[] }).ids);
    }
    assert.notDeepEqual(answers[0], answers[1], 'the two platforms rank differently');
  });

  it('refuses at registration implementations that break a promise', () => {
    const refused = (org: string, id: string, standard: string, source: string, vector: RegExp) => {
      const result = register(admin(org), id, standard, source);
      assert.equal(result.code, 'REGISTRY_CONFORMANCE_FAILED', `${id}: ${result.code} ${result.message}`);
      assert.match(result.message, vector);
      assert.equal(chain.query('registry', 'implementation', { id }), null);
    };
    refused(
      'paybank-a',
      'paybank-a.minimum',
      'commerce.payment/1',
      BROKEN.paymentUncappedMinimum(),
      /smallest payment/,
    );
    refused(
      'shop',
      'shop.invented',
      'commerce.inventory/1',
      BROKEN.inventoryInventsCode(),
      /only available code/,
    );
    refused(
      'platform-b',
      'platform-b.sponsored',
      'commerce.search/1',
      BROKEN.searchSponsored(),
      /empty catalogue/,
    );
  });

  it('admits implementers by role only', () => {
    const fifo = buildReferenceImplementations().find((i) => i.id === 'fifo')!;
    const result = chain.submit(admin('platform-a'), 'registry', 'registerImplementation', {
      id: 'platform-a.fifo',
      standard: 'commerce.inventory/1',
      codeHash: fifo.codeHash,
      displayName: 'not a merchant',
    });
    assert.equal(result.code, 'REGISTRY_NOT_ALLOWED');
  });
});
