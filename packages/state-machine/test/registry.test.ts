import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ContractSandbox, DEFAULT_GAS_SCHEDULE } from '@hanglian/contract-runtime';
import { addressFromPublicKey, type TxResult } from '@hanglian/core';
import {
  type CalledData,
  CONFORMANCE_CALLER,
  type ContractExecutionThread,
  type Implementation,
  LOGISTICS_QUOTE_STANDARD,
  type ReadOnlyCallView,
  RegistryMethod,
  runReadOnlyCall,
  SettlementMethod,
  testKey,
} from '../src/index.js';
import { CARRIER_A, CARRIER_B, CARRIER_FORGETFUL, CARRIER_QUOTE_ONLY } from './fixtures/contracts.js';
import {
  carrierA,
  carrierB,
  codeHash,
  deployAndRegister,
  registryChain,
  shopAdmin,
  shopClerk,
} from './fixtures/registryChain.js';
import { assertFails, assertOk } from './helpers.js';

const { chain, registry } = registryChain();
after(() => (registry.executor as ContractExecutionThread).close());

function called(result: TxResult): CalledData {
  const event = result.events.find((e) => e.module === 'registry' && e.name === 'called');
  assert.ok(event, 'a successful call records which implementation served it');
  return event.data as CalledData;
}

describe('registry: two carriers implement logistics.quote/1', () => {
  it('deploys and registers both implementations after their vectors pass', () => {
    const a = assertOk(deployAndRegister(chain, carrierA, 'carrier-a.quote.v1', CARRIER_A));
    const b = assertOk(deployAndRegister(chain, carrierB, 'carrier-b.quote.v1', CARRIER_B));
    // Conformance ran in the sandbox: four vectors, each at least the runtime's per-call base.
    const base = DEFAULT_GAS_SCHEDULE.callBase;
    assert.ok(a.gasUsed > 4 * base && b.gasUsed > 4 * base, `gas ${a.gasUsed}, ${b.gasUsed}`);
    const listed = chain.query<Implementation[]>('registry', 'implementations', {
      standard: 'logistics.quote/1',
    });
    assert.deepEqual(
      listed.map((i) => [i.id, i.org, i.codeHash, i.conformance.vectors]),
      [
        ['carrier-a.quote.v1', 'carrier-a', codeHash(CARRIER_A), 4],
        ['carrier-b.quote.v1', 'carrier-b', codeHash(CARRIER_B), 4],
      ],
    );
  });

  it('switches between implementations in consecutive transactions, each recording what served it', () => {
    const args = ['order-7', 2300, 'cn-east', 'cn-north'];
    const viaA = assertOk(
      chain.submit(shopClerk, 'registry', 'call', {
        implementation: 'carrier-a.quote.v1',
        method: 'ship',
        args,
      }),
    );
    const viaB = assertOk(
      chain.submit(shopClerk, 'registry', 'call', {
        implementation: 'carrier-b.quote.v1',
        method: 'ship',
        args,
      }),
    );
    assert.deepEqual(JSON.parse(called(viaA).resultJson), { price: 800 + 3 * 200, days: 3 });
    assert.deepEqual(JSON.parse(called(viaB).resultJson), { price: 600 + 5 * 150, days: 4 });
    assert.equal(called(viaA).codeHash, codeHash(CARRIER_A));
    assert.equal(called(viaB).codeHash, codeHash(CARRIER_B));
    assert.equal(called(viaA).caller, addressFromPublicKey(shopClerk.publicKey));
    // Each contract wrote only its own key space.
    const stateOf = (implementation: string, key: string) =>
      chain.query<{ value: string | null }>('registry', 'contractState', { implementation, key }).value;
    assert.equal(stateOf('carrier-a.quote.v1', 'shipment/order-7'), 'booked');
    assert.equal(stateOf('carrier-b.quote.v1', 'shipment/order-7'), 'booked');
    assert.equal(stateOf('carrier-a.quote.v1', 'count'), null);
    assert.equal(stateOf('carrier-b.quote.v1', 'count'), '1');
    const shipped = viaB.events.filter((e) => e.name === 'contractEvent');
    assert.deepEqual(
      shipped.map((e) => e.data),
      [{ implementation: 'carrier-b.quote.v1', name: 'shipped', dataJson: '{"orderRef":"order-7"}' }],
    );
  });

  it('fails a contract’s own failure with its code and gas, and keeps going', () => {
    const again = chain.submit(shopClerk, 'registry', 'call', {
      implementation: 'carrier-a.quote.v1',
      method: 'ship',
      args: ['order-7', 2300, 'cn-east', 'cn-north'],
    });
    assertFails(again, 'CONTRACT_THREW');
    assert.match(again.message, /already booked: order-7/);
    assert.ok(again.gasUsed > DEFAULT_GAS_SCHEDULE.callBase);
    assertFails(
      chain.submit(shopClerk, 'registry', 'call', {
        implementation: 'carrier-a.quote.v1',
        method: 'quote',
        args: [0, 'cn-east', 'cn-east'],
      }),
      'REGISTRY_BAD_ARGS',
    );
    assertFails(
      chain.submit(shopClerk, 'registry', 'call', {
        implementation: 'carrier-a.quote.v1',
        method: 'refund',
        args: [],
      }),
      'REGISTRY_UNKNOWN_METHOD',
    );
    assertFails(
      chain.submit(shopClerk, 'registry', 'call', { implementation: 'nobody.v1', method: 'quote', args: [] }),
      'REGISTRY_IMPLEMENTATION_NOT_FOUND',
    );
  });

  it('answers read-only calls on the node and locally with the same result and gas', async () => {
    const query = (implementation: string) =>
      chain.query<ReadOnlyCallView>('registry', 'callReadOnly', {
        implementation,
        method: 'quote',
        args: [500, 'cn-east', 'cn-east'],
      });
    const a = query('carrier-a.quote.v1');
    const b = query('carrier-b.quote.v1');
    assert.ok(a.ok && b.ok);
    assert.deepEqual(a.value, { price: 1000, days: 2 });
    assert.deepEqual(b.value, { price: 750, days: 1 });
    // A wallet runs the same code in its own sandbox; the private inputs never leave it.
    const sandbox = await ContractSandbox.create();
    const local = runReadOnlyCall({
      executor: sandbox,
      deployment: new RegistryMethod().requireDeployment(chain.state, 'carrier-a.quote.v1'),
      state: chain.state,
      settlement: new SettlementMethod(),
      method: 'quote',
      args: [500, 'cn-east', 'cn-east'],
      caller: CONFORMANCE_CALLER,
      height: chain.height,
      time: 0,
      gasLimit: 50_000_000,
      memoryLimitBytes: 16 * 1024 * 1024,
    });
    assert.deepEqual(local, { ok: true, value: a.value, gasUsed: a.gasUsed });
    // A writing method run read-only fails, and nothing is written.
    const ship = chain.query<ReadOnlyCallView>('registry', 'callReadOnly', {
      implementation: 'carrier-a.quote.v1',
      method: 'ship',
      args: ['order-ro', 500, 'cn-east', 'cn-east'],
    });
    assert.equal(ship.ok ? 'OK' : ship.code, 'CONTRACT_READ_ONLY');
  });

  it('refuses code that fails a vector or lacks a method, and registrants outside the policy', () => {
    const forgetful = deployAndRegister(chain, carrierA, 'carrier-a.forgetful', CARRIER_FORGETFUL);
    assertFails(forgetful, 'REGISTRY_CONFORMANCE_FAILED');
    assert.match(forgetful.message, /books a shipment/);
    assert.ok(forgetful.gasUsed > DEFAULT_GAS_SCHEDULE.callBase, 'the vectors that ran are paid for');
    assertFails(
      deployAndRegister(chain, carrierB, 'carrier-b.partial', CARRIER_QUOTE_ONLY),
      'REGISTRY_METHOD_MISSING',
    );
    // The shop is a merchant: logistics.quote/1 admits carriers only.
    assertFails(
      chain.submit(shopAdmin, 'registry', 'registerImplementation', {
        id: 'shop.quote',
        standard: 'logistics.quote/1',
        codeHash: codeHash(CARRIER_A),
        displayName: 'Shop',
      }),
      'REGISTRY_NOT_ALLOWED',
    );
    assertFails(
      deployAndRegister(chain, carrierA, 'carrier-a.quote.v1', CARRIER_B),
      'REGISTRY_IMPLEMENTATION_EXISTS',
    );
    assertFails(
      chain.submit(carrierA, 'registry', 'deployCode', { source: CARRIER_A }),
      'REGISTRY_CODE_EXISTS',
    );
    assertFails(
      chain.submit(carrierA, 'registry', 'deployCode', {
        source: `var contract={};//${'x'.repeat(61 * 1024)}`,
      }),
      'REGISTRY_CODE_TOO_LARGE',
    );
    assert.equal(chain.query('registry', 'implementation', { id: 'carrier-a.forgetful' }), null);
  });

  it('keeps versions apart: v2 is a new registration, v1 still runs its own code', () => {
    const v2Source = CARRIER_A.replace('800 +', '700 +');
    assertOk(deployAndRegister(chain, carrierA, 'carrier-a.quote.v2', v2Source));
    const quote = (implementation: string) =>
      chain.query<ReadOnlyCallView>('registry', 'callReadOnly', {
        implementation,
        method: 'quote',
        args: [1000, 'cn-east', 'cn-east'],
      });
    assert.deepEqual(quote('carrier-a.quote.v1'), {
      ...quote('carrier-a.quote.v1'),
      ok: true,
      value: { price: 1000, days: 2 },
      codeHash: codeHash(CARRIER_A),
    });
    assert.deepEqual(quote('carrier-a.quote.v2'), {
      ...quote('carrier-a.quote.v2'),
      ok: true,
      value: { price: 900, days: 2 },
      codeHash: codeHash(v2Source),
    });
  });
});

