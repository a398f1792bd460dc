import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type BalanceView,
  ExecutionErrors,
  IdentityErrors,
  type IssuerAccount,
  SettlementErrors,
  type SupplyView,
  standardTestNetwork,
  TestChain,
  testAddress,
  testKey,
} from '../src/index.js';
import { assertFails, assertOk, thrownCode } from './helpers.js';

const payAdmin = testKey('pay/admin');
const payClerk = testKey('pay/clerk');
const consumer = testKey('consumer-1');

function balance(chain: TestChain, label: string): number {
  return chain.query<BalanceView>('settlement', 'balance', { address: testAddress(label) }).amount;
}

function issue(chain: TestChain, to: string, amount: number, signer = payClerk) {
  return chain.submit(signer, 'settlement', 'issue', { to: testAddress(to), amount, reference: 'dep-1' });
}

describe('settlement: issuing and reserves', () => {
  it('issues within attested reserves, and no further', () => {
    const chain = new TestChain();
    const result = assertOk(issue(chain, 'shop/admin', 60_000_000));
    assert.equal(result.events[0]?.name, 'issued');
    assertFails(issue(chain, 'shop/admin', 40_000_001), SettlementErrors.SETTLEMENT_EXCEEDS_RESERVES);
    assertOk(issue(chain, 'shop/admin', 40_000_000));
    const supply = chain.query<SupplyView>('settlement', 'supply');
    assert.deepEqual([supply.symbol, supply.supply, supply.reserves], ['CNYS', 100_000_000, 100_000_000]);
  });

  it('only an issuer organisation may issue or attest, attesting needs admin', () => {
    const chain = new TestChain();
    assertFails(issue(chain, 'shop/admin', 1, testKey('shop/admin')), IdentityErrors.ORG_ROLE_REQUIRED);
    assertFails(
      chain.submit(testKey('shop/admin'), 'settlement', 'attestReserves', { reserves: 5, reportRef: 'r' }),
      IdentityErrors.ORG_ROLE_REQUIRED,
    );
    assertFails(
      chain.submit(payClerk, 'settlement', 'attestReserves', { reserves: 5, reportRef: 'r' }),
      IdentityErrors.IDENTITY_PERMISSION_REQUIRED,
    );
  });

  it('refuses reserves below what is outstanding, and raises the ceiling with a new report', () => {
    const chain = new TestChain();
    assertOk(issue(chain, 'shop/admin', 1_000));
    assertFails(
      chain.submit(payAdmin, 'settlement', 'attestReserves', { reserves: 999, reportRef: 'q2' }),
      SettlementErrors.SETTLEMENT_RESERVES_BELOW_OUTSTANDING,
    );
    assertOk(
      chain.submit(payAdmin, 'settlement', 'attestReserves', { reserves: 200_000_000, reportRef: 'q2' }),
    );
    const account = chain.query<IssuerAccount>('settlement', 'issuer', { org: 'pay' });
    assert.deepEqual([account.reserves, account.outstanding, account.reportRef], [200_000_000, 1_000, 'q2']);
    assertOk(issue(chain, 'shop/admin', 150_000_000));
  });

  it('stops a suspended issuer from issuing', () => {
    const genesis = standardTestNetwork().build();
    const chain = new TestChain(genesis);
    const method = chain.kernel.identity.method;
    method.setOrganisationStatus(chain.state, 'pay', 'suspended');
    assert.equal(
      thrownCode(() => issue(chain, 'x', 1)),
      ExecutionErrors.TX_NOT_MEMBER,
    );
  });
});