describe('registry: standards and policy are governance actions', () => {
  const { chain: governed, registry: governedRegistry } = registryChain({ standards: false });
  after(() => (governedRegistry.executor as ContractExecutionThread).close());
  const admins = ['brand', 'shop', 'pay', 'reg', 'carrier-a', 'carrier-b'].map((org) =>
    testKey(`${org}/admin`),
  );

  function pass(action: unknown): void {
    const submitted = assertOk(
      governed.submit(admins[0]!, 'governance', 'submitProposal', { title: 'registry', action }),
    );
    const id = (submitted.events[0]!.data as { id: number }).id;
    // Six organisations: more than 2/3 is five yes votes.
    for (const admin of admins.slice(1, 5))
      assertOk(governed.submit(admin, 'governance', 'vote', { proposalId: id, vote: 'yes' }));
    assert.equal(governed.query<{ status: string }>('governance', 'proposal', { id }).status, 'approved');
  }

  it('registers a standard by vote, after which carriers can implement it', () => {
    assertFails(
      deployAndRegister(governed, carrierA, 'carrier-a.quote.v1', CARRIER_A),
      'REGISTRY_STANDARD_NOT_FOUND',
    );
    pass({ type: 'registerStandard', standard: LOGISTICS_QUOTE_STANDARD });
    assert.equal(
      governed.query<{ id: string }>('registry', 'standard', { id: 'logistics.quote/1' }).id,
      'logistics.quote/1',
    );
    assertOk(deployAndRegister(governed, carrierA, 'carrier-a.quote.v1', CARRIER_A));
  });

  it('refuses a standard that is invalid or already registered at submission', () => {
    const uncovered = {
      ...LOGISTICS_QUOTE_STANDARD,
      id: 'logistics.quote/2',
      vectors: LOGISTICS_QUOTE_STANDARD.vectors.slice(0, 2),
    };
    assertFails(
      governed.submit(admins[0]!, 'governance', 'submitProposal', {
        title: 'x',
        action: { type: 'registerStandard', standard: uncovered },
      }),
      'REGISTRY_STANDARD_INVALID',
    );
    const withPattern = {
      ...LOGISTICS_QUOTE_STANDARD,
      id: 'logistics.quote/3',
      events: [{ name: 'shipped', summary: '', data: { type: 'string', pattern: '(a+)+$' } }],
    };
    assertFails(
      governed.submit(admins[0]!, 'governance', 'submitProposal', {
        title: 'x',
        action: { type: 'registerStandard', standard: withPattern },
      }),
      'REGISTRY_STANDARD_INVALID',
    );
    assertFails(
      governed.submit(admins[0]!, 'governance', 'submitProposal', {
        title: 'x',
        action: { type: 'registerStandard', standard: LOGISTICS_QUOTE_STANDARD },
      }),
      'REGISTRY_STANDARD_EXISTS',
    );
  });

  it('sets the deployment policy by vote', () => {
    assertOk(
      governed.submit(shopAdmin, 'registry', 'deployCode', {
        source: 'var contract = { a() { return 1; } };',
      }),
    );
    pass({ type: 'setRegistryParameters', deployerRoles: ['carrier'] });
    assertFails(
      governed.submit(shopAdmin, 'registry', 'deployCode', {
        source: 'var contract = { a() { return 2; } };',
      }),
      'REGISTRY_NOT_ALLOWED',
    );
    assertOk(
      governed.submit(carrierB, 'registry', 'deployCode', {
        source: 'var contract = { a() { return 2; } };',
      }),
    );
  });
});