describe('settlement: transfer', () => {
  it('moves money from the submitter by default', () => {
    const chain = new TestChain();
    assertOk(issue(chain, 'shop/admin', 500));
    const result = assertOk(
      chain.submit(testKey('shop/admin'), 'settlement', 'transfer', {
        to: testAddress('brand/admin'),
        amount: 200,
        memo: 'invoice 7',
      }),
    );
    assert.deepEqual(result.events[0]?.data, {
      from: testAddress('shop/admin'),
      to: testAddress('brand/admin'),
      amount: 200,
      memo: 'invoice 7',
    });
    assert.deepEqual([balance(chain, 'shop/admin'), balance(chain, 'brand/admin')], [300, 200]);
  });

  it('moves a consumer’s money when the consumer co-signs, and not otherwise', () => {
    const chain = new TestChain();
    assertOk(issue(chain, 'consumer-1', 500));
    const params = { from: testAddress('consumer-1'), to: testAddress('shop/admin'), amount: 120 };
    assertFails(chain.submit(payClerk, 'settlement', 'transfer', params), ExecutionErrors.TX_NOT_SIGNER);
    assertOk(chain.submit(payClerk, 'settlement', 'transfer', params, { actors: [consumer] }));
    assert.deepEqual([balance(chain, 'consumer-1'), balance(chain, 'shop/admin')], [380, 120]);
  });

  it('fails on insufficient balance and on a transfer to oneself', () => {
    const chain = new TestChain();
    assertOk(issue(chain, 'shop/admin', 10));
    const shop = testKey('shop/admin');
    assertFails(
      chain.submit(shop, 'settlement', 'transfer', { to: testAddress('x'), amount: 11 }),
      SettlementErrors.SETTLEMENT_INSUFFICIENT_BALANCE,
    );
    assertFails(
      chain.submit(shop, 'settlement', 'transfer', { to: testAddress('shop/admin'), amount: 1 }),
      SettlementErrors.SETTLEMENT_SELF_TRANSFER,
    );
  });

  it('deletes a balance that reaches zero', () => {
    const chain = new TestChain();
    assertOk(issue(chain, 'shop/admin', 10));
    assertOk(
      chain.submit(testKey('shop/admin'), 'settlement', 'transfer', { to: testAddress('x'), amount: 10 }),
    );
    assert.equal(chain.kernel.settlement.method.balanceOf(chain.state, testAddress('shop/admin')), 0);
    assert.equal(chain.state.get(Buffer.from(`settlement/balances/${testAddress('shop/admin')}`)), undefined);
  });
});

describe('settlement: redeem', () => {
  it('burns the holder’s units and lowers the issuer’s outstanding', () => {
    const chain = new TestChain();
    assertOk(issue(chain, 'consumer-1', 700));
    assertOk(
      chain.submit(
        payClerk,
        'settlement',
        'redeem',
        { from: testAddress('consumer-1'), issuer: 'pay', amount: 300, reference: 'iban-1' },
        { actors: [consumer] },
      ),
    );
    assert.equal(balance(chain, 'consumer-1'), 400);
    const supply = chain.query<SupplyView>('settlement', 'supply');
    assert.equal(supply.supply, 400);
    assert.equal(supply.issuers[0]?.outstanding, 400);
  });

  it('fails without the holder’s signature, for an unknown issuer, beyond balance or outstanding', () => {
    const chain = new TestChain();
    assertOk(issue(chain, 'shop/admin', 100));
    const shop = testKey('shop/admin');
    assertFails(
      chain.submit(payClerk, 'settlement', 'redeem', {
        from: testAddress('shop/admin'),
        issuer: 'pay',
        amount: 1,
      }),
      ExecutionErrors.TX_NOT_SIGNER,
    );
    assertFails(
      chain.submit(shop, 'settlement', 'redeem', { issuer: 'brand', amount: 1 }),
      SettlementErrors.SETTLEMENT_UNKNOWN_ISSUER,
    );
    assertFails(
      chain.submit(shop, 'settlement', 'redeem', { issuer: 'pay', amount: 101 }),
      SettlementErrors.SETTLEMENT_EXCEEDS_OUTSTANDING,
    );
    assertOk(issue(chain, 'brand/admin', 100));
    assertFails(
      chain.submit(shop, 'settlement', 'redeem', { issuer: 'pay', amount: 101 }),
      SettlementErrors.SETTLEMENT_INSUFFICIENT_BALANCE,
    );
  });
});

describe('settlement: genesis', () => {
  it('opens balances against an issuer’s reserves, never beyond them', () => {
    const ok = new TestChain(standardTestNetwork().balance(testAddress('consumer-1'), 5_000, 'pay').build());
    assert.equal(balance(ok, 'consumer-1'), 5_000);
    assert.equal(ok.query<SupplyView>('settlement', 'supply').supply, 5_000);
    const tooMuch = standardTestNetwork().balance(testAddress('consumer-1'), 100_000_001, 'pay').build();
    assert.equal(
      thrownCode(() => new TestChain(tooMuch)),
      ExecutionErrors.GENESIS_INVALID,
    );
    const notIssuer = standardTestNetwork().issuer('shop', 5).build();
    assert.equal(
      thrownCode(() => new TestChain(notIssuer)),
      ExecutionErrors.GENESIS_INVALID,
    );
  });
});
